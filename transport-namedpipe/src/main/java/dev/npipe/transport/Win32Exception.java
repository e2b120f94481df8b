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

import java.io.IOException;

/**
 * A Win32 call of the transport failed: the message names the call, its subject and the error, e.g.
 * {@code CreateFileW(\\.\pipe\x) failed: ERROR_PIPE_BUSY (231)}.
 *
 * <p>It is the cause of every bind and connect failure of a named-pipe channel, and the type of its read and write
 * errors (a peer that has gone shows as {@code ERROR_BROKEN_PIPE (109)} or {@code ERROR_NO_DATA (232)}). Code that
 * must tell errors apart reads {@link #errorCode()}, the code of
 * <a href="https://learn.microsoft.com/windows/win32/debug/system-error-codes">Windows' system error codes</a>.
 */
public final class Win32Exception extends IOException {
    private static final long serialVersionUID = 1L;

    /** The Win32 error code. */
    private final int errorCode;

    /**
     * @param call      the Win32 function and its subject, e.g. {@code CreateFileW(\\.\pipe\x)}
     * @param errorCode the Win32 error it reported
     */
    Win32Exception(String call, int errorCode) {
        super(call + " failed: " + Win32Error.describe(errorCode));
        this.errorCode = errorCode;
    }

    /**
     * {@return the Win32 error code, e.g. {@code 231} for {@code ERROR_PIPE_BUSY}}
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * {@return the error's symbolic name, e.g. {@code ERROR_PIPE_BUSY}, for the codes the transport knows; otherwise
     * {@code Win32 error} and the code}
     */
    public String errorName() {
        return Win32Error.name(errorCode);
    }
}
