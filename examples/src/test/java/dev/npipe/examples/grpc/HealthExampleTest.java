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
import dev.npipe.transport.NamedPipe;
import dev.npipe.transport.NamedPipeEventLoopGroup;
import dev.npipe.transport.NamedPipePeerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The gRPC example on a real named pipe: the example server answers the example client's health checks and reports
 * each caller as this process and its user. Under Wine the caller's pid and user SID are real (the session id is
 * not checked: Wine does not report one).
 */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HealthExampleTest {
    @Test
    void clientChecksHealthAndServerSeesWhoCalled() throws Exception {
        String pipe = "npipe-health-example-" + ProcessHandle.current().pid();
        Queue<NamedPipePeerCredentials> callers = new ConcurrentLinkedQueue<>();
        EventLoopGroup group = new NamedPipeEventLoopGroup(2);
        try (HealthServer server = HealthServer.start(pipe, group, callers::add)) {
            ManagedChannel channel = NamedPipeGrpc.channelBuilder(pipe, group).build();
            try {
                for (int i = 0; i < 3; i++) {
                    assertEquals(ServingStatus.SERVING, HealthClient.check(channel, ""));
                }
                // The real health service answers: a service it does not know is NOT_FOUND.
                StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                        () -> HealthClient.check(channel, "no.such.Service"));
                assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode(), unknown.toString());
            } finally {
                channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
            }
            HealthClient.main(new String[] {pipe}); // the client's main, on a channel and group of its own

            List<NamedPipePeerCredentials> seen = new ArrayList<>(callers);
            assertEquals(5, seen.size(), "one report per call: " + seen);
            for (NamedPipePeerCredentials caller : seen) {
                assertEquals(ProcessHandle.current().pid(), caller.processId(), "caller pid: " + caller);
                assertEquals(NamedPipe.currentUserSid(), caller.userSid(), "caller user: " + caller);
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }
}
