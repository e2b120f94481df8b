package dev.npipe.transport.win32;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/** Direct-mapped ntdll entry points: completion packets carry NTSTATUS codes, callers want Win32 errors. */
public final class NtDll {
    /** The I/O has not completed yet ({@code STATUS_PENDING}); the kernel is still using the OVERLAPPED block. */
    public static final int STATUS_PENDING = 0x00000103;
    /** A message-mode read filled the buffer before the message ended (ERROR_MORE_DATA). */
    public static final int STATUS_BUFFER_OVERFLOW = 0x80000005;

    static {
        Native.register(NtDll.class, NativeLibrary.getInstance("ntdll"));
    }

    private NtDll() {
    }

    public static native int RtlNtStatusToDosError(int status);

    /** The Win32 error for a completion status: 0 for success, the mapped error otherwise. */
    public static int toWin32Error(int ntStatus) {
        if (ntStatus == 0) {
            return 0;
        }
        if (ntStatus == STATUS_BUFFER_OVERFLOW) {
            return Win32Error.ERROR_MORE_DATA;
        }
        return RtlNtStatusToDosError(ntStatus);
    }
}
