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

import io.netty.util.internal.SystemPropertyUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Whether an operation that ends at once with a <em>warning</em> status on a handle that skips the port on success
 * (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) still queues a completion packet. The one warning a pipe read meets is
 * ERROR_MORE_DATA (STATUS_BUFFER_OVERFLOW, 0x80000005): part of a longer message.
 *
 * <p>Windows 8 and later skip the packet only for NT_SUCCESS statuses, so a warning still queues one; Windows 7
 * skipped it for every status that is not an error, and Wine (8 and 10) does as Windows 7 (Wine's conformance test
 * {@code dlls/ntoskrnl.exe/tests/ntoskrnl.c}, {@code do_return_status}, states both rules). The transport must know
 * which rule holds: a read re-armed before a queued packet arrives would be handed that stale packet. This is
 * measured once per process, on a private message pipe pair, not read from a version table.
 *
 * <p>Test mode: {@code -Ddev.npipe.transport.emulateWindows8Completions=true} makes this Win32 behave as Windows 8+
 * here: after each read that ended at once with ERROR_MORE_DATA on a handle that skips the port, the packet Windows
 * would have queued is posted (same OVERLAPPED, same byte count). The probe sees the emulation as it would see
 * Windows, so the transport then follows Windows 8's rule under Wine.
 */
final class WarningCompletions {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(WarningCompletions.class);
    /** Test mode: post the packet Windows 8+ queue for a warning at once (see the class comment). */
    static final boolean EMULATE_WINDOWS_8 =
            SystemPropertyUtil.getBoolean("dev.npipe.transport.emulateWindows8Completions", false);
    private static final int MARKER_KEY = 0x6e70;

    private WarningCompletions() {
    }

    /** What the probe found. */
    enum Rule {
        /** A warning at once still queues its completion under skip mode (Windows 8 and later). */
        QUEUED,
        /** A warning at once queues nothing under skip mode (Windows 7, Wine). */
        NOT_QUEUED,
        /** The probe could not run: message pipes must not skip the port, as neither answer is safe. */
        UNKNOWN
    }

    /** Measured on first use; a class holder, so the probe runs once, at the first message pipe that skips the port. */
    private static final class Measured {
        static final Rule RULE = probe();
    }

    static Rule rule() {
        return Measured.RULE;
    }

    /** {@return true when a warning at once still queues its completion under skip mode (Windows 8+)} */
    static boolean queued() {
        return Measured.RULE == Rule.QUEUED;
    }

    /**
     * In test mode, posts the completion Windows 8+ would have queued for {@code op}, which ended at once with a
     * warning on a handle tied to {@code port}.
     */
    static void emulate(long port, Overlapped op) {
        if (EMULATE_WINDOWS_8 && port != 0L
                && Kernel32.PostQueuedCompletionStatus(port, op.bytesTransferred(), 0L, op.address()) == 0) {
            throw new IllegalStateException("emulating Windows 8's completion of a warning: "
                    + "PostQueuedCompletionStatus failed: " + Win32Error.describe(Kernel32.lastError()));
        }
    }

    /**
     * A 2-byte message read 1 byte at a time on a server instance that skips the port: ERROR_MORE_DATA at once;
     * then a marker packet is posted, and the port is drained up to it: a packet for the read before the marker means
     * warnings are queued (the kernel queues it before ReadFile returns, and a port is first in, first out). When
     * the probe cannot run the rule is {@link Rule#UNKNOWN}: a wrong "queued" would make a read wait for a packet
     * that never comes, a wrong "not queued" would hand stale packets on.
     */
    private static Rule probe() {
        String path = "\\\\.\\pipe\\npipe-probe-" + Kernel32.GetCurrentProcessId() + "-" + System.nanoTime();
        long port = 0L;
        long server = 0L;
        long client = 0L;
        NativeBlock buffer = new NativeBlock(8);
        NativeBlock entries = new NativeBlock(Kernel32.OVERLAPPED_ENTRY_SIZE * 4);
        NativeBlock removed = new NativeBlock(8);
        Overlapped read = new Overlapped(0L, WarningCompletions.class);
        Overlapped write = new Overlapped(0L, WarningCompletions.class);
        try {
            port = Win32Handle.createCompletionPort();
            server = Win32Handle.createNamedPipe(path, Kernel32.PIPE_ACCESS_DUPLEX
                            | Kernel32.FILE_FLAG_FIRST_PIPE_INSTANCE,
                    Kernel32.PIPE_TYPE_MESSAGE | Kernel32.PIPE_READMODE_MESSAGE | Kernel32.PIPE_REJECT_REMOTE_CLIENTS,
                    1, 64, 64, 0, 0L);
            client = Win32Handle.openPipe(path, Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE);
            if (client < 0) {
                throw new Win32Exception("CreateFileW(" + path + ")", (int) -client);
            }
            if (Kernel32.CreateIoCompletionPort(server, port, 0L, 0) == 0L
                    || Kernel32.SetFileCompletionNotificationModes(server,
                    (byte) (Kernel32.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE)) == 0) {
                throw new Win32Exception("setting up the completion probe", Kernel32.lastError());
            }
            int wrote = Kernel32.WriteFile(client, buffer.address(), 2, 0L, write.start());
            if (wrote == 0 && Kernel32.lastError() != Win32Error.ERROR_IO_PENDING) {
                throw new Win32Exception("WriteFile(" + path + ")", Kernel32.lastError());
            }
            int ok = Kernel32.ReadFile(server, buffer.address(), 1, 0L, read.start());
            int error = ok != 0 ? 0 : Kernel32.lastError();
            if (error != Win32Error.ERROR_MORE_DATA) {
                throw new Win32Exception("ReadFile of 1 byte of a 2-byte message (expected ERROR_MORE_DATA)",
                        error == 0 ? Win32Error.ERROR_NOT_SUPPORTED : error);
            }
            emulate(port, read);
            Kernel32.PostQueuedCompletionStatus(port, 0, MARKER_KEY, 0L);
            boolean queued = false;
            for (boolean marker = false; !marker; ) {
                if (Kernel32.GetQueuedCompletionStatusEx(port, entries.address(), 4, removed.address(), 1000, 0)
                        == 0) {
                    throw new Win32Exception("GetQueuedCompletionStatusEx (the probe's marker)", Kernel32.lastError());
                }
                for (int i = 0; i < removed.view().getInt(0); i++) {
                    long overlapped = Kernel32.entryOverlapped(entries, i);
                    marker |= overlapped == 0L;
                    queued |= overlapped == read.address();
                }
            }
            logger.debug("A read that ends at once with ERROR_MORE_DATA under FILE_SKIP_COMPLETION_PORT_ON_SUCCESS "
                    + "{} a completion here{}", queued ? "queues" : "does not queue",
                    EMULATE_WINDOWS_8 ? " (Windows 8's rule emulated)" : "");
            return queued ? Rule.QUEUED : Rule.NOT_QUEUED;
        } catch (Win32Exception | RuntimeException e) {
            logger.warn("Cannot measure whether a read that ends at once with ERROR_MORE_DATA queues a completion "
                    + "under FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: message pipes will not skip the port", e);
            return Rule.UNKNOWN;
        } finally {
            if (client > 0) {
                Win32Handle.close(client);
            }
            if (server != 0L) {
                Win32Handle.close(server); // nothing is in flight on either end: both operations ended at once
            }
            if (port != 0L) {
                Win32Handle.close(port);
            }
            buffer.free();
            entries.free();
            removed.free();
            read.free();
            write.free();
        }
    }
}
