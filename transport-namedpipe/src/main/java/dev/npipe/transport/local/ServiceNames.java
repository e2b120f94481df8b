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
package dev.npipe.transport.local;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The rules for a service's logical name, and the socket file it names: one name that is a valid pipe name and file
 * name on every system, and a socket path within the system's limit.
 */
final class ServiceNames {
    /** What a logical name may be made of, so that it is a valid pipe name and file name everywhere. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}");
    private static final String SOCKET_SUFFIX = ".sock";

    private ServiceNames() {
    }

    static void check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("local pipe name '" + name + "' is not valid: use 1 to 80 letters,"
                    + " digits, '.', '_' or '-', not starting with '.'");
        }
    }

    /** {@code <directory>/name.sock}, refused when longer than a socket address holds (sun_path, Linux or macOS). */
    static Path socketFile(Path directory, String name) {
        Path file = directory.resolve(name + SOCKET_SUFFIX);
        int limit = System.getProperty("os.name", "").startsWith("Mac") ? 103 : 107;
        int length = file.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > limit) {
            throw new IllegalArgumentException("socket path " + file + " is " + length + " bytes long; this system"
                    + " allows " + limit + ": use a shorter name, or a shorter directory with withSocketDirectory");
        }
        return file;
    }
}
