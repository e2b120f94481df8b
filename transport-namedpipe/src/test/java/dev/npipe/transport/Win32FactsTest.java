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

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the transport relies on from the system, checked with raw calls. Where Windows and Wine differ
 * (docs/windows-vs-wine.md) each test asserts Windows 8+'s behaviour, as Microsoft's documentation and Wine's
 * conformance tests state it, on Windows, and the behaviour measured under Wine on Wine: a run under Wine checks
 * only Wine's side, and a first run on Windows says whether the documented Windows side holds.
 */
@Tag("win32")
class Win32FactsTest {
    private static final Logger log = Logger.getLogger(Win32FactsTest.class.getName());
    private static final boolean WINE = PipeTestSupport.isWine();
    private static final String SYSTEM = WINE ? "Wine" : "Windows " + System.getProperty("os.version");

    /**
     * Without skip mode, on both systems (ReadFile's and WriteFile's documentation): reading 4 bytes of a 10-byte
     * message fails with ERROR_MORE_DATA (STATUS_BUFFER_OVERFLOW in Internal), and a 0-byte write to a message pipe
     * succeeds. The completions queued are only logged: the server end here is not overlapped, for which
     * CreateIoCompletionPort's documentation gives no rule (Wine 8 queues 2 for the read, 1 for the write).
     */
    @Test
    void aPartialMessageReadSaysMoreDataAndAnEmptyWriteSucceeds() throws Exception {
        String path = PipeTestSupport.uniqueAddress().path();
        long port = Win32Handle.createCompletionPort();
        long server = Win32Handle.createNamedPipe(path, Kernel32.PIPE_ACCESS_DUPLEX,
                Kernel32.PIPE_TYPE_MESSAGE | Kernel32.PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, 0L);
        long client = Win32Handle.openPipe(path, Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE);
        NativeBlock buffer = new NativeBlock(64);
        NativeBlock entries = new NativeBlock(Kernel32.OVERLAPPED_ENTRY_SIZE * 8);
        NativeBlock removed = new NativeBlock(8);
        Overlapped op = new Overlapped(port, this);
        try {
            assertTrue(client > 0, "client open");
            NativeBlock mode = new NativeBlock(8);
            mode.view().putInt(0, Kernel32.PIPE_READMODE_MESSAGE);
            assertEquals(1, Kernel32.SetNamedPipeHandleState(client, mode.address(), 0L, 0L));
            mode.free();
            Kernel32.CreateIoCompletionPort(client, port, 0L, 0);
            Kernel32.CreateIoCompletionPort(server, port, 0L, 0);

            // A 10-byte message already waiting, read 4 bytes at a time.
            Overlapped w = new Overlapped(port, this);
            Kernel32.WriteFile(server, buffer.address(), 10, 0L, w.start());
            int ok = Kernel32.ReadFile(client, buffer.address(), 4, 0L, op.start());
            int error = ok == 0 ? Kernel32.lastError() : 0;
            int packets = drain(port, entries, removed);
            log.info(SYSTEM + ": ReadFile of a waiting 10-byte message into 4 bytes: returned " + ok + ", "
                    + Win32Error.describe(error) + ", Internal=0x" + Integer.toHexString(op.status())
                    + ", completions queued: " + packets);
            assertEquals(0, ok, "ReadFile of part of a message");
            assertEquals(Win32Error.ERROR_MORE_DATA, error, "ReadFile of part of a message");
            assertEquals(NtDll.STATUS_BUFFER_OVERFLOW, op.status(), "Internal of a partial message read");
            // Zero-length write.
            ok = Kernel32.WriteFile(server, buffer.address(), 0, 0L, w.start());
            error = ok == 0 ? Kernel32.lastError() : 0;
            packets = drain(port, entries, removed);
            log.info(SYSTEM + ": WriteFile of 0 bytes: returned " + ok + ", " + Win32Error.describe(error)
                    + ", completions queued: " + packets);
            assertEquals(1, ok, "WriteFile of 0 bytes to a message pipe: " + Win32Error.describe(error));
            w.free();
        } finally {
            op.free();
            buffer.free();
            entries.free();
            removed.free();
            Win32Handle.close(client);
            Win32Handle.close(server);
            Win32Handle.close(port);
        }
    }

    /**
     * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, which the transport sets on connected pipes: a read or write that
     * finishes at once queues nothing, and a read that has to wait still gets its completion. A partial message read
     * at once (ERROR_MORE_DATA, the warning STATUS_BUFFER_OVERFLOW) is where the systems differ: Windows 8+ skip
     * the port only for NT_SUCCESS, so it still queues a packet there; Wine follows Windows 7 and queues none.
     */
    @Test
    void skippingThePortOnSuccessQueuesOnlyOperationsThatWaited() throws Exception {
        String path = PipeTestSupport.uniqueAddress().path();
        long port = Win32Handle.createCompletionPort();
        long server = Win32Handle.createNamedPipe(path, Kernel32.PIPE_ACCESS_DUPLEX,
                Kernel32.PIPE_TYPE_MESSAGE | Kernel32.PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, 0L);
        long client = Win32Handle.openPipe(path, Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE);
        NativeBlock buffer = new NativeBlock(64);
        NativeBlock entries = new NativeBlock(Kernel32.OVERLAPPED_ENTRY_SIZE * 8);
        NativeBlock removed = new NativeBlock(8);
        NativeBlock mode = new NativeBlock(8);
        Overlapped read = new Overlapped(port, this);
        Overlapped write = new Overlapped(port, this);
        Overlapped serverWrite = new Overlapped(0L, this);
        try {
            assertTrue(client > 0, "client open");
            mode.view().putInt(0, Kernel32.PIPE_READMODE_MESSAGE);
            assertEquals(1, Kernel32.SetNamedPipeHandleState(client, mode.address(), 0L, 0L));
            Kernel32.CreateIoCompletionPort(client, port, 0L, 0);
            assertEquals(1, Kernel32.SetFileCompletionNotificationModes(client,
                    (byte) (Kernel32.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE)),
                    "SetFileCompletionNotificationModes: " + Win32Error.describe(Kernel32.lastError()));

            assertEquals(1, Kernel32.WriteFile(server, buffer.address(), 10, 0L, serverWrite.start()));
            assertEquals(1, Kernel32.ReadFile(client, buffer.address(), 16, 0L, read.start()),
                    "a waiting message read at once");
            assertEquals(10, read.bytesTransferred());
            assertEquals(0, drain(port, entries, removed), "completions queued for a read that finished at once");

            assertEquals(1, Kernel32.WriteFile(server, buffer.address(), 10, 0L, serverWrite.start()));
            assertEquals(0, Kernel32.ReadFile(client, buffer.address(), 4, 0L, read.start()));
            assertEquals(Win32Error.ERROR_MORE_DATA, Kernel32.lastError());
            assertEquals(4, read.bytesTransferred());
            assertEquals(Win32Error.ERROR_MORE_DATA, read.error());
            assertEquals(WINE ? 0 : 1, drain(port, entries, removed),
                    "completions queued for ERROR_MORE_DATA at once on " + SYSTEM);
            assertEquals(1, Kernel32.ReadFile(client, buffer.address(), 16, 0L, read.start()), "the rest");
            assertEquals(6, read.bytesTransferred());

            assertEquals(1, Kernel32.WriteFile(client, buffer.address(), 10, 0L, write.start()));
            assertEquals(0, drain(port, entries, removed), "completions queued for a write that finished at once");

            assertEquals(0, Kernel32.ReadFile(client, buffer.address(), 16, 0L, read.start()));
            assertEquals(Win32Error.ERROR_IO_PENDING, Kernel32.lastError());
            assertEquals(1, Kernel32.WriteFile(server, buffer.address(), 3, 0L, serverWrite.start()));
            assertEquals(1, drain(port, entries, removed), "completions queued for a read that waited");
            assertEquals(3, read.bytesTransferred());
        } finally {
            Win32Handle.close(client);
            Win32Handle.close(server);
            Win32Handle.close(port);
            read.free();
            write.free();
            serverWrite.free();
            mode.free();
            buffer.free();
            entries.free();
            removed.free();
        }
    }

    /**
     * The zero-byte read (libuv's way to wait for data without holding a buffer): on a byte and on a message pipe, a
     * 0-byte ReadFile with nothing waiting must stay pending, complete once data arrives, and leave that data in the
     * pipe for the real read.
     */
    @Test
    void aZeroByteReadWaitsForDataAndLeavesIt() throws Exception {
        for (boolean messages : new boolean[] {false, true}) {
            String path = PipeTestSupport.uniqueAddress().path();
            long port = Win32Handle.createCompletionPort();
            int type = messages ? Kernel32.PIPE_TYPE_MESSAGE | Kernel32.PIPE_READMODE_MESSAGE : Kernel32.PIPE_TYPE_BYTE;
            long server = Win32Handle.createNamedPipe(path, Kernel32.PIPE_ACCESS_DUPLEX, type, 1, 4096, 4096, 0, 0L);
            long client = Win32Handle.openPipe(path, Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE);
            NativeBlock buffer = new NativeBlock(64);
            NativeBlock entries = new NativeBlock(Kernel32.OVERLAPPED_ENTRY_SIZE * 8);
            NativeBlock removed = new NativeBlock(8);
            NativeBlock avail = new NativeBlock(8);
            Overlapped read = new Overlapped(port, this);
            Overlapped serverWrite = new Overlapped(0L, this);
            String kind = messages ? "message pipe" : "byte pipe";
            try {
                assertTrue(client > 0, "client open");
                if (messages) {
                    avail.view().putInt(0, Kernel32.PIPE_READMODE_MESSAGE);
                    assertEquals(1, Kernel32.SetNamedPipeHandleState(client, avail.address(), 0L, 0L));
                }
                Kernel32.CreateIoCompletionPort(client, port, 0L, 0);
                int ok = Kernel32.ReadFile(client, buffer.address(), 0, 0L, read.start());
                int error = ok == 0 ? Kernel32.lastError() : 0;
                log.info(kind + ": 0-byte ReadFile with nothing waiting: returned " + ok + ", "
                        + Win32Error.describe(error));
                assertEquals(Win32Error.ERROR_IO_PENDING, error, kind + ": the 0-byte read waits");
                assertEquals(0, drain(port, entries, removed), kind + ": nothing completes before data arrives");
                assertEquals(1, Kernel32.WriteFile(server, buffer.address(), 5, 0L, serverWrite.start()));
                int packets = drain(port, entries, removed);
                log.info(kind + ": after a 5-byte write: completions " + packets + ", status "
                        + Win32Error.describe(read.error()) + ", bytes " + read.bytesTransferred());
                assertEquals(1, packets, kind + ": the 0-byte read completes when data arrives");
                assertEquals(0, read.bytesTransferred(), kind + ": and takes none of it");
                assertEquals(1, Kernel32.PeekNamedPipe(client, 0L, 0, 0L, avail.address(), 0L));
                assertEquals(5, avail.view().getInt(0), kind + ": the data is still there for the real read");
            } finally {
                Win32Handle.close(client);
                Win32Handle.close(server);
                Win32Handle.close(port);
                read.free();
                serverWrite.free();
                buffer.free();
                entries.free();
                removed.free();
                avail.free();
            }
        }
    }

    /**
     * FILE_FLAG_FIRST_PIPE_INSTANCE on a name that exists, asked of the system itself (raw CreateNamedPipeW): Windows
     * refuses it (ERROR_ACCESS_DENIED), Wine lets it through. The transport refuses it on both for the instances this
     * process holds (Win32Handle).
     */
    @Test
    void aSecondFirstInstanceOfANameIsRefusedOnWindows() throws Exception {
        String path = PipeTestSupport.uniqueAddress().path();
        long first = Win32Handle.createNamedPipe(path, Kernel32.PIPE_ACCESS_DUPLEX
                | Kernel32.FILE_FLAG_FIRST_PIPE_INSTANCE, Kernel32.PIPE_TYPE_BYTE, 4, 4096, 4096, 0, 0L);
        long second = Kernel32.CreateNamedPipeW(Kernel32.wide(path), Kernel32.PIPE_ACCESS_DUPLEX
                        | Kernel32.FILE_FLAG_FIRST_PIPE_INSTANCE | Kernel32.FILE_FLAG_OVERLAPPED, Kernel32.PIPE_TYPE_BYTE,
                4, 4096, 4096, 0, 0L);
        int error = second == Kernel32.INVALID_HANDLE_VALUE ? Kernel32.lastError() : 0;
        try {
            if (WINE) {
                assertNotEquals(Kernel32.INVALID_HANDLE_VALUE, second, "Wine refused a second first instance: "
                        + Win32Error.describe(error));
                log.info("Wine: a second FILE_FLAG_FIRST_PIPE_INSTANCE creation of an existing name succeeded");
            } else {
                assertEquals(Kernel32.INVALID_HANDLE_VALUE, second, "a second first instance on " + SYSTEM);
                assertEquals(Win32Error.ERROR_ACCESS_DENIED, error);
            }
            Win32Exception refused = assertThrows(Win32Exception.class, () -> Win32Handle.createNamedPipe(path,
                    Kernel32.PIPE_ACCESS_DUPLEX | Kernel32.FILE_FLAG_FIRST_PIPE_INSTANCE, Kernel32.PIPE_TYPE_BYTE, 4,
                    4096, 4096, 0, 0L), "the transport's own creation of a second first instance");
            assertEquals(Win32Error.ERROR_ACCESS_DENIED, refused.errorCode());
        } finally {
            if (second != Kernel32.INVALID_HANDLE_VALUE) {
                Kernel32.CloseHandle(second);
            }
            Win32Handle.close(first);
        }
    }

    /** A DACL that denies everyone: Windows refuses CreateFile (ERROR_ACCESS_DENIED); Wine opens the pipe. */
    @Test
    void aDenyingDaclRefusesClientsOnWindows() throws Exception {
        String path = PipeTestSupport.uniqueAddress().path();
        Advapi32.SecurityAttributes denyAll = Advapi32.securityAttributes("D:(D;;GA;;;WD)");
        long server = Win32Handle.createNamedPipe(path, Kernel32.PIPE_ACCESS_DUPLEX, Kernel32.PIPE_TYPE_BYTE, 4,
                4096, 4096, 0, denyAll.address());
        try {
            long client = Win32Handle.openPipe(path, Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE);
            if (client > 0) {
                Win32Handle.close(client);
            }
            if (WINE) {
                assertTrue(client > 0, "Wine refused a client by the DACL: " + Win32Error.describe((int) -client));
                log.info("Wine: a DACL denying everyone did not refuse CreateFile (not enforced)");
            } else {
                assertEquals(-Win32Error.ERROR_ACCESS_DENIED, client, "CreateFile through a DACL denying everyone");
            }
        } finally {
            Win32Handle.close(server);
            denyAll.free();
        }
    }

    /** FileReplaceCompletionInformation (Windows 8.1+) moves a handle to another port; Wine has not implemented it. */
    @Test
    void aHandleMovesToAnotherPortOnWindows() throws Exception {
        String path = PipeTestSupport.uniqueAddress().path();
        long first = Win32Handle.createCompletionPort();
        long second = Win32Handle.createCompletionPort();
        long server = Win32Handle.createNamedPipe(path, Kernel32.PIPE_ACCESS_DUPLEX, Kernel32.PIPE_TYPE_BYTE, 1,
                4096, 4096, 0, 0L);
        try {
            Kernel32.CreateIoCompletionPort(server, first, 0L, 0);
            int status = NtDll.replaceCompletionPort(server, second);
            log.info(SYSTEM + ": FileReplaceCompletionInformation returned 0x" + Integer.toHexString(status));
            assertEquals(WINE ? STATUS_NOT_IMPLEMENTED : 0, status, "FileReplaceCompletionInformation on " + SYSTEM);
        } finally {
            Win32Handle.close(server);
            Win32Handle.close(second);
            Win32Handle.close(first);
        }
    }

    /** GetProcessHandleCount: a real count on Windows, 0 under Wine (so handle checks count the transport's own). */
    @Test
    void theProcessHandleCountIsRealOnWindows() {
        try (NativeBlock.Scoped count = NativeBlock.scoped(8)) {
            assertEquals(1, Kernel32.GetProcessHandleCount(Kernel32.GetCurrentProcess(), count.address()));
            int handles = count.view().getInt(0);
            log.info(SYSTEM + ": GetProcessHandleCount = " + handles);
            if (WINE) {
                assertEquals(0, handles, "Wine's GetProcessHandleCount");
            } else {
                assertTrue(handles > 0, "GetProcessHandleCount on Windows");
            }
        }
    }

    /** GetNamedPipeServerProcessId and GetNamedPipeClientSessionId give real values on both. */
    @Test
    void theServerProcessAndTheClientSessionAreReal() throws Exception {
        String path = PipeTestSupport.uniqueAddress().path();
        long server = Win32Handle.createNamedPipe(path, Kernel32.PIPE_ACCESS_DUPLEX, Kernel32.PIPE_TYPE_BYTE, 1,
                4096, 4096, 0, 0L);
        long client = Win32Handle.openPipe(path, Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE);
        NativeBlock out = new NativeBlock(8);
        NativeBlock session = new NativeBlock(8);
        try {
            assertTrue(client > 0, "client open");
            assertEquals(1, Kernel32.GetNamedPipeServerProcessId(client, out.address()));
            assertEquals(Kernel32.GetCurrentProcessId(), out.view().getInt(0), "the server's process id");
            assertEquals(1, Kernel32.GetNamedPipeClientProcessId(server, out.address()));
            assertEquals(Kernel32.GetCurrentProcessId(), out.view().getInt(0), "the client's process id");
            assertEquals(1, Kernel32.ProcessIdToSessionId(Kernel32.GetCurrentProcessId(), session.address()));
            assertEquals(1, Kernel32.GetNamedPipeClientSessionId(server, out.address()));
            assertEquals(session.view().getInt(0), out.view().getInt(0), "the client's session is this process's");
        } finally {
            out.free();
            session.free();
            Win32Handle.close(client);
            Win32Handle.close(server);
        }
    }

    private static final int STATUS_NOT_IMPLEMENTED = 0xC0000002;

    private static int drain(long port, NativeBlock entries, NativeBlock removed) {
        int total = 0;
        while (Kernel32.GetQueuedCompletionStatusEx(port, entries.address(), 8, removed.address(), 300, 0) != 0) {
            total += removed.view().getInt(0);
        }
        return total;
    }
}
