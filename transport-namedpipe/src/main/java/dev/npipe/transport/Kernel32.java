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
import com.sun.jna.NativeLibrary;

/**
 * Direct-mapped kernel32 entry points used by the transport.
 *
 * <p>Every argument is a primitive or a primitive array, so a call marshals no {@code Structure}: handles and
 * pointers are {@code long}, wide strings are NUL-terminated {@code char[]}, {@code BOOL} results are {@code int}.
 * Read the error of a failed call with {@link #lastError()} (JNA saves it right after the call, before the JVM can
 * overwrite it).
 */
final class Kernel32 {
    /** The value of {@code INVALID_HANDLE_VALUE}. */
    static final long INVALID_HANDLE_VALUE = -1L;
    /** {@code INFINITE} for wait time-outs. */
    static final int INFINITE = -1;

    static final int GENERIC_READ = 0x80000000;
    static final int GENERIC_WRITE = 0x40000000;
    static final int FILE_WRITE_ATTRIBUTES = 0x0100;
    static final int OPEN_EXISTING = 3;
    static final int FILE_FLAG_OVERLAPPED = 0x40000000;
    static final int FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000;
    static final int SECURITY_SQOS_PRESENT = 0x00100000;
    static final int SECURITY_IDENTIFICATION = 0x00010000;

    static final int PIPE_ACCESS_DUPLEX = 0x00000003;
    static final int PIPE_TYPE_BYTE = 0x00000000;
    static final int PIPE_TYPE_MESSAGE = 0x00000004;
    static final int PIPE_READMODE_BYTE = 0x00000000;
    static final int PIPE_READMODE_MESSAGE = 0x00000002;
    static final int PIPE_WAIT = 0x00000000;
    static final int PIPE_REJECT_REMOTE_CLIENTS = 0x00000008;
    static final int PIPE_UNLIMITED_INSTANCES = 255;
    /** SetFileCompletionNotificationModes: an operation that succeeds at once queues no completion. */
    static final byte FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 0x1;
    /** SetFileCompletionNotificationModes: the handle is not signalled when an operation completes. */
    static final byte FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;

    /**
     * Bytes of an OVERLAPPED_ENTRY, as GetQueuedCompletionStatusEx fills them: lpCompletionKey at 0, lpOverlapped
     * at 8, Internal at 16, dwNumberOfBytesTransferred at 24.
     */
    static final int OVERLAPPED_ENTRY_SIZE = 32;

    static {
        Native.register(Kernel32.class, NativeLibrary.getInstance("kernel32"));
    }

    private Kernel32() {
    }

    /** The Win32 error JNA saved after the last native call on this thread. */
    static int lastError() {
        return Native.getLastError();
    }

    static native long CreateIoCompletionPort(long fileHandle, long existingPort, long key, int threads);

    static native int GetQueuedCompletionStatusEx(long port, long entries, int count, long removed,
                                                         int timeoutMillis, int alertable);

    static native int PostQueuedCompletionStatus(long port, int bytes, long key, long overlapped);

    static native long CreateNamedPipeW(char[] name, int openMode, int pipeMode, int maxInstances,
                                               int outBufferSize, int inBufferSize, int defaultTimeout,
                                               long securityAttributes);

    static native int ConnectNamedPipe(long pipe, long overlapped);

    static native int DisconnectNamedPipe(long pipe);

    static native long CreateFileW(char[] name, int access, int shareMode, long securityAttributes,
                                          int creationDisposition, int flags, long template);

    static native int ReadFile(long file, long buffer, int length, long bytesRead, long overlapped);

    static native int WriteFile(long file, long buffer, int length, long bytesWritten, long overlapped);

    static native int SetFileCompletionNotificationModes(long file, byte flags);

    static native int CancelIoEx(long file, long overlapped);

    static native int CloseHandle(long handle);

    static native int FlushFileBuffers(long file);

    static native int SetNamedPipeHandleState(long pipe, long mode, long maxCollectionCount,
                                                     long collectDataTimeout);

    static native int GetNamedPipeInfo(long pipe, long flags, long outBufferSize, long inBufferSize,
                                              long maxInstances);

    static native int PeekNamedPipe(long pipe, long buffer, int length, long bytesRead, long totalAvailable,
                                           long bytesLeftThisMessage);

    static native int WaitNamedPipeW(char[] name, int timeoutMillis);

    static native long GetCurrentProcess();

    static native int GetCurrentProcessId();

    static native int GetProcessHandleCount(long process, long count);

    static native long LocalFree(long memory);

    static native long GetCurrentThread();

    static native long OpenProcess(int access, int inheritHandle, int processId);

    static native int GetNamedPipeClientProcessId(long pipe, long processId);

    static native int GetNamedPipeClientSessionId(long pipe, long sessionId);

    static native int GetNamedPipeServerProcessId(long pipe, long processId);

    static native int ProcessIdToSessionId(int processId, long sessionId);

    /** Moves memory between two native addresses; used to read a block the caller only has the address of. */
    static native void RtlMoveMemory(long destination, long source, long length);

    /** {@return lpOverlapped of OVERLAPPED_ENTRY {@code i} in {@code entries}} 0 for a packet posted with none. */
    static long entryOverlapped(NativeBlock entries, int i) {
        return entries.view().getLong(i * OVERLAPPED_ENTRY_SIZE + 8);
    }

    /** {@return dwNumberOfBytesTransferred of OVERLAPPED_ENTRY {@code i} in {@code entries}} */
    static int entryBytes(NativeBlock entries, int i) {
        return entries.view().getInt(i * OVERLAPPED_ENTRY_SIZE + 24);
    }

    /** {@code name} as a NUL-terminated UTF-16 string for the {@code W} entry points. */
    static char[] wide(String name) {
        char[] chars = new char[name.length() + 1];
        name.getChars(0, name.length(), chars, 0);
        return chars;
    }
}
