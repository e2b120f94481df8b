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

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamedPipeAddressTest {
    @Test
    void bareNameIsLocalPipe() {
        NamedPipeAddress address = new NamedPipeAddress("my-service");
        assertEquals("\\\\.\\pipe\\my-service", address.path());
        assertEquals("my-service", address.name());
        assertEquals(".", address.server());
        assertTrue(address.isLocal());
        assertEquals(address.path(), address.toString());
    }

    @Test
    void fullLocalPath() {
        NamedPipeAddress address = new NamedPipeAddress("\\\\.\\pipe\\a.b-c_d");
        assertEquals("a.b-c_d", address.name());
        assertTrue(address.isLocal());
    }

    @Test
    void remotePath() {
        NamedPipeAddress address = new NamedPipeAddress("\\\\build-host\\pipe\\svc");
        assertEquals("build-host", address.server());
        assertEquals("svc", address.name());
        assertFalse(address.isLocal());
    }

    @Test
    void pipeDirectoryIsCaseInsensitive() {
        assertEquals("svc", new NamedPipeAddress("\\\\.\\PIPE\\svc").name());
    }

    @Test
    void equalityIgnoresCase() {
        NamedPipeAddress a = new NamedPipeAddress("\\\\.\\pipe\\MyService");
        NamedPipeAddress b = new NamedPipeAddress("myservice");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new NamedPipeAddress("other"));
        assertNotEquals(a, new NamedPipeAddress("\\\\host\\pipe\\MyService"));
    }

    @Test
    void longestAllowedPath() {
        String name = "x".repeat(NamedPipeAddress.MAX_PATH_LENGTH - "\\\\.\\pipe\\".length());
        assertEquals(NamedPipeAddress.MAX_PATH_LENGTH, new NamedPipeAddress(name).path().length());
    }

    @Test
    void rejectsTooLongPath() {
        String name = "x".repeat(NamedPipeAddress.MAX_PATH_LENGTH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NamedPipeAddress(name));
        assertTrue(e.getMessage().contains("at most 256"), e.getMessage());
    }

    @Test
    void rejectsBackslashInBareName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NamedPipeAddress("a\\b"));
        assertTrue(e.getMessage().contains("backslash"), e.getMessage());
    }

    @Test
    void rejectsBackslashInPipeNamePart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NamedPipeAddress("\\\\.\\pipe\\a\\b"));
        assertTrue(e.getMessage().contains("backslash"), e.getMessage());
    }

    @Test
    void rejectsEmptyName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NamedPipeAddress(""))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NamedPipeAddress("\\\\.\\pipe\\"))
                .getMessage().contains("empty"));
    }

    @Test
    void rejectsMissingPipeDirectory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NamedPipeAddress("\\\\.\\mailslot\\x"));
        assertTrue(e.getMessage().contains("\\pipe\\"), e.getMessage());
    }

    @Test
    void rejectsMissingServer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NamedPipeAddress("\\\\\\pipe\\x"));
        assertTrue(e.getMessage().contains("server"), e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> new NamedPipeAddress(null));
    }

    /** Defect: a name with NUL was accepted; Win32 cut it there, so a client of the shorter name got this server. */
    @Test
    void nulAndOtherControlCharactersAreRefusedNamingWhereTheyAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NamedPipeAddress("svc\u0000evil"));
        assertTrue(e.getMessage().contains("U+0000") && e.getMessage().contains("index 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NamedPipeAddress("\\\\.\\pipe\\a\tb"));
        assertTrue(e.getMessage().contains("U+0009") && e.getMessage().contains("index 1"), e.getMessage());
    }

    @Test
    void namesWin32WouldChangeAreRefused() {
        IllegalArgumentException slash = assertThrows(IllegalArgumentException.class,
                () -> new NamedPipeAddress("a/b"));
        assertTrue(slash.getMessage().contains("'/' at index 1"), slash.getMessage());
        for (String name : new String[] {"trailing.", "trailing "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NamedPipeAddress(name));
            assertTrue(e.getMessage().contains("index 8"), e.getMessage());
        }
        assertEquals("a.b c", new NamedPipeAddress("a.b c").name(), "dots and spaces inside a name are fine");
    }
}
