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
package dev.npipe.transport.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What the fault and load suite did, added up across its tests and printed once at the end. */
final class FaultLedger {
    static final AtomicLong CONNECTIONS = new AtomicLong();
    static final AtomicLong MESSAGES = new AtomicLong();
    static final AtomicLong BYTES = new AtomicLong();
    static final AtomicLong LOST = new AtomicLong();
    static final AtomicLong REORDERED = new AtomicLong();
    static final AtomicLong FAULTS = new AtomicLong();
    static final AtomicLong BAD_INPUTS = new AtomicLong();
    private static final List<String> SCALED = new ArrayList<>();
    private static final List<String> RESOURCES = new ArrayList<>();

    private FaultLedger() {
    }

    /** A count the suite ran below the figure it stands for, and why. */
    static synchronized void scaled(String what, long full, long used, String reason) {
        if (used < full) {
            SCALED.add(what + ": " + used + " of " + full + " (" + reason + ")");
        }
    }

    /** Handles and native blocks before and after one test. */
    static synchronized void resources(String test, long handlesBefore, long handlesAfter, long blocksBefore,
                                       long blocksAfter) {
        RESOURCES.add(String.format("    %-50s handles %d -> %d, native blocks %d -> %d", test, handlesBefore,
                handlesAfter, blocksBefore, blocksAfter));
    }

    static synchronized String summary(boolean soak) {
        StringBuilder out = new StringBuilder();
        out.append("Fault and load suite summary (").append(soak ? "soak" : "CI scale").append(")\n");
        out.append("  connections held:   ").append(CONNECTIONS.get()).append('\n');
        out.append("  messages moved:     ").append(MESSAGES.get()).append('\n');
        out.append("  bytes moved:        ").append(BYTES.get()).append('\n');
        out.append("  lost:               ").append(LOST.get()).append('\n');
        out.append("  reordered:          ").append(REORDERED.get()).append('\n');
        out.append("  faults survived:    ").append(FAULTS.get()).append('\n');
        out.append("  bad inputs tried:   ").append(BAD_INPUTS.get()).append('\n');
        out.append("  handles and native blocks before/after each test:\n");
        RESOURCES.forEach(line -> out.append(line).append('\n'));
        if (SCALED.isEmpty()) {
            out.append("  every count at its full figure\n");
        } else {
            out.append("  scaled down:\n");
            SCALED.forEach(line -> out.append("    ").append(line).append('\n'));
        }
        return out.toString();
    }
}
