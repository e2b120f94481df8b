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

/** Direct-mapped ntdll entry points: completion packets carry NTSTATUS codes, callers want Win32 errors. */
final class NtDll {
    /** The I/O has not completed yet ({@code STATUS_PENDING}); the kernel is still using the OVERLAPPED block. */
    static final int STATUS_PENDING = 0x00000103;
    /** A message-mode read filled the buffer before the message ended (ERROR_MORE_DATA). */
    static final int STATUS_BUFFER_OVERFLOW = 0x80000005;

    static {
        Native.register(NtDll.class, NativeLibrary.getInstance("ntdll"));
    }

    private NtDll() {
    }

    /** {@code FileReplaceCompletionInformation}: moves a handle to another completion port (Windows 8.1+). */
    static final int FILE_REPLACE_COMPLETION_INFORMATION = 61;

    static native int RtlNtStatusToDosError(int status);

    static native int NtSetInformationFile(long file, long ioStatusBlock, long information, int length,
                                                  int informationClass);

    /**
     * Moves {@code file}'s completions to {@code port}. Returns the NTSTATUS: 0 on success; an error where the
     * system does not support it, and then completions keep going to the old port.
     */
    static int replaceCompletionPort(long file, long port) {
        try (NativeBlock.Scoped block = NativeBlock.scoped(32)) { // IO_STATUS_BLOCK, then FILE_COMPLETION_INFORMATION
            block.view().putLong(16, port);
            block.view().putLong(24, 0L);
            return NtSetInformationFile(file, block.address(), block.address() + 16, 16,
                    FILE_REPLACE_COMPLETION_INFORMATION);
        }
    }

    /** The Win32 error for a completion status: 0 for success, the mapped error otherwise. */
    static int toWin32Error(int ntStatus) {
        if (ntStatus == 0) {
            return 0;
        }
        if (ntStatus == STATUS_BUFFER_OVERFLOW) {
            return Win32Error.ERROR_MORE_DATA;
        }
        return RtlNtStatusToDosError(ntStatus);
    }
}
