/*
 * Copyright 2026 The npipe authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
 * on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
 * the specific language governing permissions and limitations under the License.
 */
package dev.npipe.examples.grpc;

import dev.npipe.grpc.AllowedUsersInterceptor;
import dev.npipe.grpc.NamedPipeGrpc;
import dev.npipe.transport.NamedPipeEventLoopGroup;
import dev.npipe.transport.NamedPipePeerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * grpc-java's health service on {@code \\.\pipe\name}, for this process's own Windows user only:
 * {@code java ... HealthServer [name]}. Every admitted call is reported with the caller's pid, session and user.
 */
public final class HealthServer implements AutoCloseable {
    private final Server server;

    private HealthServer(Server server) {
        this.server = server;
    }

    /**
     * Serves until the process is stopped, printing who calls.
     *
     * @param args the pipe name, default {@code npipe-health}
     * @throws Exception if the pipe cannot be served
     */
    public static void main(String[] args) throws Exception {
        String pipe = args.length > 0 ? args[0] : "npipe-health";
        EventLoopGroup group = new NamedPipeEventLoopGroup(2);
        try (HealthServer server = start(pipe, group, caller -> System.out.println("health: call from " + caller))) {
            System.out.println("health server on \\\\.\\pipe\\" + pipe);
            server.server.awaitTermination();
        } finally {
            group.shutdownGracefully();
        }
    }

    /**
     * Starts the health service (every service reported {@code SERVING}) on {@code pipe}.
     *
     * @param pipe the pipe name
     * @param group named pipe event loops; the caller's to shut down after {@link #close()}
     * @param onCall told who made each admitted call (on a gRPC thread)
     * @return the running server
     * @throws IOException if the pipe cannot be served
     */
    public static HealthServer start(String pipe, EventLoopGroup group, Consumer<NamedPipePeerCredentials> onCall)
            throws IOException {
        HealthStatusManager health = new HealthStatusManager();
        Server server = NamedPipeGrpc.serverBuilder(pipe, group)
                .addService(health.getHealthService())
                .directExecutor() // the health service never blocks: answer on the pipe's event loop
                .intercept(new CallerLog(onCall))
                .intercept(AllowedUsersInterceptor.currentUserOnly()) // added last, so it runs first
                .build()
                .start();
        return new HealthServer(server);
    }

    /** Stops the server, giving calls in progress a few seconds to end. */
    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Reports the caller of each call that reaches the service. */
    private static final class CallerLog implements ServerInterceptor {
        private final Consumer<NamedPipePeerCredentials> onCall;

        CallerLog(Consumer<NamedPipePeerCredentials> onCall) {
            this.onCall = onCall;
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            // Present here: AllowedUsersInterceptor has refused every call whose caller is unknown.
            NamedPipeGrpc.caller(call).ifPresent(onCall);
            return next.startCall(call, headers);
        }
    }
}
