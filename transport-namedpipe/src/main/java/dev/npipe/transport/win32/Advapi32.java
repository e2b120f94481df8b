package dev.npipe.transport.win32;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32Util;

/** Direct-mapped advapi32 entry points for pipe security descriptors (none of them is on a hot path). */
public final class Advapi32 {
    private static final int SDDL_REVISION_1 = 1;
    private static final int SE_KERNEL_OBJECT = 6;
    private static final int PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
    private static final int TOKEN_QUERY = 0x0008;
    /** {@code DACL_SECURITY_INFORMATION}. */
    public static final int DACL_SECURITY_INFORMATION = 4;

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

    public static native int ImpersonateNamedPipeClient(long pipe);

    public static native int RevertToSelf();

    public static native int OpenThreadToken(long thread, int access, int openAsSelf, long token);

    static native int OpenProcessToken(long process, int access, long token);

    /**
     * The string SID of the user process {@code processId} runs as.
     *
     * @throws Win32Exception naming the call that failed
     */
    public static String userSidOfProcess(int processId) throws Win32Exception {
        long process = Kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, processId);
        if (process == 0L) {
            throw new Win32Exception("OpenProcess(" + processId + ")", Kernel32.lastError());
        }
        NativeBlock out = new NativeBlock(8);
        try {
            if (OpenProcessToken(process, TOKEN_QUERY, out.address()) == 0) {
                throw new Win32Exception("OpenProcessToken(" + processId + ")", Kernel32.lastError());
            }
            long token = out.view().getLong(0);
            try {
                return sidOfToken(token);
            } finally {
                Kernel32.CloseHandle(token);
            }
        } finally {
            out.free();
            Kernel32.CloseHandle(process);
        }
    }

    /** The string SID of the user a token belongs to. */
    public static String sidOfToken(long token) {
        return Advapi32Util.getTokenAccount(new com.sun.jna.platform.win32.WinNT.HANDLE(new Pointer(token))).sidString;
    }

    /** The string SID of the user this process runs as, e.g. {@code S-1-5-21-...}. */
    public static String currentUserSid() {
        return Advapi32Util.getTokenAccount(processToken()).sidString;
    }

    private static com.sun.jna.platform.win32.WinNT.HANDLE processToken() {
        com.sun.jna.platform.win32.WinNT.HANDLEByReference token = new com.sun.jna.platform.win32.WinNT.HANDLEByReference();
        if (!com.sun.jna.platform.win32.Advapi32.INSTANCE.OpenProcessToken(
                com.sun.jna.platform.win32.Kernel32.INSTANCE.GetCurrentProcess(),
                com.sun.jna.platform.win32.WinNT.TOKEN_QUERY, token)) {
            throw new IllegalStateException("OpenProcessToken failed: " + Win32Error.describe(Kernel32.lastError()));
        }
        return token.getValue();
    }

    /**
     * A SECURITY_ATTRIBUTES block for {@code sddl}, to pass to CreateNamedPipe and free right after.
     *
     * @throws IllegalArgumentException naming the SDDL and the Win32 error when Windows rejects it
     */
    public static SecurityAttributes securityAttributes(String sddl) {
        NativeBlock out = new NativeBlock(8);
        try {
            if (ConvertStringSecurityDescriptorToSecurityDescriptorW(Kernel32.wide(sddl), SDDL_REVISION_1,
                    out.address(), 0L) == 0) {
                throw new IllegalArgumentException("invalid security descriptor '" + sddl + "': "
                        + "ConvertStringSecurityDescriptorToSecurityDescriptorW failed: "
                        + Win32Error.describe(Kernel32.lastError()));
            }
            return new SecurityAttributes(out.view().getLong(0));
        } finally {
            out.free();
        }
    }

    /** The DACL of a kernel object handle as SDDL, e.g. {@code D:P(A;;FA;;;SY)}. */
    public static String daclOf(long handle) throws Win32Exception {
        NativeBlock out = new NativeBlock(16);
        try {
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
        } finally {
            out.free();
        }
    }

    /** SECURITY_ATTRIBUTES pointing at a LocalAlloc'ed security descriptor; {@link #free()} releases both. */
    public static final class SecurityAttributes {
        private final NativeBlock block = new NativeBlock(24);
        private final long descriptor;

        SecurityAttributes(long descriptor) {
            this.descriptor = descriptor;
            block.view().putInt(0, 24);
            block.view().putLong(8, descriptor);
        }

        /** The SECURITY_ATTRIBUTES address. */
        public long address() {
            return block.address();
        }

        public void free() {
            Kernel32.LocalFree(descriptor);
            block.free();
        }
    }
}
