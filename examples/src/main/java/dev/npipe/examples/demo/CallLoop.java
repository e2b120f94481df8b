package dev.npipe.examples.demo;

import dev.npipe.examples.rpc.RpcClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Keeps calls in flight on one RPC client: each call that ends starts the next, until stopped. */
final class CallLoop {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final RpcClient client;
    private final Latency latency;
    private final Throughput calls;
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private volatile boolean stopped;

    CallLoop(RpcClient client, Latency latency, Throughput calls) {
        this.client = client;
        this.latency = latency;
        this.calls = calls;
    }

    void next() {
        if (stopped) {
            return;
        }
        byte[] argument = ("call-" + sequence.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        client.call(argument, TIMEOUT).whenComplete((result, error) -> {
            if (stopped) {
                return; // calls cut off by the end of the demo are not failures
            }
            if (error != null || !Arrays.equals(reversed(argument), result)) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, error != null ? error.toString() : "wrong result");
            } else {
                latency.record((System.nanoTime() - start) / 1000);
                calls.add(1);
            }
            next();
        });
    }

    void stop() {
        stopped = true;
    }

    static int failed(List<CallLoop> loops) {
        return loops.stream().mapToInt(l -> l.failed.get()).sum();
    }

    static String firstFailure(List<CallLoop> loops) {
        return loops.stream().map(l -> l.firstFailure.get()).filter(f -> f != null).findFirst().orElse("none");
    }

    /** The demo's service: returns its argument reversed. */
    static byte[] reversed(byte[] argument) {
        byte[] r = new byte[argument.length];
        for (int i = 0; i < argument.length; i++) {
            r[i] = argument[argument.length - 1 - i];
        }
        return r;
    }
}
