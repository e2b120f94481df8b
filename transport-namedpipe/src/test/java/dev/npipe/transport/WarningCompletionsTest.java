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

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rule the transport follows for a read that ends at once with ERROR_MORE_DATA under
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is the rule of the system it runs on, as the probe measured it: Windows 8 and
 * later queue a packet (a warning is not NT_SUCCESS), Wine does as Windows 7 and queues none; in the test mode that
 * emulates Windows 8+ under Wine the probe sees the emulated packet.
 */
@Tag("win32")
class WarningCompletionsTest {
    @Test
    void theProbeMeasuresTheRuleOfThisSystem() {
        WarningCompletions.Rule expected;
        String system;
        if (WarningCompletions.EMULATE_WINDOWS_8) {
            expected = WarningCompletions.Rule.QUEUED;
            system = "Wine with Windows 8's rule emulated";
        } else if (dev.npipe.transport.PipeTestSupport.isWine()) {
            expected = WarningCompletions.Rule.NOT_QUEUED;
            system = "Wine (Windows 7's rule)";
        } else {
            expected = WarningCompletions.Rule.QUEUED;
            system = "Windows " + System.getProperty("os.version") + " (Java 17 runs on 8.1 and later)";
        }
        assertEquals(expected, WarningCompletions.rule(), "the rule measured on " + system);
        assertEquals(expected == WarningCompletions.Rule.QUEUED, WarningCompletions.queued());
    }
}
