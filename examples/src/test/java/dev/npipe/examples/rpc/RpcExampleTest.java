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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * 16 clients make 10,000 calls each, 64 in flight per connection, and the server is stopped and started again
 * when half the calls have ended. Every call's future must complete: with the right result, with the server's error
 * response (every hundredth argument is refused), or with a clear {@link RpcException}; both kinds are counted. Every
 * client must be back in business after the restart. Each wait is bounded, so a lost call fails the test with what
 * was left over instead of hanging it.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES) // a backstop only: the waits below fail as soon as calls stop ending
class RpcExampleTest {
    private static final int CLIENTS = 16;
    private static final int CALLS = 10_000;
    private static final int WINDOW = 64;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** Longer than any call can take: its timeout, plus a reconnection. */
    private static final long WAIT_SECONDS = 30;

    /** Reverses its argument; refuses arguments that start with '!' with an error. */
    private static byte[] reverse(byte[] argument) {
        if (argument.length > 0 && argument[0] == '!') {
            throw new IllegalArgumentException("refused " + new String(argument, StandardCharsets.UTF_8));
        }
        byte[] reversed = new byte[argument.length];
        for (int i = 0; i < argument.length; i++) {
            reversed[i] = argument[argument.length - 1 - i];
        }
        return reversed;
    }

    private static byte[] argument(int client, int call) {
        return ((call % 100 == 7 ? "!" : "") + client + ":" + call).getBytes(StandardCharsets.UTF_8);
    }

    /** What became of the calls. */
    private static final class Outcomes {
        final AtomicLong ended = new AtomicLong();
        final AtomicInteger results = new AtomicInteger();
        final Map<RpcException.Reason, AtomicInteger> failures = new EnumMap<>(RpcException.Reason.class);
        final List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch halfway = new CountDownLatch(1);

        Outcomes() {
            for (RpcException.Reason reason : RpcException.Reason.values()) {
                failures.put(reason, new AtomicInteger());
            }
        }

        void record(byte[] argument, byte[] result, Throwable error) {
            boolean refused = argument[0] == '!';
            String call = new String(argument, StandardCharsets.UTF_8);
            if (error == null) {
                results.incrementAndGet();
                if (refused || !Arrays.equals(reverse(argument), result)) {
                    wrong.add(call + ": wrong result");
                }
            } else if (!(error instanceof RpcException) || error.getMessage() == null) {
                wrong.add(call + ": unclear failure " + error);
            } else {
                RpcException.Reason reason = ((RpcException) error).reason();
                failures.get(reason).incrementAndGet();
                if (reason == RpcException.Reason.ERROR_RESPONSE
                        && !(refused && error.getMessage().contains("refused " + call))) {
                    wrong.add(call + ": unexpected error response: " + error.getMessage());
                }
            }
            if (ended.incrementAndGet() == (long) CLIENTS * CALLS / 2) {
                halfway.countDown();
            }
        }

        int failed() {
            return failures.values().stream().mapToInt(AtomicInteger::get).sum();
        }
    }

    @Test
    void everyCallIsAnsweredOrFailsClearlyAcrossAServerRestart() throws Exception {
        LocalPipeTransport transport = LocalPipes.transport().withMessageMode(RpcServer.MAX_MESSAGE_LENGTH);
        String name = "rpc-example-" + ProcessHandle.current().pid();
        RpcServer server = RpcServer.start(transport, name, RpcExampleTest::reverse);
        List<RpcClient> clients = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(CLIENTS);
        Outcomes outcomes = new Outcomes();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(RpcClient.connect(transport, name, Duration.ofSeconds(5)));
            }
            List<Future<List<CompletableFuture<byte[]>>>> work = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                work.add(callers.submit(() -> makeCalls(client, clients.get(client), outcomes)));
            }

            awaitHalfway(outcomes);
            server.close();
            server = RpcServer.start(transport, name, RpcExampleTest::reverse);

            List<CompletableFuture<byte[]>> calls = new ArrayList<>();
            for (Future<List<CompletableFuture<byte[]>>> w : work) {
                calls.addAll(w.get()); // makeCalls fails by itself when its calls stop ending
            }
            try {
                CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).handle((r, e) -> null)
                        .get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail(calls.stream().filter(f -> !f.isDone()).count() + " of " + calls.size()
                        + " calls never ended");
            }

            System.out.printf("RPC: %d calls: %d results, %d failed %s%n", calls.size(), outcomes.results.get(),
                    outcomes.failed(), outcomes.failures);
            assertEquals(CLIENTS * CALLS, calls.size());
            assertEquals((long) CLIENTS * CALLS, outcomes.ended.get(), "calls counted twice or not at all");
            assertEquals(CLIENTS * CALLS, outcomes.results.get() + outcomes.failed());
            assertTrue(outcomes.wrong.isEmpty(), () -> outcomes.wrong.size() + " wrong outcomes, e.g. "
                    + outcomes.wrong.subList(0, Math.min(5, outcomes.wrong.size())));
            assertTrue(outcomes.failures.get(RpcException.Reason.ERROR_RESPONSE).get() > 0, "no error responses");
            assertTrue(outcomes.failed() < CLIENTS * CALLS / 20, () -> "too many failures: " + outcomes.failures);

            for (RpcClient client : clients) { // every client works after the restart
                client.whenConnected().get(WAIT_SECONDS, TimeUnit.SECONDS);
                assertArrayEquals("olleh".getBytes(StandardCharsets.UTF_8),
                        client.call("hello".getBytes(StandardCharsets.UTF_8), CALL_TIMEOUT)
                                .get(WAIT_SECONDS, TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
            for (RpcClient client : clients) {
                client.close();
            }
            server.close();
        }
    }

    /**
     * Waits until half the calls have ended, for as long as calls keep ending: a slow machine (Wine on two busy
     * cores runs a few hundred calls a second) is not a failure, calls that stop ending are.
     */
    private static void awaitHalfway(Outcomes outcomes) throws InterruptedException {
        long seen = -1;
        long lastProgress = System.nanoTime();
        while (!outcomes.halfway.await(1, TimeUnit.SECONDS)) {
            long ended = outcomes.ended.get();
            if (ended != seen) {
                seen = ended;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(WAIT_SECONDS)) {
                fail("no call ended for " + WAIT_SECONDS + " s before half of them had: " + ended + " ended");
            }
        }
    }

    /** One client's calls, at most {@link #WINDOW} in flight; waits for a connection when there is none. */
    private static List<CompletableFuture<byte[]>> makeCalls(int client, RpcClient rpc, Outcomes outcomes)
            throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        List<CompletableFuture<byte[]>> calls = new ArrayList<>(CALLS);
        for (int i = 0; i < CALLS; i++) {
            if (!window.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("client " + client + ": no call ended for " + WAIT_SECONDS + " s before"
                        + " call " + i + "; " + calls.stream().filter(f -> !f.isDone()).count() + " in flight");
            }
            if (!rpc.isConnected()) {
                rpc.whenConnected().get(WAIT_SECONDS, TimeUnit.SECONDS); // as a caller would: wait, then go on
            }
            byte[] argument = argument(client, i);
            CompletableFuture<byte[]> call = rpc.call(argument, CALL_TIMEOUT);
            calls.add(call);
            call.whenComplete((result, error) -> {
                outcomes.record(argument, result, error);
                window.release();
            });
        }
        return calls;
    }
}
