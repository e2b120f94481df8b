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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The benchmark's table: one row per workload and pairing (per round, when the cells run more than once), Java
 * figures also as a ratio to C -> C of the same round.
 */
final class ResultTable {
    private record Row(Workload w, Pairing pairing, int round, Figures f, Figures nativeBaseline) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final int rounds;
    private int round = 1;

    /** A table of one round. */
    ResultTable() {
        this(1);
    }

    /** A table of {@code rounds} rounds of the same cells: the summary gives each ratio's median over them. */
    ResultTable(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1 (got " + rounds + ")");
        }
        this.rounds = rounds;
    }

    /** The rows added from now on belong to round {@code round} (1-based). */
    void round(int round) {
        this.round = round;
    }

    /** Adds a row; {@code baseline} is the C -> C figure of the same workload from the same round. */
    String add(Workload w, Pairing pairing, Figures f, Figures baseline) {
        Row row = new Row(w, pairing, round, f, baseline);
        rows.add(row);
        return format(row, rounds > 1);
    }

    /**
     * Every row as CSV, one line per workload and pairing, with a header line: the same figures as the Markdown
     * table, as plain numbers (no ratios), for scripts and spreadsheets. NaN cells (a figure a run does not have)
     * are empty.
     */
    String csv() {
        StringBuilder out = new StringBuilder("mode,test,connections,size,pairing,round,messages,seconds,msg_per_s,mb_per_s,"
                + "p50_us,p99_us,p999_us,alloc_b_per_msg,batch,at_once_per_msg\n");
        for (Row r : rows) {
            Figures f = r.f;
            out.append(String.join(",", r.w.modeName(), r.w.testName(), Integer.toString(r.w.connections()),
                    Integer.toString(r.w.size()), '"' + r.pairing.label + '"', Integer.toString(r.round),
                    Long.toString(f.messages()),
                    cell(f.seconds()), cell(f.messagesPerSecond()), cell(f.megabytesPerSecond(r.w.size())),
                    cell(f.p50Micros()), cell(f.p99Micros()), cell(f.p999Micros()), cell(f.garbagePerMessage()),
                    cell(f.batchSize()), cell(f.atOncePerMessage()))).append('\n');
        }
        return out.toString();
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Markdown header; the first "x C" is the ratio of both msg/s and MB/s (same messages, same size). */
    static String header() {
        return "| mode | test | conns | size | client -> server | msg/s | MB/s | x C | p50 us | x C | p99 us | x C"
                + " | p999 us | x C | alloc B/msg | batch | at once/msg |\n"
                + "|---|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|";
    }

    private static String format(Row r, boolean showRound) {
        Figures f = r.f;
        Figures c = r.nativeBaseline;
        boolean baseline = r.pairing == Pairing.NATIVE_NATIVE;
        return String.format(Locale.ROOT,
                "| %s | %s | %d | %s | %s | %.0f | %.2f | %s | %s | %s | %s | %s | %s | %s |",
                r.w.modeName(), r.w.testName(), r.w.connections(), size(r.w.size()),
                showRound ? r.pairing.label + " (round " + r.round + ")" : r.pairing.label, f.messagesPerSecond(), f.megabytesPerSecond(r.w.size()),
                baseline ? "1" : ratio(f.messagesPerSecond(), c.messagesPerSecond()),
                latency(f.p50Micros(), c.p50Micros(), baseline), latency(f.p99Micros(), c.p99Micros(), baseline),
                latency(f.p999Micros(), c.p999Micros(), baseline),
                Double.isNaN(f.garbagePerMessage()) ? "" : String.format(Locale.ROOT, "%.1f", f.garbagePerMessage()),
                Double.isNaN(f.batchSize()) ? "" : String.format(Locale.ROOT, "%.2f", f.batchSize()),
                Double.isNaN(f.atOncePerMessage()) ? "" : String.format(Locale.ROOT, "%.2f", f.atOncePerMessage()));
    }

    /** A latency and its ratio to the native one, as two cells; empty cells for a throughput run. */
    private static String latency(double micros, double nativeMicros, boolean baseline) {
        if (Double.isNaN(micros)) {
            return " | ";
        }
        return num(micros) + " | " + (baseline ? "1" : ratio(micros, nativeMicros));
    }

    private static String size(int bytes) {
        return bytes >= 1024 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String ratio(double v, double base) {
        return base > 0 ? String.format(Locale.ROOT, "%.2f", v / base) : "n/a";
    }

    /** The whole table. */
    String table() {
        StringBuilder sb = new StringBuilder(header()).append('\n');
        for (Row r : rows) {
            sb.append(format(r, rounds > 1)).append('\n');
        }
        return sb.toString();
    }

    /** A peer against ours (Java -> Java, same workload): ours/peer throughput (>= 1 wins), ours/peer p99 (<= 1). */
    private void peerLine(StringBuilder sb, Row peer) {
        for (Row ours : rows) {
            if (ours.pairing == Pairing.JAVA_JAVA && ours.w.equals(peer.w) && ours.round == peer.round) {
                boolean latency = peer.w.test() == Workload.Test.LATENCY;
                double tput = ours.f.messagesPerSecond() / peer.f.messagesPerSecond();
                double p99 = ours.f.p99Micros() / peer.f.p99Micros();
                sb.append(String.format(Locale.ROOT, "- peer %s%s, %s %s, %d conns, %s: ours/peer throughput %.2fx%s%n",
                        peer.pairing.label, rounds > 1 ? " (round " + peer.round + ")" : "", peer.w.modeName(),
                        peer.w.testName(), peer.w.connections(), size(peer.w.size()), tput, latency ? String.format(Locale.ROOT, ", p99 %.2fx", p99) : ""));
                return;
            }
        }
    }

    /** The targets of the 16-connection 1 KiB workloads, and the steady-state allocation and batch size. */
    String summary() {
        StringBuilder sb = new StringBuilder();
        double maxGarbage = 0;
        double batchSum = 0;
        int batchRows = 0;
        for (Row r : rows) {
            if (r.pairing == Pairing.NATIVE_NATIVE) {
                continue;
            }
            if (!Double.isNaN(r.f.garbagePerMessage())) {
                maxGarbage = Math.max(maxGarbage, r.f.garbagePerMessage());
            }
            if (r.w.connections() >= 16 && !Double.isNaN(r.f.batchSize())) {
                batchSum += r.f.batchSize();
                batchRows++;
            }
            if (r.w.connections() == 16 && r.w.size() == 1024 && !r.pairing.isPeer()) {
                boolean latency = r.w.test() == Workload.Test.LATENCY;
                double ratio = latency ? r.f.p99Micros() / r.nativeBaseline.p99Micros()
                        : r.f.messagesPerSecond() / r.nativeBaseline.messagesPerSecond();
                boolean met = latency ? ratio <= 1.2 : ratio >= 0.9;
                sb.append(String.format(Locale.ROOT, "- %s %s, 16 conns, 1 KiB, %s: %s %.2fx native (target %s): %s%n",
                        r.w.modeName(), r.w.testName(), r.pairing.label, latency ? "p99" : "throughput", ratio,
                        latency ? "<= 1.2x" : ">= 0.9x", met ? "met" : "MISSED"));
            }
        }
        for (Row r : rows) {
            if (r.pairing.isPeer()) {
                peerLine(sb, r);
            }
        }
        medians(sb);
        sb.append(String.format(Locale.ROOT, "- largest allocation per echoed message on the Java loops: %.1f B%n",
                maxGarbage));
        sb.append(String.format(Locale.ROOT, "- average completions per GetQueuedCompletionStatusEx call "
                + "(Java loops, 16 and 64 connections): %.2f%n", batchRows == 0 ? Double.NaN : batchSum / batchRows));
        return sb.toString();
    }

    /**
     * With more than one round: for every workload and pairing, msg/s over C -> C's of the same round, each round's
     * and their median. Single rounds under Wine move a lot (C -> C itself by 2x); the median of rounds run in one
     * JVM, after its warm-up, is the figure to compare.
     */
    private void medians(StringBuilder sb) {
        if (rounds < 2) {
            return;
        }
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.pairing != Pairing.NATIVE_NATIVE) {
                String key = String.format(Locale.ROOT, "%s %s, %d conns, %s, %s", r.w.modeName(), r.w.testName(),
                        r.w.connections(), size(r.w.size()), r.pairing.label);
                ratios.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(r.f.messagesPerSecond() / r.nativeBaseline.messagesPerSecond());
            }
        }
        for (Map.Entry<String, List<Double>> e : ratios.entrySet()) {
            StringJoiner each = new StringJoiner(", ");
            e.getValue().forEach(v -> each.add(String.format(Locale.ROOT, "%.2f", v)));
            sb.append(String.format(Locale.ROOT, "- %s: msg/s %.2fx C, median of %d rounds (%s)%n", e.getKey(),
                    median(e.getValue()), e.getValue().size(), each));
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
