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

import dev.npipe.grpc.NamedPipeGrpc;
import dev.npipe.transport.NamedPipeEventLoopGroup;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.netty.channel.EventLoopGroup;

import java.util.concurrent.TimeUnit;

/** Asks a health server on {@code \\.\pipe\name} whether it serves: {@code java ... HealthClient [name]}. */
public final class HealthClient {
    private HealthClient() {
    }

    /**
     * Makes one health check and prints the answer.
     *
     * @param args the pipe name, default {@code npipe-health}
     * @throws InterruptedException if interrupted while closing the channel
     */
    public static void main(String[] args) throws InterruptedException {
        String pipe = args.length > 0 ? args[0] : "npipe-health";
        EventLoopGroup group = new NamedPipeEventLoopGroup(1);
        ManagedChannel channel = NamedPipeGrpc.channelBuilder(pipe, group).build();
        try {
            System.out.println("health of \\\\.\\pipe\\" + pipe + ": " + check(channel, ""));
        } finally {
            channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
            group.shutdownGracefully();
        }
    }

    /**
     * One {@code grpc.health.v1.Health/Check} call, waiting at most 10 s.
     *
     * @param channel a channel to the health server
     * @param service the service asked about; {@code ""} for the server as a whole
     * @return the status the server reports
     * @throws io.grpc.StatusRuntimeException if the call fails, e.g. {@code PERMISSION_DENIED} for another user
     */
    public static ServingStatus check(Channel channel, String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }
}
