package dev.npipe.transport;

import dev.npipe.transport.win32.Kernel32;
import dev.npipe.transport.win32.NativeBlock;
import dev.npipe.transport.win32.Overlapped;
import dev.npipe.transport.win32.Win32Error;
import dev.npipe.transport.win32.Win32Handle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How this Win32 reports completions the transport depends on, checked with raw calls. */
@Tag("win32")
class Win32FactsTest {
    private static final Logger log = Logger.getLogger(Win32FactsTest.class.getName());

    @Test
    void partialMessageReadsAndEmptyWritesPostCompletions() throws Exception {
        String path = PipeTestSupport.uniqueAddress().path();
        long port = Win32Handle.createCompletionPort();
        long server = Win32Handle.createNamedPipe(path, Kernel32.PIPE_ACCESS_DUPLEX,
                Kernel32.PIPE_TYPE_MESSAGE | Kernel32.PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, 0L);
        long client = Win32Handle.openPipe(path, Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE);
        NativeBlock buffer = new NativeBlock(64);
        NativeBlock entries = new NativeBlock(32 * 8);
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
            log.info("ReadFile of a waiting 10-byte message into 4 bytes: returned " + ok + ", "
                    + Win32Error.describe(error) + ", Internal=0x" + Integer.toHexString(op.status())
                    + ", completions queued: " + packets);
            // Zero-length write.
            ok = Kernel32.WriteFile(server, buffer.address(), 0, 0L, w.start());
            error = ok == 0 ? Kernel32.lastError() : 0;
            packets = drain(port, entries, removed);
            log.info("WriteFile of 0 bytes: returned " + ok + ", " + Win32Error.describe(error)
                    + ", completions queued: " + packets);
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
     * finishes at once queues nothing, a partial message read at once (ERROR_MORE_DATA) neither, and a read that
     * has to wait still gets its completion.
     */
    @Test
    void skippingThePortOnSuccessQueuesOnlyOperationsThatWaited() throws Exception {
        String path = PipeTestSupport.uniqueAddress().path();
        long port = Win32Handle.createCompletionPort();
        long server = Win32Handle.createNamedPipe(path, Kernel32.PIPE_ACCESS_DUPLEX,
                Kernel32.PIPE_TYPE_MESSAGE | Kernel32.PIPE_READMODE_MESSAGE, 1, 4096, 4096, 0, 0L);
        long client = Win32Handle.openPipe(path, Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE);
        NativeBlock buffer = new NativeBlock(64);
        NativeBlock entries = new NativeBlock(32 * 8);
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
            assertEquals(0, drain(port, entries, removed), "completions queued for ERROR_MORE_DATA at once");
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
            NativeBlock entries = new NativeBlock(32 * 8);
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

    private static int drain(long port, NativeBlock entries, NativeBlock removed) {
        int total = 0;
        while (Kernel32.GetQueuedCompletionStatusEx(port, entries.address(), 8, removed.address(), 300, 0) != 0) {
            total += removed.view().getInt(0);
        }
        return total;
    }
}
