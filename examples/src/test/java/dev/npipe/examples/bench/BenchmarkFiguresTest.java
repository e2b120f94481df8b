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

import dev.npipe.transport.NamedPipeMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's arithmetic and formatting, on the Linux JVM: what the table says must follow from the runs. */
class BenchmarkFiguresTest {
    @Test
    void parsesTheNativeResultLine() {
        Figures f = Figures.parseNative("RESULT msgs=3000 bytes=3072000 secs=1.500000 p50_us=250.5 p99_us=900.0 "
                + "p999_us=1500.0 at_once=1500", true);
        assertEquals(3000, f.messages());
        assertEquals(2000.0, f.messagesPerSecond(), 1e-9);
        assertEquals(2.048, f.megabytesPerSecond(1024), 1e-9);
        assertEquals(250.5, f.p50Micros());
        assertEquals(900.0, f.p99Micros());
        assertEquals(1500.0, f.p999Micros());
        assertTrue(Double.isNaN(f.garbagePerMessage()), "a native run has no Java allocation figure");
        assertEquals(0.5, f.atOncePerMessage(), 1e-9);
    }

    @Test
    void aThroughputRunHasNoLatencies() {
        Figures f = Figures.parseNative("RESULT msgs=10 bytes=640 secs=1.0 p50_us=0.0 p99_us=0.0 p999_us=0.0 at_once=0", false);
        assertTrue(Double.isNaN(f.p99Micros()));
    }

    @Test
    void aBrokenResultLineIsAnErrorThatQuotesIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Figures.parseNative("RESULT msgs=oops", false));
        assertTrue(e.getMessage().contains("RESULT msgs=oops"), e.getMessage());
    }

    @Test
    void windowMatchesTheNativeClient() {
        assertEquals(64, new Workload(NamedPipeMode.BYTE, Workload.Test.THROUGHPUT, 1, 64).window());
        assertEquals(64, new Workload(NamedPipeMode.BYTE, Workload.Test.THROUGHPUT, 1, 1024).window());
        assertEquals(2, new Workload(NamedPipeMode.BYTE, Workload.Test.THROUGHPUT, 1, 65536).window());
    }

    @Test
    void rowsShowJavaFiguresAsRatiosToTheNativeRun() {
        Workload w = new Workload(NamedPipeMode.BYTE, Workload.Test.LATENCY, 16, 1024);
        Figures c = new Figures(1000, 1.0, 100, 200, 300, Double.NaN, Double.NaN, 1.0);
        Figures java = new Figures(900, 1.0, 110, 250, 400, 0.0, 4.5, 2.25);
        ResultTable table = new ResultTable();
        table.add(w, Pairing.NATIVE_NATIVE, c, c);
        String row = table.add(w, Pairing.JAVA_JAVA, java, c);
        assertEquals("| byte | latency | 16 | 1 KiB | Java -> Java | 900 | 0.92 | 0.90 | 110 | 1.10 | 250 | 1.25 | 400 "
                + "| 1.33 | 0.0 | 4.50 | 2.25 |", row);
        assertEquals(ResultTable.header().lines().findFirst().orElseThrow().split("\\|").length,
                row.split("\\|").length, "as many cells as the header");
        String summary = table.summary();
        assertTrue(summary.contains("Java -> Java: p99 1.25x native (target <= 1.2x): MISSED"), summary);
    }

    @Test
    void roundsAreLabelledAndTheSummaryGivesTheMedianOfTheirRatios() {
        Workload w = new Workload(NamedPipeMode.MESSAGE, Workload.Test.THROUGHPUT, 16, 64);
        ResultTable table = new ResultTable(3);
        double[] cPerSecond = {1000, 2000, 1000};
        double[] javaPerSecond = {500, 1800, 950}; // 0.50, 0.90, 0.95 of C's in the same round
        for (int round = 1; round <= 3; round++) {
            table.round(round);
            Figures c = new Figures((long) cPerSecond[round - 1], 1.0, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, 0.0);
            table.add(w, Pairing.NATIVE_NATIVE, c, c);
            String row = table.add(w, Pairing.NATIVE_TO_JAVA, new Figures((long) javaPerSecond[round - 1], 1.0,
                    Double.NaN, Double.NaN, Double.NaN, 0.0, 1.0, 0.0), c);
            assertTrue(row.contains("(round " + round + ")"), row);
        }
        String summary = table.summary();
        assertTrue(summary.contains("- message throughput, 16 conns, 64 B, " + Pairing.NATIVE_TO_JAVA.label
                + ": msg/s 0.90x C, median of 3 rounds (0.50, 0.90, 0.95)"), summary);
        assertTrue(table.csv().lines().skip(1).allMatch(l -> l.split(",")[5].matches("[123]")), table.csv());
        assertEquals(0.925, ResultTable.median(java.util.List.of(0.95, 0.5, 0.9, 1.0)), 1e-9);
    }
}
