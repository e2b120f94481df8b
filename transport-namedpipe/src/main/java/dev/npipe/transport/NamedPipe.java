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


import com.sun.jna.Platform;
import io.netty.util.internal.SystemPropertyUtil;

/**
 * Tells whether the named-pipe transport can run here: it needs a 64-bit JVM on Windows (or Wine) and JNA's
 * kernel32 binding.
 * Check {@link #isAvailable()} before creating a {@link NamedPipeEventLoopGroup}, or call
 * {@link #ensureAvailability()} to fail with the reason.
 *
 * <p>System properties, read once through Netty's {@code SystemPropertyUtil} (all with the prefix
 * {@code dev.npipe.transport.}); none is needed in production:
 * <ul>
 *   <li>{@code skipCompletionPortOnSuccess} (default {@code true}): connected pipes set
 *       FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, so an operation that finishes at once queues no completion;
 *       {@code false} queues every completion.</li>
 *   <li>{@code movePipesToChildPorts} (default {@code true}): an accepted pipe moves to its child's loop's
 *       completion port where Windows can (8.1+, FileReplaceCompletionInformation); {@code false} leaves it on the
 *       server loop's port, which passes its completions on.</li>
 *   <li>{@code unregisteredChildGraceMillis} (default {@code 10000}): how long an accepted child may stay
 *       unregistered with an event loop before the server closes it with a warning.</li>
 *   <li>{@code emulateWindows8Completions} (default {@code false}, a test mode): under Wine, posts the completion
 *       Windows 8+ queue for a read that ends at once with ERROR_MORE_DATA, so Wine follows Windows 8+'s
 *       rule.</li>
 * </ul>
 */
public final class NamedPipe {
    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private NamedPipe() {
    }

    private static Throwable probe() {
        if (SystemPropertyUtil.getBoolean("io.netty.transport.noNative", false)) {
            return new UnsupportedOperationException(
                    "Native transport was explicitly disabled with -Dio.netty.transport.noNative=true");
        }
        if (!Platform.isWindows()) {
            return new UnsupportedOperationException("Windows named pipes need Windows; this JVM runs on "
                    + SystemPropertyUtil.get("os.name") + " (use Unix domain sockets there)");
        }
        if (!Platform.is64Bit()) {
            // Every binding here passes handles and pointers as 64-bit values.
            return new UnsupportedOperationException("the named-pipe transport needs a 64-bit JVM (Windows x64); "
                    + "this JVM is " + SystemPropertyUtil.get("os.arch") + ", " + Platform.ARCH);
        }
        try {
            Kernel32.GetCurrentProcessId();
            NtDll.toWin32Error(0xC000014B);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** {@return true when named pipes can be used on this machine} */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * Returns normally when named pipes are available.
     *
     * @throws UnsatisfiedLinkError carrying {@link #unavailabilityCause()} otherwise
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (Error) new UnsatisfiedLinkError("failed to load the named-pipe transport: "
                    + UNAVAILABILITY_CAUSE.getMessage()).initCause(UNAVAILABILITY_CAUSE);
        }
    }

    /** {@return the SID of the user this process runs as, e.g. for {@link NamedPipeChannelOption#REQUIRED_SERVER_USER}} */
    public static String currentUserSid() {
        ensureAvailability();
        return Advapi32.currentUserSid();
    }

    /**
     * The Win32 handles the transport holds open now (pipes, completion ports, tokens while read): a figure to
     * export as a metric; it returns to its earlier value once channels and loops have closed.
     *
     * @return the count
     */
    public static long openHandles() {
        return NativeResources.openHandles();
    }

    /**
     * The native memory blocks (OVERLAPPED blocks, out-parameters) the transport holds now: a metric too.
     *
     * @return the count
     */
    public static long liveNativeBlocks() {
        return NativeResources.liveBlocks();
    }

    /** {@return why named pipes are not available, or {@code null} when they are} */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }
}
