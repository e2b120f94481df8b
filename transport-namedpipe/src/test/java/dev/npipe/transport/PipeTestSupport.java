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

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers shared by the Win32 tests (public for the fault suite's package). */
public final class PipeTestSupport {
    private PipeTestSupport() {
    }

    private static final AtomicLong NEXT = new AtomicLong();
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(PipeTestSupport.class);

    /**
     * Starts a peer process, stdout and stderr together. Wine's CreateProcess now and then reports
     * ERROR_INTERNAL_ERROR (1359) when the new process ended during its start-up (seen once in about 5,500 starts of
     * the close-order matrix's peer under Wine 8); that start is tried again, twice at most, and logged. Any other
     * failure, or a third 1359, is thrown.
     */
    public static Process startPeer(List<String> command) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                if (attempt == 3 || e.getMessage() == null || !e.getMessage().contains("error=1359,")) {
                    throw e;
                }
                LOGGER.info("Starting {} failed ({}): attempt {} of 3, starting it again", command.get(0),
                        e.getMessage(), attempt);
            }
        }
    }

    /** {@link #startPeer(List)} with the command given word by word. */
    public static Process startPeer(String... command) throws IOException {
        return startPeer(List.of(command));
    }

    /** Whether this Win32 is Wine (its ntdll exports wine_get_version), not Windows. */
    public static boolean isWine() {
        return wineVersion() != null;
    }

    /** The Wine version ({@code wine_get_version}, e.g. "8.0"), or null on Windows. */
    public static String wineVersion() {
        try {
            return com.sun.jna.NativeLibrary.getInstance("ntdll").getFunction("wine_get_version").invokeString(
                    new Object[0], false);
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }

    /**
     * A pipe address no other test uses: process id, start time and a counter (no UUID: it seeds SecureRandom,
     * which newer Windows JDKs cannot do under Wine).
     */
    public static NamedPipeAddress uniqueAddress() {
        return new NamedPipeAddress("npipe-test-" + ProcessHandle.current().pid() + "-" + START + "-"
                + NEXT.incrementAndGet());
    }

    private static final long START = System.currentTimeMillis();

    public static NamedPipeEventLoopGroup newGroup(String name, int threads) {
        return new NamedPipeEventLoopGroup(threads, new DefaultThreadFactory(name, true));
    }

    public static void shutdown(EventLoopGroup... groups) throws InterruptedException {
        shutdownLeavingRelays(groups);
        // A loop that stopped before another loop's children (Wine ties children to the server loop's port) hands
        // its port to a relay thread, which closes it within 100 ms of the last such child closing: give it that time
        // before tests count handles. Not an assertion: a relay may rightly run on while another group serves its
        // children; a port left open for good shows in the handle counts the tests check.
        eventually(2_000, () -> PortSharing.openRelays() == 0);
    }

    /**
     * Shuts the groups down and waits for them, but not for the port relays their loops may start: for tests that
     * stop a server's group while its children's group runs on.
     */
    public static void shutdownLeavingRelays(EventLoopGroup... groups) throws InterruptedException {
        for (EventLoopGroup group : groups) {
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
        for (EventLoopGroup group : groups) {
            if (group != null) {
                assertTrue(group.awaitTermination(10, TimeUnit.SECONDS), "event loop group did not terminate");
            }
        }
    }

    /**
     * Waits until {@code condition} holds, up to {@code millis}; returns whether it did. By hand rather than with
     * Awaitility: a boolean back lets each caller fail with its own message, and ten lines need no dependency.
     */
    public static boolean eventually(long millis, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
