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

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs on both JVMs: available on Windows, unavailable with a reason elsewhere; classes load everywhere. */
class NamedPipeAvailabilityTest {
    @Test
    void availableExactlyOnWindows() {
        assertEquals(Platform.isWindows(), NamedPipe.isAvailable());
        if (Platform.isWindows()) {
            assertNull(NamedPipe.unavailabilityCause());
            NamedPipe.ensureAvailability();
        } else {
            assertNotNull(NamedPipe.unavailabilityCause());
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, NamedPipe::ensureAvailability);
            assertTrue(e.getMessage().contains("Windows"), e.getMessage());
            assertThrows(UnsatisfiedLinkError.class, NamedPipeEventLoopGroup::new);
        }
    }

    @Test
    void channelClassesLoadEverywhere() {
        assertNotNull(new NamedPipeChannel().config());
        assertNotNull(new NamedPipeServerChannel().config());
    }
}
