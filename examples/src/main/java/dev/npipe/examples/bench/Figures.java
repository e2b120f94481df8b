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
package dev.npipe.examples.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * What one run of a workload measured.
 *
 * @param messages messages echoed in the measured window
 * @param seconds length of the measured window
 * @param p50Micros median round trip (latency test), or NaN
 * @param p99Micros 99th percentile round trip, or NaN
 * @param p999Micros 99.9th percentile round trip, or NaN
 * @param garbagePerMessage bytes the Java event loops allocated per echoed message, or NaN for native-only runs
 * @param batchSize completions per GetQueuedCompletionStatusEx call on the Java loops, or NaN
 * @param atOncePerMessage reads and writes that finished at once (no completion dequeued: one dequeue saved each)
 *                         per echoed message, on the measured side (Java loops, or the C client), or NaN
 */
record Figures(long messages, double seconds, double p50Micros, double p99Micros, double p999Micros,
               double garbagePerMessage, double batchSize, double atOncePerMessage) {

    double messagesPerSecond() {
        return messages / seconds;
    }

    double megabytesPerSecond(int size) {
        return messages * (double) size / seconds / 1e6;
    }

    Figures withJavaFigures(double garbage, double batch, double atOnce) {
        return new Figures(messages, seconds, p50Micros, p99Micros, p999Micros, garbage, batch, atOnce);
    }

    /** Parses npbench's "RESULT msgs=N bytes=N secs=S p50_us=X p99_us=X p999_us=X at_once=N" line. */
    static Figures parseNative(String line, boolean latency) {
        Map<String, String> fields = new HashMap<>();
        for (String part : line.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        try {
            double nan = Double.NaN;
            long msgs = Long.parseLong(fields.get("msgs"));
            return new Figures(msgs, Double.parseDouble(fields.get("secs")),
                    latency ? Double.parseDouble(fields.get("p50_us")) : nan,
                    latency ? Double.parseDouble(fields.get("p99_us")) : nan,
                    latency ? Double.parseDouble(fields.get("p999_us")) : nan, nan, nan,
                    msgs == 0 ? nan : Double.parseDouble(fields.get("at_once")) / msgs);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read npbench's result line: " + line, e);
        }
    }
}
