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

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens and closes counted Win32 handles. Every handle the transport creates goes through here, so
 * {@link NativeResources#openHandles()} tells whether any was left open.
 */
final class Win32Handle {
    /**
     * The server-end pipe instances this process holds, by handle: the pipe's path in lower case (pipe names are
     * case-insensitive). Windows keeps a name while any instance of it exists, and refuses FILE_FLAG_FIRST_PIPE_INSTANCE
     * for it meanwhile; Wine does not enforce the flag.
     */
    private static final Map<Long, String> INSTANCES = new ConcurrentHashMap<>();

    private Win32Handle() {
    }

    /** {@return how many server-end instances of the pipe at {@code path} this process holds open} */
    static int openInstances(String path) {
        String key = path.toLowerCase(Locale.ROOT);
        int count = 0;
        for (String name : INSTANCES.values()) {
            if (name.equals(key)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Creates one instance of a named pipe, overlapped.
     *
     * @throws Win32Exception naming the pipe and the error when CreateNamedPipeW fails
     */
    static long createNamedPipe(String path, int openMode, int pipeMode, int maxInstances, int outBufferSize,
                                       int inBufferSize, int defaultTimeoutMillis, long securityAttributes)
            throws Win32Exception {
        String key = path.toLowerCase(Locale.ROOT);
        if ((openMode & Kernel32.FILE_FLAG_FIRST_PIPE_INSTANCE) != 0 && INSTANCES.containsValue(key)) {
            // Windows refuses this while any instance of the name exists; Wine lets it through. Refused here on
            // every Win32 for the instances this process holds, so Windows' rule holds under Wine too.
            throw new Win32Exception("CreateNamedPipeW(" + path + ") with FILE_FLAG_FIRST_PIPE_INSTANCE while this "
                    + "process holds " + openInstances(path) + " instance(s) of the name", Win32Error.ERROR_ACCESS_DENIED);
        }
        long handle = Kernel32.CreateNamedPipeW(Kernel32.wide(path), openMode | Kernel32.FILE_FLAG_OVERLAPPED,
                pipeMode, maxInstances, outBufferSize, inBufferSize, defaultTimeoutMillis, securityAttributes);
        if (handle == Kernel32.INVALID_HANDLE_VALUE) {
            throw new Win32Exception("CreateNamedPipeW(" + path + ")", Kernel32.lastError());
        }
        NativeResources.handleOpened();
        INSTANCES.put(handle, key);
        return handle;
    }

    /**
     * Opens the client end of a pipe with {@code access}, overlapped, allowing the server only to identify (not
     * impersonate) us.
     *
     * @return the handle, or the negated Win32 error when the pipe is busy, absent or refuses us
     */
    static long openPipe(String path, int access) {
        long handle = Kernel32.CreateFileW(Kernel32.wide(path), access, 0, 0L, Kernel32.OPEN_EXISTING,
                Kernel32.FILE_FLAG_OVERLAPPED | Kernel32.SECURITY_SQOS_PRESENT | Kernel32.SECURITY_IDENTIFICATION, 0L);
        if (handle == Kernel32.INVALID_HANDLE_VALUE) {
            return -Math.max(1, Kernel32.lastError());
        }
        NativeResources.handleOpened();
        return handle;
    }

    /** Creates a completion port that one thread dequeues from. */
    static long createCompletionPort() throws Win32Exception {
        long port = Kernel32.CreateIoCompletionPort(Kernel32.INVALID_HANDLE_VALUE, 0L, 0L, 1);
        if (port == 0L) {
            throw new Win32Exception("CreateIoCompletionPort", Kernel32.lastError());
        }
        NativeResources.handleOpened();
        return port;
    }

    /** Closes a handle this class opened; call exactly once per handle. */
    static void close(long handle) {
        INSTANCES.remove(handle); // first: once closed, the value may be reused by another thread's new handle
        if (Kernel32.CloseHandle(handle) != 0) {
            NativeResources.handleClosed();
        }
    }
}
