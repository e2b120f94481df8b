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
package dev.npipe.grpc;

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeEventLoopGroup;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A gRPC server and a channel to it over a pipe no other test uses, on one event loop group; closes all. */
final class GrpcPipe implements AutoCloseable {
    private static final AtomicLong NEXT = new AtomicLong();
    private static final long START = System.currentTimeMillis();

    final NamedPipeAddress address = uniqueAddress();
    final NamedPipeEventLoopGroup group = new NamedPipeEventLoopGroup(2, new DefaultThreadFactory("grpc-pipe", true));
    Server server;
    ManagedChannel channel;

    /**
     * A pipe name of process id, start time and a counter (no UUID: it seeds SecureRandom, which newer Windows JDKs
     * cannot do under Wine).
     */
    static NamedPipeAddress uniqueAddress() {
        return new NamedPipeAddress("npipe-grpc-test-" + ProcessHandle.current().pid() + "-" + START + "-"
                + NEXT.incrementAndGet());
    }

    /** Starts a server with {@code services} and a channel to it, both from {@link NamedPipeGrpc}. */
    GrpcPipe start(ServerServiceDefinition... services) throws IOException {
        var builder = NamedPipeGrpc.serverBuilder(address, group);
        for (ServerServiceDefinition service : services) {
            builder.addService(service);
        }
        server = builder.build().start();
        channel = NamedPipeGrpc.channelBuilder(address, group).build();
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow();
            assertTrue(channel.awaitTermination(10, TimeUnit.SECONDS), "channel did not terminate");
        }
        if (server != null) {
            server.shutdownNow();
            assertTrue(server.awaitTermination(10, TimeUnit.SECONDS), "server did not terminate");
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        assertTrue(group.awaitTermination(10, TimeUnit.SECONDS), "event loop group did not terminate");
    }
}
