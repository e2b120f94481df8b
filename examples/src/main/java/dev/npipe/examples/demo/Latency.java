package dev.npipe.examples.demo;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Locale;

/** Latencies in microseconds, recorded from any thread, read by the demo's main thread. */
final class Latency {
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);

    void record(long micros) {
        recorder.recordValue(Math.max(0, micros));
    }

    /** Forgets everything recorded so far (main thread). */
    synchronized void reset() {
        recorder.reset();
        total.reset();
    }

    /** {@return the percentile of everything recorded since the last reset, e.g. {@code 120 us}} (main thread). */
    synchronized String percentile(double percentile) {
        total.add(recorder.getIntervalHistogram());
        return total.getTotalCount() == 0 ? "-"
                : String.format(Locale.ROOT, "%d us", total.getValueAtPercentile(percentile));
    }
}
