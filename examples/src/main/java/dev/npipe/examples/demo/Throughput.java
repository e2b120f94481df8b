package dev.npipe.examples.demo;

import java.util.concurrent.atomic.LongAdder;

/** Counts bytes or calls since the last reset, from any thread. */
final class Throughput {
    private final LongAdder count = new LongAdder();
    private volatile long since = System.nanoTime();

    void add(long n) {
        count.add(n);
    }

    void reset() {
        count.reset();
        since = System.nanoTime();
    }

    double perSecond() {
        double seconds = (System.nanoTime() - since) / 1e9;
        return seconds > 0 ? count.sum() / seconds : 0;
    }

    double megabytesPerSecond() {
        return perSecond() / (1024 * 1024);
    }
}
