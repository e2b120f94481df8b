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
package dev.npipe.transport.faults;

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.PipeTestSupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The native C peer (src/test/c/msgpeer.c) in another Windows process, which the suite may kill at any time. */
final class NativeFloodPeer implements AutoCloseable {
    private static final File PEER = new File("target/win32/msgpeer.exe");
    private final Process process;
    private final BufferedReader out;

    /**
     * Starts {@code msgpeer <mode> <pipe> <more...>} and waits for its first line, which must be {@code ready}.
     */
    NativeFloodPeer(String ready, String mode, NamedPipeAddress address, Object... more) throws IOException {
        assertTrue(PEER.isFile(), "native peer missing at " + PEER.getAbsolutePath()
                + ": scripts/build-native-peers.sh builds it before the Win32 suite");
        List<String> command = new ArrayList<>(List.of(PEER.getAbsolutePath(), mode, address.path()));
        for (Object argument : more) {
            command.add(String.valueOf(argument));
        }
        process = PipeTestSupport.startPeer(command);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        expect(ready);
    }

    /** Waits for the peer's next line, which must be {@code line}. */
    void expect(String line) throws IOException {
        assertEquals(line, out.readLine(), "native peer's next line");
    }

    /** Kills the process (TerminateProcess): its handles close with whatever it was doing unfinished. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "native peer did not die");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
