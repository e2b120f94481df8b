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

import java.net.SocketAddress;
import java.util.Locale;

/**
 * The address of a Windows named pipe: {@code \\.\pipe\name} on this machine or {@code \\server\pipe\name} on
 * another. A bare {@code name} means {@code \\.\pipe\name}. Pipe names are case-insensitive, and so are
 * {@link #equals(Object)} and {@link #hashCode()}.
 *
 * <p>A name that Win32 would turn into another name on the way to the kernel is refused, so that a client never
 * reaches a pipe it did not name. The name (the part after {@code \pipe\}) must not be empty and must not contain
 * a backslash, a {@code /} (Win32 makes it a backslash) or a control character (NUL would end the name there, the
 * others some APIs refuse), nor end with a dot or a space (Win32 drops them); the full path is at most
 * {@value #MAX_PATH_LENGTH} characters.
 */
public final class NamedPipeAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;
    /** The longest full pipe path Windows accepts. */
    public static final int MAX_PATH_LENGTH = 256;

    /** The full path, {@code \\server\pipe\name}. */
    private final String path;
    /** The server part of the path, {@code .} for this machine. */
    private final String server;
    /** The pipe's name, after {@code \pipe\}. */
    private final String name;

    /**
     * @param pathOrName {@code \\.\pipe\name}, {@code \\server\pipe\name}, or a bare {@code name}
     * @throws IllegalArgumentException naming the rule the name breaks
     */
    public NamedPipeAddress(String pathOrName) {
        if (pathOrName == null) {
            throw new IllegalArgumentException("pipe name must not be null");
        }
        if (pathOrName.startsWith("\\\\")) {
            int serverEnd = pathOrName.indexOf('\\', 2);
            if (serverEnd <= 2) {
                throw new IllegalArgumentException("pipe path '" + pathOrName
                        + "' has no server part: expected \\\\.\\pipe\\name or \\\\server\\pipe\\name");
            }
            String pipeDir = "\\pipe\\";
            if (!pathOrName.regionMatches(true, serverEnd, pipeDir, 0, pipeDir.length())) {
                throw new IllegalArgumentException("pipe path '" + pathOrName
                        + "' must continue with \\pipe\\ after the server name");
            }
            server = pathOrName.substring(2, serverEnd);
            name = pathOrName.substring(serverEnd + pipeDir.length());
        } else {
            if (pathOrName.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("pipe name '" + pathOrName + "' contains a backslash: give a bare"
                        + " name or a full path starting with \\\\");
            }
            server = ".";
            name = pathOrName;
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("pipe name in '" + pathOrName + "' is empty");
        }
        if (name.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("pipe name '" + name + "' in '" + pathOrName
                    + "' contains a backslash, which Windows does not allow in a pipe name");
        }
        checkCharacters(pathOrName, name);
        path = "\\\\" + server + "\\pipe\\" + name;
        if (path.length() > MAX_PATH_LENGTH) {
            throw new IllegalArgumentException("pipe path '" + path + "' is " + path.length()
                    + " characters long; Windows allows at most " + MAX_PATH_LENGTH);
        }
    }

    /**
     * Refuses what Win32 would cut off or change on the way to the kernel, so that a client never reaches a pipe
     * of another name: NUL ends the string there, other control characters are refused by some APIs and invisible
     * in logs, {@code /} becomes a backslash, and a trailing dot or space is dropped.
     */
    private static void checkCharacters(String pathOrName, String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("pipe name in '" + printable(pathOrName) + "' has the control "
                        + "character U+" + String.format("%04X", (int) c) + " at index " + i + " of the name"
                        + (c == 0 ? " (Win32 would end the name there and open another pipe)" : ""));
            }
            if (c == '/') {
                throw new IllegalArgumentException("pipe name '" + name + "' has '/' at index " + i
                        + ", which Win32 turns into a backslash, making it another name");
            }
        }
        char last = name.charAt(name.length() - 1);
        if (last == '.' || last == ' ') {
            throw new IllegalArgumentException("pipe name '" + name + "' ends with '" + last + "' at index "
                    + (name.length() - 1) + ", which Win32 drops, making it another name");
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    /** {@return the full path, e.g. {@code \\.\pipe\name}} */
    public String path() {
        return path;
    }

    /** {@return the server part: {@code .} for this machine} */
    public String server() {
        return server;
    }

    /** {@return the pipe name after {@code \pipe\}} */
    public String name() {
        return name;
    }

    /** {@return true when the pipe is on this machine ({@code \\.\pipe\...})} */
    public boolean isLocal() {
        return ".".equals(server);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedPipeAddress && ((NamedPipeAddress) o).path.equalsIgnoreCase(path);
    }

    @Override
    public int hashCode() {
        return path.toLowerCase(Locale.ROOT).hashCode();
    }

    @Override
    public String toString() {
        return path;
    }
}
