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


/** The default pipe DACL, and SDDL validation. */
final class PipeSecurity {
    private static volatile String defaultSddl;

    private PipeSecurity() {
    }

    /**
     * Owned by the user this process runs as (also when elevated, where Windows would pick Administrators), so
     * REQUIRED_SERVER_USER can name that user; full access (FILE_ALL_ACCESS) for SYSTEM, Administrators and that
     * user; a protected DACL (no inherited entries), so Everyone and anonymous logons get nothing.
     */
    static String defaultSddl() {
        String sddl = defaultSddl;
        if (sddl == null) {
            String user = Advapi32.currentUserSid();
            sddl = "O:" + user + "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;" + user + ")";
            defaultSddl = sddl;
        }
        return sddl;
    }

    /** Throws IllegalArgumentException with the Win32 error when Windows rejects {@code sddl}. */
    static void validate(String sddl) {
        NamedPipe.ensureAvailability();
        Advapi32.securityAttributes(sddl).free();
    }
}
