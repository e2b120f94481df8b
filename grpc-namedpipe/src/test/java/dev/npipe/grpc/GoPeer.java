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
package dev.npipe.grpc;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The grpc-go peer (interop/go/cmd/grpc-peer, built by scripts/build-go-peers.sh into target/win32), run as a
 * child process of the Windows JVM; its output is read line by line and kept for failure messages.
 */
final class GoPeer implements AutoCloseable {
    /** Where the build puts it; the Win32 suite runs from the module directory. */
    static final File EXE = new File("target/win32/grpc-peer.exe");
    private static final String END = "\u0000end";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private GoPeer(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "grpc-peer-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code grpc-peer.exe args...}. */
    static GoPeer start(String... args) throws IOException {
        assertTrue(EXE.isFile(), EXE.getAbsolutePath() + " is missing: scripts/build-go-peers.sh builds it in the"
                + " module's pre-integration-test phase");
        List<String> command = new ArrayList<>();
        command.add(EXE.getAbsolutePath());
        command.addAll(List.of(args));
        return new GoPeer(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(output unreadable: " + e + ")");
        } finally {
            lines.add(END);
        }
    }

    /** Waits for a line starting with {@code prefix} and returns it; fails with all output so far otherwise. */
    String awaitLine(String prefix, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || END.equals(line)) {
                fail("grpc-peer printed no line starting with '" + prefix + "' within " + seconds + " s"
                        + (line == null ? "" : " (its output ended)") + "; output: " + seen);
            }
            seen.add(line);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Closes its standard input (a server's signal to stop) and returns its exit code. */
    int closeInputAndWait(long seconds) throws IOException, InterruptedException {
        process.getOutputStream().close();
        return waitFor(seconds);
    }

    /** Its exit code; fails if it is still running after {@code seconds}. */
    int waitFor(long seconds) throws InterruptedException {
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "grpc-peer still running after " + seconds
                + " s; output: " + output());
        return process.exitValue();
    }

    /** Everything it printed so far. */
    List<String> output() {
        List<String> all = new ArrayList<>(seen);
        lines.forEach(l -> {
            if (!END.equals(l)) {
                all.add(l);
            }
        });
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
