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
package dev.npipe.transport.win32;

import java.io.IOException;

/** A failed Win32 call: which call, on what, and the error code with its name. */
public class Win32Exception extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errorCode;

    /**
     * @param call   the Win32 function and its subject, e.g. {@code CreateFileW(\\.\pipe\x)}
     * @param errorCode the Win32 error it reported
     */
    public Win32Exception(String call, int errorCode) {
        super(call + " failed: " + Win32Error.describe(errorCode));
        this.errorCode = errorCode;
    }

    /** The Win32 error code. */
    public int errorCode() {
        return errorCode;
    }
}
