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

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * The side-by-side benchmark: every workload (byte and message pipes; latency and throughput; 1, 16 and 64
 * connections; 64 B, 1 KiB and 64 KiB) runs four ways, native C client and server (the limit), C client to Java
 * server, Java client to C server, and Java to Java, in one process run, and prints one table with each Java
 * figure as a ratio to the C figure. Run it with {@code scripts/bench.sh} (it builds npbench.exe and starts this
 * class on a Windows JVM).
 *
 * <pre>PipeBenchmark --npbench PATH [--winio-bench PATH] [--node EXE SCRIPT] [--asyncio EXE SCRIPT]
 *               [--mp EXE SCRIPT] [--quick | --full] [--out FILE] [--threads N] [--server-threads N]
 *               [--select REGEX]</pre>
 *
 * {@code --threads} sets the loop threads of each Java side and the worker threads of each C side (default: the
 * processors); {@code --server-threads} overrides it for the Java server's loops. {@code --select} runs only the
 * workloads whose "mode test connections size" (e.g. "message throughput 16 1024") the expression finds.
 * {@code --winio-bench} adds go-winio's rows (winio-bench.exe, built by scripts/build-go-peers.sh); {@code --node},
 * {@code --asyncio} and {@code --mp} add the Node (libuv), Python asyncio and Python multiprocessing rows (the
 * interpreter's .exe and the peer's script under interop/). Peers run at 16 connections and in the latency test
 * on one connection at 64 B and 1 KiB. Full mode
 * also runs the latency test at 256 and 1,024 connections; both modes end with the scale figures: bytes per idle
 * connection and connect storms.
 */
public final class PipeBenchmark {
    private static final int[] CONNECTIONS = {1, 16, 64};
    /** Latency only, full mode only: how round trips grow with many connections. */
    private static final int[] SCALE_CONNECTIONS = {256, 1024};
    private static final int[] SIZES = {64, 1024, 64 * 1024};

    private final NativePeer nativePeer;
    private NativePeer winio;
    private NativePeer node;
    private NativePeer asyncio;
    private NativePeer mp;
    private final long warmupMillis;
    private final long measureMillis;
    private final String namePrefix = "npbench-" + ProcessHandle.current().pid() + "-";
    private final int rounds;
    private final ResultTable table;
    private static final int IDLE_CONNECTIONS = 1000;
    private LoopProbe.Sample serverTotals;
    private Peers peers;
    private String scale = "";
    private boolean full;
    private Pattern select;

    private PipeBenchmark(NativePeer nativePeer, long warmupMillis, long measureMillis, int rounds) {
        this.nativePeer = nativePeer;
        this.warmupMillis = warmupMillis;
        this.measureMillis = measureMillis;
        this.rounds = rounds;
        this.table = new ResultTable(rounds);
    }

    /**
     * Runs the benchmark; {@code scripts/bench.sh} passes the arguments (see its header for them).
     *
     * @param args the options scripts/bench.sh passes
     * @throws Exception when a pairing cannot start
     */
    public static void main(String[] args) throws Exception {
        Path exe = null;
        Path winioExe = null;
        List<String> nodeCmd = null;
        List<String> asyncioCmd = null;
        List<String> mpCmd = null;
        Path out = null;
        boolean full = false;
        int threads = Runtime.getRuntime().availableProcessors();
        int serverThreads = 0;
        Pattern select = null;
        int rounds = 1;
        // Eleven flags, one switch: scripts/bench.sh is the only caller, so a command-line library (picocli) would add
        // a dependency and nothing a user sees.
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--npbench" -> exe = Path.of(args[++i]);
                case "--winio-bench" -> winioExe = Path.of(args[++i]);
                case "--node" -> nodeCmd = List.of(args[++i], args[++i]);
                case "--asyncio" -> asyncioCmd = List.of(args[++i], args[++i]);
                case "--mp" -> mpCmd = List.of(args[++i], args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--quick" -> full = false;
                case "--full" -> full = true;
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--server-threads" -> serverThreads = Integer.parseInt(args[++i]);
                case "--select" -> select = Pattern.compile(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: PipeBenchmark --npbench PATH [--winio-bench PATH] [--quick | --full] [--out FILE]"
                        + " [--threads N]"
                        + " [--server-threads N] [--select REGEX] [--rounds N]");
            }
        }
        if (exe == null || !Files.isRegularFile(exe)) {
            throw new IllegalArgumentException("--npbench must name the built npbench.exe (got " + exe + ")");
        }
        NativePeer nativePeer = new NativePeer(exe, threads, Files.createTempDirectory("npbench"));
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1 (got " + rounds + ")");
        }
        PipeBenchmark bench = full ? new PipeBenchmark(nativePeer, 1000, 3000, rounds)
                : new PipeBenchmark(nativePeer, 150, 400, rounds);
        if (winioExe != null) {
            if (!Files.isRegularFile(winioExe)) {
                throw new IllegalArgumentException("--winio-bench must name the built winio-bench.exe (got "
                        + winioExe + ")");
            }
            bench.winio = new NativePeer(winioExe, threads, Files.createTempDirectory("winio-bench"));
        }
        if (nodeCmd != null) {
            bench.node = new NativePeer(nodeCmd, "node", threads, Files.createTempDirectory("node-peer"));
        }
        if (asyncioCmd != null) {
            bench.asyncio = new NativePeer(asyncioCmd, "asyncio", threads, Files.createTempDirectory("asyncio-peer"));
        }
        if (mpCmd != null) {
            bench.mp = new NativePeer(mpCmd, "multiprocessing", threads, Files.createTempDirectory("mp-peer"));
        }
        bench.select = select;
        bench.full = full;
        String report = bench.run(threads, serverThreads > 0 ? serverThreads : threads, full);
        System.out.println(report);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report, StandardCharsets.UTF_8);
            // Beside the Markdown: the same rows as CSV (results.md -> results.csv).
            Path csv = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.[^.]*$", "") + ".csv");
            Files.writeString(csv, bench.table.csv(), StandardCharsets.UTF_8);
            System.out.println("bench: the rows as CSV: " + csv);
        }
    }

    private String run(int threads, int serverThreads, boolean full) throws Exception {
        long start = System.nanoTime();
        try (LoopProbe serverLoops = new LoopProbe("bench-server", serverThreads);
             LoopProbe clientLoops = new LoopProbe("bench-client", threads)) {
            BenchClient client = new BenchClient(clientLoops);
            System.err.println(ResultTable.header());
            try (Peers peers = new Peers(threads)) {
                this.peers = peers;
                for (NamedPipeMode mode : NamedPipeMode.values()) {
                    runMode(mode, serverLoops, clientLoops, client);
                }
            }
            serverTotals = serverLoops.sample();
            scale = "- " + Peers.probeUnixDomainSockets() + "\n"
                    + (winio == null ? "- go-winio: not run (no --winio-bench)\n" : "")
                    + (node == null ? "- Node: not run (no --node)\n" : "")
                    + (asyncio == null ? "- asyncio: not run (no --asyncio)\n" : "")
                    + (mp == null ? "- multiprocessing: not run (no --mp)\n" : "")
                    + IdleFootprint.measure(serverLoops.group(), clientLoops.group(),
                    new NamedPipeAddress(namePrefix + "idle"), IDLE_CONNECTIONS);
            System.err.print(scale);
            scale += storms(serverLoops, clientLoops);
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        return String.format(Locale.ROOT, "npipe benchmark, %s mode (warm-up %d ms, measured %d ms per run), %s%n"
                        + "%s, %d processors, Java %s; Java loop threads: %d (client), %d (server); C worker threads: %d%n"
                        + "Took %.1f minutes.%n%n%s%n%s- completions the Java server's loops passed on to another loop's"
                        + " port: %.1f%% (a child registered on another loop than the server; Windows moves the handle"
                        + " instead, Wine refuses)%n%s",
                full ? "full" : "quick", warmupMillis, measureMillis, LocalDate.now(), machine(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), threads, serverThreads,
                threads,
                minutes, table.table(), table.summary(),
                100.0 * serverTotals.passedOn() / Math.max(1, serverTotals.completions()), scale);
    }

    private static String machine() {
        String wine = System.getProperty("bench.wine");
        return System.getProperty("os.name") + " " + System.getProperty("os.version")
                + (wine == null || wine.isEmpty() ? "" : " (" + wine + ")");
    }

    private void runMode(NamedPipeMode mode, LoopProbe serverLoops, LoopProbe clientLoops, BenchClient client)
            throws Exception {
        NamedPipeAddress nativeAddress = new NamedPipeAddress(namePrefix + "c-" + Workload.nameOf(mode));
        NamedPipeAddress javaAddress = new NamedPipeAddress(namePrefix + "java-" + Workload.nameOf(mode));
        NamedPipeAddress winioAddress = new NamedPipeAddress(namePrefix + "winio-" + Workload.nameOf(mode));
        NamedPipeAddress scriptAddress = new NamedPipeAddress(namePrefix + "script-" + Workload.nameOf(mode));
        // The script peers: Node and asyncio have byte pipes only, multiprocessing message pipes only.
        NativePeer script = mode == NamedPipeMode.BYTE ? null : mp;
        try (NativePeer.Server nativeServer = nativePeer.startServer(nativeAddress.path(), mode);
             NativePeer.Server winioServer = winio == null ? null : winio.startServer(winioAddress.path(), mode);
             NativePeer.Server nodeServer = mode != NamedPipeMode.BYTE || node == null ? null
                     : node.startServer(scriptAddress.path() + "-node", mode);
             NativePeer.Server asyncioServer = mode != NamedPipeMode.BYTE || asyncio == null ? null
                     : asyncio.startServer(scriptAddress.path() + "-asyncio", mode);
             NativePeer.Server mpServer = script == null ? null : script.startServer(scriptAddress.path() + "-mp", mode);
             BenchEchoServer javaServer = new BenchEchoServer(serverLoops.group(), javaAddress, mode)) {
            // Let the JIT compile the Java paths before anything is measured, at every size the cells use, with
            // a close after each: compiled code meeting a branch its profile never saw (a smaller buffer guess, a
            // read ending mid-message, a run's connections closing) falls back to the interpreter, and the next
            // cell would be measured while C2 compiles it again (BENCHMARKS.md, "JIT compiles during the cells").
            for (Workload.Test test : Workload.Test.values()) {
                for (int size : SIZES) {
                    client.run(javaAddress, new Workload(mode, test, 16, size), warmupMillis * 2, measureMillis, null);
                }
            }
            // Rounds of the same cells in this JVM, after its warm-up: the summary gives the median of each ratio.
            for (int round = 1; round <= rounds; round++) {
                table.round(round);
                for (Workload.Test test : Workload.Test.values()) {
                    for (int connections : connectionCounts(test)) {
                        for (int size : SIZES) {
                            Workload w = new Workload(mode, test, connections, size);
                            if (select != null && !select.matcher(w.modeName() + " " + w.testName() + " " + connections
                                    + " " + size).find()) {
                                continue;
                            }
                            Figures base = nativePeer.runClient(nativeAddress.path(), w, warmupMillis, measureMillis);
                            row(w, Pairing.NATIVE_NATIVE, base, base);
                            row(w, Pairing.NATIVE_TO_JAVA, nativeToJava(javaAddress, w, javaServer, serverLoops), base);
                            row(w, Pairing.JAVA_TO_NATIVE,
                                    client.run(nativeAddress, w, warmupMillis, measureMillis, null), base);
                            row(w, Pairing.JAVA_JAVA,
                                    client.run(javaAddress, w, warmupMillis, measureMillis, serverLoops), base);
                            // Peers at 16 connections: every size in full mode, 1 KiB in quick mode; and round trips
                            // on one connection at 64 B and 1 KiB.
                            boolean oneConnection = connections == 1 && test == Workload.Test.LATENCY && size <= 1024;
                            if (oneConnection || connections == 16 && (full || size == 1024)) {
                                if (node != null && mode == NamedPipeMode.BYTE) {
                                    row(w, Pairing.NODE_NODE, node.runClient(scriptAddress.path() + "-node", w,
                                            warmupMillis, measureMillis), base);
                                }
                                if (asyncio != null && mode == NamedPipeMode.BYTE) {
                                    row(w, Pairing.ASYNCIO_ASYNCIO, asyncio.runClient(scriptAddress.path() + "-asyncio",
                                            w, warmupMillis, measureMillis), base);
                                }
                                if (script != null) {
                                    row(w, Pairing.MP_MP, script.runClient(scriptAddress.path() + "-mp", w,
                                            warmupMillis, measureMillis), base);
                                }
                                if (winio != null && oneConnection) {
                                    row(w, Pairing.WINIO_WINIO,
                                            winio.runClient(winioAddress.path(), w, warmupMillis, measureMillis), base);
                                }
                            }
                            if (connections == 16 && (full || size == 1024)) {
                                if (mode == NamedPipeMode.BYTE) {
                                    row(w, Pairing.NIO_TCP, peers.tcp(w, warmupMillis, measureMillis), base);
                                }
                                row(w, Pairing.BLOCKING_TO_JAVA,
                                        Peers.blocking(javaAddress, w, warmupMillis, measureMillis), base);
                                if (winio != null) {
                                    row(w, Pairing.WINIO_WINIO,
                                            winio.runClient(winioAddress.path(), w, warmupMillis, measureMillis), base);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private int[] connectionCounts(Workload.Test test) {
        if (!full || test != Workload.Test.LATENCY) {
            return CONNECTIONS;
        }
        int[] all = Arrays.copyOf(CONNECTIONS, CONNECTIONS.length + SCALE_CONNECTIONS.length);
        System.arraycopy(SCALE_CONNECTIONS, 0, all, CONNECTIONS.length, SCALE_CONNECTIONS.length);
        return all;
    }

    /**
     * Connect storms: quick mode 200 clients at the default and at 4 listening instances (the default before it
     * was picked from these figures); full mode 200 and 1,000 clients at 1, 4, 16 and the default.
     */
    private String storms(LoopProbe serverLoops, LoopProbe clientLoops) throws InterruptedException {
        StringBuilder sb = new StringBuilder();
        int[] clients = full ? new int[] {200, 1000} : new int[] {200};
        int[] listening = full ? new int[] {1, 4, 16, 0} : new int[] {0, 4};
        int run = 0;
        for (int n : clients) {
            for (int l : listening) {
                String line = ConnectStorm.run(serverLoops.group(), clientLoops.group(),
                        new NamedPipeAddress(namePrefix + "storm-" + run++), n, l);
                System.err.print(line);
                sb.append(line);
            }
        }
        return sb.toString();
    }

    private void row(Workload w, Pairing pairing, Figures f, Figures base) {
        System.err.println(table.add(w, pairing, f, base));
    }

    /**
     * Runs the native client against the Java server, and samples the server's loops inside the client's measured
     * window (which starts after the client's process start, connects and warm-up, so a little later than ours).
     */
    private Figures nativeToJava(NamedPipeAddress address, Workload w, BenchEchoServer server, LoopProbe loops)
            throws IOException, InterruptedException {
        CompletableFuture<Figures> run = CompletableFuture.supplyAsync(() -> {
            try {
                return nativePeer.runClient(address.path(), w, warmupMillis, measureMillis);
            } catch (IOException | InterruptedException e) {
                throw new CompletionException(e);
            }
        });
        long lead = Math.min(300, measureMillis / 4);
        Thread.sleep(warmupMillis + lead);
        LoopProbe.Sample before = loops.sample();
        long echoedBefore = server.messagesEchoed(w.size());
        Thread.sleep(measureMillis - 2 * lead);
        LoopProbe.Sample during = loops.sample().minus(before);
        long echoed = server.messagesEchoed(w.size()) - echoedBefore;
        Figures f;
        try {
            f = run.join();
        } catch (CompletionException e) {
            throw new IOException("native client against the Java server failed: " + e.getCause(), e.getCause());
        }
        return f.withJavaFigures(echoed == 0 ? Double.NaN : (double) during.allocatedBytes() / echoed,
                during.batchSize(), during.atOncePer(echoed));
    }
}
