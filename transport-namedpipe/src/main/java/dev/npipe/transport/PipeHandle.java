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

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pipe handle and the Win32 calls made on it: it opens, reads, writes, cancels and closes exactly once.
 *
 * <p>A handle has one owner at a time. A server's accepted instance starts unowned: the channel that is
 * registered with it {@link #takeOwnership() takes} it, or the server {@link #closeIfUnowned() closes} it when nobody
 * did; whichever comes first wins, so the handle is never closed twice or used after close. The calls that start
 * overlapped I/O say how it went with a {@link Start}; when it did not start, the Win32 error is the block's
 * {@link Overlapped#startError()}.
 */
final class PipeHandle {
    /**
     * How starting an overlapped operation went. An enum, not a result object, so the hot path allocates nothing;
     * the error of {@link #FAILED} is on the block ({@link Overlapped#startError()}), which is per operation.
     */
    enum Start {
        /** Started, or finished at once on a handle that queues it: its completion will be dequeued. */
        QUEUED,
        /**
         * Finished at once and no completion will be queued: the result is in the block (a handle that
         * {@link #skipCompletionPortOnSuccess(boolean) skips the port}; for {@link #listen}, a client that came
         * before the call, {@code ERROR_PIPE_CONNECTED}).
         */
        DONE_AT_ONCE,
        /**
         * {@link #read} only: finished at once with a warning (ERROR_MORE_DATA, part of a longer message) whose
         * completion this system still queues (Windows 8+, see {@link WarningCompletions}): the result is in the
         * block, which stays the port's until that packet is dequeued.
         */
        DONE_AT_ONCE_PACKET_FOLLOWS,
        /** Not started, the block was not handed to the kernel: the error is {@link Overlapped#startError()}. */
        FAILED
    }

    private static final int UNCLAIMED = 0;
    private static final int CLAIMED = 1;
    private static final int CLOSED = 2;
    /** Opening with no access rights reaches a pipe whatever its DACL grants (used only to hold an instance). */
    private static final int NO_ACCESS = 0;

    private final long handle;
    private final String path;
    private final AtomicInteger state;
    /** Out-parameters of the non-overlapped queries; loop thread only, freed at close. */
    private final NativeBlock scratch = new NativeBlock(24);
    /**
     * Where zero-byte reads point: nothing is written there. Held for the life of the process (so not a counted
     * {@link NativeBlock}, which tests expect freed), made at the first zero-byte read.
     */
    private static final class Nothing {
        static final ByteBuffer BUFFER = ByteBuffer.allocateDirect(8);
        static final long ADDRESS = Pointer.nativeValue(Native.getDirectBufferPointer(BUFFER));
    }
    /** FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is set: an operation that finishes at once queues no completion. */
    private boolean skipsPortOnSuccess;
    /** The completion port the handle's completions go to; 0 before {@link #associate}. Loop thread. */
    private long port;

    private PipeHandle(long handle, String path, int state) {
        this.handle = handle;
        this.path = path;
        this.state = new AtomicInteger(state);
    }

    /**
     * Creates one instance of a named pipe, overlapped. It starts unowned.
     *
     * @throws Win32Exception naming the pipe and the error when CreateNamedPipeW fails
     */
    static PipeHandle createInstance(String path, int openMode, int pipeMode, int maxInstances,
                                            int outBufferSize, int inBufferSize, int defaultTimeoutMillis,
                                            long securityAttributes) throws Win32Exception {
        long handle = Win32Handle.createNamedPipe(path, openMode, pipeMode, maxInstances, outBufferSize,
                inBufferSize, defaultTimeoutMillis, securityAttributes);
        return new PipeHandle(handle, path, UNCLAIMED);
    }

    /**
     * Opens the client end of a pipe, overlapped, letting the server identify but not impersonate us. The handle
     * is owned by the caller.
     *
     * @throws Win32Exception with {@code ERROR_PIPE_BUSY}, {@code ERROR_FILE_NOT_FOUND} or whatever refused us
     */
    static PipeHandle openClient(String path) throws Win32Exception {
        long handle = Win32Handle.openPipe(path, Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE
                | Kernel32.FILE_WRITE_ATTRIBUTES);
        if (handle < 0) {
            throw new Win32Exception("CreateFileW(" + path + ")", (int) -handle);
        }
        return new PipeHandle(handle, path, CLAIMED);
    }

    /**
     * Connects to a pipe with no access rights at all: the connection only keeps that instance busy (a server
     * holds its name this way). Claimed by the caller.
     */
    static PipeHandle openPlaceholderClient(String path) throws Win32Exception {
        long handle = Win32Handle.openPipe(path, NO_ACCESS);
        if (handle < 0) {
            throw new Win32Exception("CreateFileW(" + path + ")", (int) -handle);
        }
        return new PipeHandle(handle, path, CLAIMED);
    }

    /** The pipe's path, for messages. */
    String path() {
        return path;
    }

    /** The raw handle, for tests that ask Windows about it; meaningless once closed. */
    long value() {
        return handle;
    }

    /** Takes ownership of an unowned handle; false when it was closed first. Any thread. */
    boolean takeOwnership() {
        return state.compareAndSet(UNCLAIMED, CLAIMED);
    }

    /** Closes the handle if nobody took it; returns whether it did. Any thread. */
    boolean closeIfUnowned() {
        if (!state.compareAndSet(UNCLAIMED, CLOSED)) {
            return false;
        }
        release();
        return true;
    }

    /**
     * Closes the handle once; later calls do nothing and return false. Only after every operation started on it
     * has completed, or the kernel may still use blocks the owner frees.
     */
    boolean close() {
        int s;
        do {
            s = state.get();
            if (s == CLOSED) {
                return false;
            }
        } while (!state.compareAndSet(s, CLOSED));
        release();
        return true;
    }

    private void release() {
        Win32Handle.close(handle);
        scratch.free();
    }

    /** True until {@link #close()}; safe to read from any thread. */
    boolean isOpen() {
        return state.get() != CLOSED;
    }

    /** Associates the handle with a completion port. */
    void associate(long port) throws Win32Exception {
        if (Kernel32.CreateIoCompletionPort(handle, port, 0L, 0) == 0L) {
            throw new Win32Exception("CreateIoCompletionPort(" + path + ")", Kernel32.lastError());
        }
        this.port = port;
    }

    /** Moves the handle's completions to another port (Windows 8.1+); false where Windows cannot. */
    boolean moveToPort(long port) {
        if (NtDll.replaceCompletionPort(handle, port) != 0) {
            return false;
        }
        this.port = port;
        return true;
    }

    /**
     * Sets FILE_SKIP_COMPLETION_PORT_ON_SUCCESS (and FILE_SKIP_SET_EVENT_ON_HANDLE): from now on a read or write
     * that finishes at once is not queued to the port, which saves a dequeue (a round trip into the kernel, into
     * wineserver under Wine). Returns 0, or the Win32 error where Windows refuses (completions are then queued as
     * before). A message pipe's reads may end at once with a warning (ERROR_MORE_DATA), for which Windows' rules
     * differ (see {@link WarningCompletions}): the rule is measured first, and where it cannot be, a message pipe
     * keeps queuing every completion ({@code ERROR_NOT_SUPPORTED}).
     *
     * @param messagePipe whether the pipe is a message pipe
     */
    int skipCompletionPortOnSuccess(boolean messagePipe) {
        if (messagePipe && WarningCompletions.rule() == WarningCompletions.Rule.UNKNOWN) {
            return Win32Error.ERROR_NOT_SUPPORTED;
        }
        skipsPortOnSuccess = Kernel32.SetFileCompletionNotificationModes(handle,
                (byte) (Kernel32.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE)) != 0;
        return skipsPortOnSuccess ? 0 : Kernel32.lastError();
    }

    /** Starts an overlapped ReadFile into native memory (bytes and status are in the block once it finished). */
    Start read(Overlapped op, long address, int length) {
        if (Kernel32.ReadFile(handle, address, length, 0L, op.start()) != 0) {
            return finishedAtOnce();
        }
        int error = Kernel32.lastError();
        if (error == Win32Error.ERROR_IO_PENDING) {
            return Start.QUEUED;
        }
        // ERROR_MORE_DATA at once (part of a longer message) is a warning status, not a success: under skip mode
        // Windows 8+ still queue its completion, Windows 7 and Wine 8/10 do not (Wine's ntoskrnl conformance test
        // states Windows' rule; WarningCompletions measures which rule this system follows).
        // The block stays the kernel's until that packet is dequeued, so the read counts as queued there.
        if (error == Win32Error.ERROR_MORE_DATA) {
            if (!skipsPortOnSuccess) {
                return Start.QUEUED;
            }
            WarningCompletions.emulate(port, op);
            return WarningCompletions.queued() ? Start.DONE_AT_ONCE_PACKET_FOLLOWS : Start.DONE_AT_ONCE;
        }
        op.notStarted(error);
        return Start.FAILED;
    }

    /**
     * Starts an overlapped zero-byte ReadFile: it takes nothing and completes when data is there (success; on a
     * message pipe ERROR_MORE_DATA, or success if the message waiting is empty, which it consumes). Results as
     * {@link #read}.
     */
    Start readNothing(Overlapped op) {
        return read(op, Nothing.ADDRESS, 0);
    }

    /** Starts an overlapped WriteFile from native memory: {@code QUEUED}, {@code DONE_AT_ONCE} or {@code FAILED}. */
    Start write(Overlapped op, long address, int length) {
        if (Kernel32.WriteFile(handle, address, length, 0L, op.start()) != 0) {
            return finishedAtOnce();
        }
        int error = Kernel32.lastError();
        if (error == Win32Error.ERROR_IO_PENDING) {
            return Start.QUEUED;
        }
        op.notStarted(error);
        return Start.FAILED;
    }

    /** An operation that finished at once: its completion is queued unless the port is skipped on success. */
    private Start finishedAtOnce() {
        return skipsPortOnSuccess ? Start.DONE_AT_ONCE : Start.QUEUED;
    }

    /**
     * Starts an overlapped ConnectNamedPipe: {@link Start#QUEUED} when started; {@link Start#DONE_AT_ONCE} when a
     * client came before the call ({@code ERROR_PIPE_CONNECTED}: no completion will be queued); else
     * {@code FAILED}.
     */
    Start listen(Overlapped op) {
        if (Kernel32.ConnectNamedPipe(handle, op.start()) != 0) {
            return Start.QUEUED;
        }
        int error = Kernel32.lastError();
        if (error == Win32Error.ERROR_IO_PENDING) {
            return Start.QUEUED;
        }
        op.notStarted(error);
        return error == Win32Error.ERROR_PIPE_CONNECTED ? Start.DONE_AT_ONCE : Start.FAILED;
    }

    /** Ends a server instance's connection to a client that is gone, so the instance can listen again. */
    void disconnect() {
        Kernel32.DisconnectNamedPipe(handle);
    }

    /** Cancels every operation in flight on the handle; their completions still arrive (aborted or done). */
    void cancelAll() {
        Kernel32.CancelIoEx(handle, 0L);
    }

    /** Cancels one operation in flight. */
    void cancel(Overlapped op) {
        Kernel32.CancelIoEx(handle, op.address());
    }

    /** True when the pipe was created as a message pipe, whatever this end's read mode. */
    boolean isMessagePipe() throws Win32Exception {
        if (Kernel32.GetNamedPipeInfo(handle, scratch.address(), 0L, 0L, 0L) == 0) {
            throw new Win32Exception("GetNamedPipeInfo(" + path + ")", Kernel32.lastError());
        }
        return (scratch.view().getInt(0) & Kernel32.PIPE_TYPE_MESSAGE) != 0;
    }

    /** Sets how this end reads: whole messages (a message pipe only) or bytes. */
    void setReadMode(boolean messages) throws Win32Exception {
        scratch.view().putInt(0, messages ? Kernel32.PIPE_READMODE_MESSAGE : Kernel32.PIPE_READMODE_BYTE);
        if (Kernel32.SetNamedPipeHandleState(handle, scratch.address(), 0L, 0L) == 0) {
            throw new Win32Exception("SetNamedPipeHandleState(" + path + ")", Kernel32.lastError());
        }
    }

    /** Bytes waiting to be read (PeekNamedPipe), or -1 when Windows cannot tell (e.g. the pipe is broken). */
    int bytesAvailable() {
        return peek() ? scratch.view().getInt(0) : -1;
    }

    /** PeekNamedPipe's answer in words, for debug lines: "N bytes waiting", or its Win32 error and name. */
    String peekState() {
        return peek() ? scratch.view().getInt(0) + " bytes waiting" : Win32Error.describe(Kernel32.lastError());
    }

    /** PeekNamedPipe for the count of bytes waiting only, into {@code scratch}; false with the call's error. */
    private boolean peek() {
        return Kernel32.PeekNamedPipe(handle, 0L, 0, 0L, scratch.address(), 0L) != 0;
    }

    /** GetNamedPipeClientProcessId: the client's process id, seen from a server instance. */
    int clientProcessId() throws Win32Exception {
        return queryInt("GetNamedPipeClientProcessId", Kernel32::GetNamedPipeClientProcessId);
    }

    /** GetNamedPipeClientSessionId: the client's session, seen from a server instance. */
    int clientSessionId() throws Win32Exception {
        return queryInt("GetNamedPipeClientSessionId", Kernel32::GetNamedPipeClientSessionId);
    }

    /** GetNamedPipeServerProcessId: the server's process id, seen from a client. */
    int serverProcessId() throws Win32Exception {
        return queryInt("GetNamedPipeServerProcessId", Kernel32::GetNamedPipeServerProcessId);
    }

    /** A Win32 query that writes one DWORD about a handle to {@code out}; nonzero on success. */
    private interface IntQuery {
        int call(long handle, long out);
    }

    private int queryInt(String name, IntQuery query) throws Win32Exception {
        if (query.call(handle, scratch.address()) == 0) {
            throw new Win32Exception(name + "(" + path + ")", Kernel32.lastError());
        }
        return scratch.view().getInt(0);
    }

    /**
     * The SID of the client's user, read by impersonating the client just long enough to open its token; the
     * calling thread always reverts, or this throws an Error rather than go on as the client.
     */
    String clientUserSid() throws Win32Exception {
        if (Advapi32.ImpersonateNamedPipeClient(handle) == 0) {
            throw new Win32Exception("ImpersonateNamedPipeClient(" + path + ")", Kernel32.lastError());
        }
        long token;
        try {
            if (Advapi32.OpenThreadToken(Kernel32.GetCurrentThread(), Advapi32.TOKEN_QUERY, 1,
                    scratch.address()) == 0) {
                throw new Win32Exception("OpenThreadToken", Kernel32.lastError());
            }
            token = scratch.view().getLong(0);
            NativeResources.handleOpened();
        } finally {
            if (Advapi32.RevertToSelf() == 0 && Advapi32.SetThreadToken(0L, 0L) == 0) {
                // Neither way back worked: the thread would go on as the client. An Error, which the completion
                // loop rethrows rather than logs, is the strongest stop Java offers here.
                throw new ImpersonationNotRevertedError("RevertToSelf failed after impersonating the client of "
                        + path + ": " + Win32Error.describe(Kernel32.lastError()) + "; this thread stops rather than "
                        + "go on as the client");
            }
        }
        try {
            return Advapi32.userSidOfToken(token);
        } finally {
            Win32Handle.close(token);
        }
    }

    /** RevertToSelf failed: the thread that impersonated a client cannot be trusted with anything else. */
    static final class ImpersonationNotRevertedError extends Error {
        private static final long serialVersionUID = 1L;

        ImpersonationNotRevertedError(String message) {
            super(message);
        }
    }

    /** The SID that owns the pipe object (who created it), read from this handle; null when none is named. */
    String ownerSid() throws Win32Exception {
        return Advapi32.ownerOf(handle);
    }

    @Override
    public String toString() {
        return "PipeHandle(" + path + (isOpen() ? "" : ", closed") + ')';
    }
}
