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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a native echo server and load client with npbench.exe's command line and result line: npbench.exe itself
 * (C, the limit the Java figures are compared with), winio-bench.exe (go-winio, a peer), or a script with that
 * command line run by its interpreter (interop/node, interop/python: the Node and Python peers).
 */
final class NativePeer {
    private final List<String> command;
    private final String name;
    private final int threads;
    private final Path outputDir;

    NativePeer(Path exe, int threads, Path outputDir) {
        this(List.of(exe.toString()), exe.getFileName().toString(), threads, outputDir);
    }

    /** A peer run as {@code command} (e.g. node.exe and its script) followed by npbench's arguments. */
    NativePeer(List<String> command, String name, int threads, Path outputDir) {
        this.command = List.copyOf(command);
        this.name = name;
        this.threads = threads;
        this.outputDir = outputDir;
    }

    /** Starts an echo server on {@code pipePath}; it runs until {@link Server#close()}. */
    Server startServer(String pipePath, NamedPipeMode mode) throws IOException {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("server", pipePath, Workload.nameOf(mode), String.valueOf(threads)));
        // Standard error to a file of ours, not inherited: under Wine the JVM's own may be a Unix file or pipe, which
        // python.exe refuses at start-up (init_sys_streams: "Invalid handle").
        Path errors = Files.createTempFile(outputDir, "server-", ".txt");
        Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"READY".equals(line)) {
            p.destroyForcibly();
            throw new IOException(name + " server on " + pipePath + " did not start (said: " + line + "; "
                    + String.join("\n", Files.readAllLines(errors, StandardCharsets.UTF_8)) + ")");
        }
        return new Server(p);
    }

    /** Runs the native client for one workload and returns what it measured. */
    Figures runClient(String pipePath, Workload w, long warmupMillis, long measureMillis)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("client", pipePath, w.modeName(), w.testName(),
                String.valueOf(w.connections()), String.valueOf(w.size()), String.valueOf(warmupMillis),
                String.valueOf(measureMillis), String.valueOf(threads)));
        // Kept, not deleted: under Wine the file can stay locked for a moment after the child is gone.
        Path output = Files.createTempFile(outputDir, "client-", ".txt");
        // Output to a file, not a pipe: a child that hangs on its way out cannot block us reading it.
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean exited = p.waitFor(warmupMillis + measureMillis + 60_000, TimeUnit.MILLISECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        for (String line : lines) {
            if (line.startsWith("RESULT ")) {
                return Figures.parseNative(line, w.test() == Workload.Test.LATENCY);
            }
        }
        throw new IOException(name + " client " + (exited ? "exited with " + p.exitValue() : "hung")
                + " without a result: " + String.join(" ", cmd) + "\n" + String.join("\n", lines));
    }

    /** A running native echo server; closing its standard input stops it. */
    static final class Server implements AutoCloseable {
        private final Process process;

        Server(Process process) {
            this.process = process;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
