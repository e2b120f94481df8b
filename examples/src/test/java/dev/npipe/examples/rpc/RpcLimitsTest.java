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
package dev.npipe.examples.rpc;

import dev.npipe.transport.local.LocalPipeTransport;
import dev.npipe.transport.local.LocalPipes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 18, item 11: the RPC example at its limits: a refused bind, and calls too large for a frame. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RpcLimitsTest {
    private static final LocalPipeTransport TRANSPORT =
            LocalPipes.transport().withMessageMode(RpcServer.MAX_MESSAGE_LENGTH);
    /** A call's timeout far longer than the test waits: a call that ends must end for another reason. */
    private static final Duration LONG = Duration.ofSeconds(60);

    private static String uniqueName() {
        return "npipe-rpc-limits-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    private static long nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon()).count();
    }

    /** A bind that fails (the name is served already) leaves no event-loop thread running. */
    @Test
    void aFailedStartLeavesNoThreadBehind() throws Exception {
        String name = uniqueName();
        try (RpcServer first = RpcServer.start(TRANSPORT, name, argument -> argument)) {
            long before = nonDaemonThreads();
            Exception refused = assertThrows(Exception.class, () -> RpcServer.start(TRANSPORT, name, a -> a));
            assertInstanceOf(java.io.IOException.class, refused, "the bind's failure: " + refused);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (nonDaemonThreads() > before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(before, nonDaemonThreads(), "non-daemon threads left by the failed start");
        }
    }

    /** A request over the frame limit fails at once with NOT_SENT; the connection goes on serving. */
    @Test
    void aRequestTooLargeFailsAtOnce() throws Exception {
        String name = uniqueName();
        try (RpcServer server = RpcServer.start(TRANSPORT, name, argument -> argument);
             RpcClient client = RpcClient.connect(TRANSPORT, name, Duration.ofSeconds(10))) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> client
                    .call(new byte[RpcServer.MAX_MESSAGE_LENGTH], LONG).get(10, TimeUnit.SECONDS));
            RpcException cause = assertInstanceOf(RpcException.class, failed.getCause());
            assertEquals(RpcException.Reason.NOT_SENT, cause.reason(), cause.getMessage());
            assertTrue(cause.getMessage().contains(String.valueOf(RpcServer.MAX_MESSAGE_LENGTH)), cause.getMessage());
            byte[] fits = new byte[RpcServer.MAX_MESSAGE_LENGTH - RpcFrames.HEADER];
            assertArrayEquals(fits, client.call(fits, LONG).get(10, TimeUnit.SECONDS), "the largest call that fits");
        }
    }

    /** A response over the frame limit fails its call at once with an error response; the connection goes on. */
    @Test
    void aResponseTooLargeFailsTheCallAtOnce() throws Exception {
        String name = uniqueName();
        try (RpcServer server = RpcServer.start(TRANSPORT, name,
                argument -> argument.length == 1 ? new byte[RpcServer.MAX_MESSAGE_LENGTH] : argument);
             RpcClient client = RpcClient.connect(TRANSPORT, name, Duration.ofSeconds(10))) {
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> client.call(new byte[1], LONG).get(10, TimeUnit.SECONDS));
            RpcException cause = assertInstanceOf(RpcException.class, failed.getCause());
            assertEquals(RpcException.Reason.ERROR_RESPONSE, cause.reason(), cause.getMessage());
            assertArrayEquals(new byte[2], client.call(new byte[2], LONG).get(10, TimeUnit.SECONDS));
        }
    }
}
