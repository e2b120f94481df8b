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
