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

import java.util.HashMap;
import java.util.Map;

/** Win32 error codes the transport meets, and their names for messages such as {@code ERROR_PIPE_BUSY (231)}. */
final class Win32Error {
    static final int ERROR_SUCCESS = 0;
    static final int ERROR_FILE_NOT_FOUND = 2;
    static final int ERROR_PATH_NOT_FOUND = 3;
    static final int ERROR_ACCESS_DENIED = 5;
    static final int ERROR_INVALID_HANDLE = 6;
    static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    static final int ERROR_HANDLE_EOF = 38;
    static final int ERROR_NOT_SUPPORTED = 50;
    static final int ERROR_BAD_NETPATH = 53;
    static final int ERROR_INVALID_PARAMETER = 87;
    static final int ERROR_BROKEN_PIPE = 109;
    static final int ERROR_SEM_TIMEOUT = 121;
    static final int ERROR_INVALID_NAME = 123;
    static final int ERROR_BAD_PATHNAME = 161;
    static final int ERROR_ALREADY_EXISTS = 183;
    static final int ERROR_BAD_PIPE = 230;
    static final int ERROR_PIPE_BUSY = 231;
    static final int ERROR_NO_DATA = 232;
    static final int ERROR_PIPE_NOT_CONNECTED = 233;
    static final int ERROR_MORE_DATA = 234;
    static final int WAIT_TIMEOUT = 258;
    static final int ERROR_PIPE_CONNECTED = 535;
    static final int ERROR_PIPE_LISTENING = 536;
    static final int ERROR_OPERATION_ABORTED = 995;
    static final int ERROR_IO_INCOMPLETE = 996;
    static final int ERROR_IO_PENDING = 997;
    static final int ERROR_NOT_FOUND = 1168;
    static final int ERROR_NO_SYSTEM_RESOURCES = 1450;
    static final int ERROR_INVALID_SECURITY_DESCR = 1338;

    private static final Map<Integer, String> NAMES = new HashMap<>();

    static {
        for (java.lang.reflect.Field field : Win32Error.class.getDeclaredFields()) {
            if (field.getType() == int.class && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                try {
                    NAMES.put(field.getInt(null), field.getName());
                } catch (IllegalAccessException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }
        }
    }

    private Win32Error() {
    }

    /**
     * {@code ERROR_PIPE_BUSY (231)} for 231; for a code without a name here, {@code Win32 error 1705} followed by
     * the system's own text for it.
     */
    static String describe(int code) {
        String name = NAMES.get(code);
        return name != null ? name + " (" + code + ")" : "Win32 error " + code + systemText(code);
    }

    /** {@code ERROR_PIPE_BUSY} for 231; {@code Win32 error 1705} for a code without a name here. */
    static String name(int code) {
        String name = NAMES.get(code);
        return name != null ? name : "Win32 error " + code;
    }

    private static String systemText(int code) {
        try {
            String text = com.sun.jna.platform.win32.Kernel32Util.formatMessage(code).trim();
            return text.isEmpty() ? "" : " (" + text + ")";
        } catch (Throwable t) {
            return ""; // not on Windows, or no text for this code
        }
    }
}
