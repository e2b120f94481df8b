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
