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
import com.sun.jna.Pointer;

/**
 * Direct-mapped advapi32 entry points for pipe security and identity (none of them is on a hot path), and the
 * default pipe DACL.
 */
final class Advapi32 {
    private static final int SDDL_REVISION_1 = 1;
    private static final int SE_KERNEL_OBJECT = 6;
    static final int TOKEN_QUERY = 0x0008;
    static final int PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
    private static final int TOKEN_USER = 1;
    /** TOKEN_USER: a SID pointer, its attributes, then the SID itself (at most 68 bytes); 8 bytes for the size. */
    private static final int TOKEN_USER_BUFFER = 136;
    private static final int OWNER_SECURITY_INFORMATION = 1;
    /** {@code DACL_SECURITY_INFORMATION}. */
    static final int DACL_SECURITY_INFORMATION = 4;

    /** {@link #defaultPipeSddl()}, made once. */
    private static volatile String defaultPipeSddl;

    static {
        Native.register(Advapi32.class, NativeLibrary.getInstance("advapi32"));
    }

    private Advapi32() {
    }

    static native int ConvertStringSecurityDescriptorToSecurityDescriptorW(char[] sddl, int revision,
                                                                            long securityDescriptor, long size);

    static native int ConvertSecurityDescriptorToStringSecurityDescriptorW(long securityDescriptor, int revision,
                                                                            int information, long sddl, long length);

    static native int GetSecurityInfo(long handle, int objectType, int information, long owner, long group,
                                      long dacl, long sacl, long securityDescriptor);

    static native int ImpersonateNamedPipeClient(long pipe);

    static native int RevertToSelf();

    /** With both arguments 0: the calling thread stops impersonating (the other way to revert). */
    static native int SetThreadToken(long thread, long token);

    static native int OpenThreadToken(long thread, int access, int openAsSelf, long token);

    static native int OpenProcessToken(long process, int access, long token);

    static native int GetTokenInformation(long token, int infoClass, long info, int length, long returnLength);

    static native int ConvertSidToStringSidW(long sid, long stringSid);

    /**
     * The string SID of the user a token belongs to. Read from the token and converted as it is: no account
     * look-up, so nothing here can wait on a domain controller.
     *
     * @throws Win32Exception naming the call that failed
     */
    static String userSidOfToken(long token) throws Win32Exception {
        try (NativeBlock.Scoped info = NativeBlock.scoped(TOKEN_USER_BUFFER)) {
            if (GetTokenInformation(token, TOKEN_USER, info.address(), TOKEN_USER_BUFFER - 8,
                    info.address() + TOKEN_USER_BUFFER - 8) == 0) {
                throw new Win32Exception("GetTokenInformation(TokenUser)", Kernel32.lastError());
            }
            return sidToString(info.view().getLong(0)); // TOKEN_USER starts with the SID's address
        }
    }

    /** The string form ({@code S-1-...}) of the SID at {@code sid}. */
    static String sidToString(long sid) throws Win32Exception {
        try (NativeBlock.Scoped out = NativeBlock.scoped(8)) {
            if (ConvertSidToStringSidW(sid, out.address()) == 0) {
                throw new Win32Exception("ConvertSidToStringSidW", Kernel32.lastError());
            }
            long text = out.view().getLong(0);
            try {
                return new Pointer(text).getWideString(0);
            } finally {
                Kernel32.LocalFree(text);
            }
        }
    }

    /**
     * The string SID of the user this process runs as, e.g. {@code S-1-5-21-...}. The token it opens is counted
     * by {@link NativeResources} and closed before returning.
     *
     * @throws IllegalStateException naming the Win32 error when Windows cannot tell
     */
    static String currentUserSid() {
        try {
            return userSidOfProcess(Kernel32.GetCurrentProcess(), "this process");
        } catch (Win32Exception e) {
            throw new IllegalStateException("cannot tell which user this process runs as: " + e.getMessage(), e);
        }
    }

    /**
     * The string SID of the user process {@code processId} runs as, read from its process token
     * (PROCESS_QUERY_LIMITED_INFORMATION, TOKEN_QUERY). Windows grants that for one's own processes and, to
     * administrators, others'. Both handles are counted and closed before returning.
     *
     * @throws Win32Exception naming the call that failed, e.g. ERROR_ACCESS_DENIED for another user's process
     */
    static String userSidOfProcess(int processId) throws Win32Exception {
        long process = Kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, processId);
        if (process == 0L) {
            throw new Win32Exception("OpenProcess(" + processId + ")", Kernel32.lastError());
        }
        NativeResources.handleOpened();
        try {
            return userSidOfProcess(process, "process " + processId);
        } finally {
            Win32Handle.close(process);
        }
    }

    private static String userSidOfProcess(long process, String which) throws Win32Exception {
        try (NativeBlock.Scoped out = NativeBlock.scoped(8)) {
            if (OpenProcessToken(process, TOKEN_QUERY, out.address()) == 0) {
                throw new Win32Exception("OpenProcessToken(" + which + ")", Kernel32.lastError());
            }
            long token = out.view().getLong(0);
            NativeResources.handleOpened();
            try {
                return userSidOfToken(token);
            } finally {
                Win32Handle.close(token);
            }
        }
    }

    /**
     * The string SID of the owner of a kernel object, read from its handle (GetSecurityInfo with
     * OWNER_SECURITY_INFORMATION; the handle needs READ_CONTROL). No process is opened and no name looked up.
     * Null when the descriptor names no owner.
     */
    static String ownerOf(long handle) throws Win32Exception {
        try (NativeBlock.Scoped out = NativeBlock.scoped(16)) {
            int error = GetSecurityInfo(handle, SE_KERNEL_OBJECT, OWNER_SECURITY_INFORMATION, out.address(), 0L,
                    0L, 0L, out.address() + 8);
            if (error != 0) {
                throw new Win32Exception("GetSecurityInfo(OWNER_SECURITY_INFORMATION)", error);
            }
            long descriptor = out.view().getLong(8);
            try {
                long owner = out.view().getLong(0); // points into the descriptor; null when it names no owner
                return owner == 0L ? null : sidToString(owner);
            } finally {
                Kernel32.LocalFree(descriptor);
            }
        }
    }

    /**
     * The default pipe DACL. Owned by the user this process runs as (also when elevated, where Windows would pick
     * Administrators), so REQUIRED_SERVER_USER can name that user; full access (FILE_ALL_ACCESS) for SYSTEM,
     * Administrators and that user; a protected DACL (no inherited entries), so Everyone and anonymous logons get
     * nothing.
     */
    static String defaultPipeSddl() {
        String sddl = defaultPipeSddl;
        if (sddl == null) {
            String user = currentUserSid();
            sddl = "O:" + user + "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;" + user + ")";
            defaultPipeSddl = sddl;
        }
        return sddl;
    }

    /** Throws IllegalArgumentException with the Win32 error when Windows rejects {@code sddl}. */
    static void validateSddl(String sddl) {
        NamedPipe.ensureAvailability();
        securityAttributes(sddl).free();
    }

    /**
     * A SECURITY_ATTRIBUTES block for {@code sddl}, to pass to CreateNamedPipe and free right after.
     *
     * @throws IllegalArgumentException naming the SDDL and the Win32 error when Windows rejects it
     */
    static SecurityAttributes securityAttributes(String sddl) {
        try (NativeBlock.Scoped out = NativeBlock.scoped(8)) {
            if (ConvertStringSecurityDescriptorToSecurityDescriptorW(Kernel32.wide(sddl), SDDL_REVISION_1,
                    out.address(), 0L) == 0) {
                throw new IllegalArgumentException("invalid security descriptor '" + sddl + "': "
                        + "ConvertStringSecurityDescriptorToSecurityDescriptorW failed: "
                        + Win32Error.describe(Kernel32.lastError()));
            }
            return new SecurityAttributes(out.view().getLong(0));
        }
    }

    /** The DACL of a kernel object handle as SDDL, e.g. {@code D:P(A;;FA;;;SY)}. */
    static String daclOf(long handle) throws Win32Exception {
        try (NativeBlock.Scoped out = NativeBlock.scoped(16)) {
            int error = GetSecurityInfo(handle, SE_KERNEL_OBJECT, DACL_SECURITY_INFORMATION, 0L, 0L, 0L, 0L,
                    out.address());
            if (error != 0) {
                throw new Win32Exception("GetSecurityInfo", error);
            }
            long descriptor = out.view().getLong(0);
            try {
                if (ConvertSecurityDescriptorToStringSecurityDescriptorW(descriptor, SDDL_REVISION_1,
                        DACL_SECURITY_INFORMATION, out.address() + 8, 0L) == 0) {
                    throw new Win32Exception("ConvertSecurityDescriptorToStringSecurityDescriptorW",
                            Kernel32.lastError());
                }
                long text = out.view().getLong(8);
                try {
                    return new Pointer(text).getWideString(0);
                } finally {
                    Kernel32.LocalFree(text);
                }
            } finally {
                Kernel32.LocalFree(descriptor);
            }
        }
    }

    /** SECURITY_ATTRIBUTES pointing at a LocalAlloc'ed security descriptor; {@link #free()} releases both. */
    static final class SecurityAttributes {
        private final NativeBlock block = new NativeBlock(24);
        private final long descriptor;

        SecurityAttributes(long descriptor) {
            this.descriptor = descriptor;
            block.view().putInt(0, 24);
            block.view().putLong(8, descriptor);
        }

        /** The SECURITY_ATTRIBUTES address. */
        long address() {
            return block.address();
        }

        void free() {
            Kernel32.LocalFree(descriptor);
            block.free();
        }
    }
}
