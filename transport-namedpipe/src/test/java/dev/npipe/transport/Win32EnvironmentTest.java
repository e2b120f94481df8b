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

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Proves the Win32 suite (scripts/win32-suite.sh) really runs on a Windows JVM, with
 * Netty's leak detector at PARANOID. Tagged win32, so the Linux surefire run skips it.
 */
@Tag("win32")
class Win32EnvironmentTest {

    @Test
    void runsOnWindowsJvmWithParanoidLeakDetection() {
        String os = System.getProperty("os.name");
        assertAll(
                () -> assertTrue(os.startsWith("Windows"), "os.name = " + os),
                () -> assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel()));
    }
}
