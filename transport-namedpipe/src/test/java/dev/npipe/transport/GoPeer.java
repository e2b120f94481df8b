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
package dev.npipe.transport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A Go program of interop/go (winio-peer, grpc-peer; built into target/win32/ by scripts/build-go-peers.sh) running
 * as a child process, its output lines queued as they come.
 */
final class GoPeer implements AutoCloseable {
    private static final String END = "\u0000end of output";
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private GoPeer(Process process) {
        this.process = process;
        Thread pump = new Thread(this::pump, "go-peer-output");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts {@code program} (e.g. "winio-peer") with {@code args}. A program that was not built fails the test,
     * saying how to build it (the Win32 suite counts a skipped assumption as a failure anyway).
     */
    static GoPeer start(String program, String... args) throws IOException {
        File exe = new File("target/win32/" + program + ".exe");
        assertTrue(exe.isFile(), "Go peer missing at " + exe.getAbsolutePath()
                + ": scripts/build-go-peers.sh builds it before the Win32 suite");
        List<String> command = new ArrayList<>();
        command.add(exe.getAbsolutePath());
        command.addAll(List.of(args));
        return new GoPeer(PipeTestSupport.startPeer(command));
    }

    private void pump() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(output unreadable: " + e + ")");
        } finally {
            lines.add(END);
        }
    }

    /** The next output line, failing the test if none comes within {@code seconds}. */
    String nextLine(long seconds) throws InterruptedException {
        String line = lines.poll(seconds, TimeUnit.SECONDS);
        assertNotNull(line, "no output within " + seconds + " s; output so far " + seen);
        if (line.equals(END)) {
            fail("the peer ended its output; output so far " + seen);
        }
        seen.add(line);
        return line;
    }

    /** Waits for the peer to exit and returns its last output line. */
    String lastLine(long seconds) throws InterruptedException {
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "the peer did not exit within " + seconds + " s");
        String last = seen.isEmpty() ? null : seen.get(seen.size() - 1);
        for (String line; (line = lines.poll(5, TimeUnit.SECONDS)) != null && !line.equals(END); ) {
            seen.add(line);
            last = line;
        }
        return last;
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Closes the peer's standard input, which tells grpc-peer's server to stop. */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** The {@code key=value} words of a line such as {@code sent=1024 sent_crc=0badf00d}. */
    static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String word : line.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                fields.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return fields;
    }

    /** Checks a line and returns its fields: it must start with {@code prefix}. */
    static Map<String, String> fields(String prefix, String line) {
        assertNotNull(line, "no line from the peer");
        assertTrue(line.startsWith(prefix), "expected '" + prefix + "...', the peer said: " + line);
        return fields(line);
    }

    /** Kills the peer if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(false, process.isAlive(), "the peer outlived destroyForcibly");
    }
}
