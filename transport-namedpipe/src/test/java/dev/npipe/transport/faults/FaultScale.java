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

/**
 * The counts of the fault and load suite. The full figures run with {@code -Dnpipe.faults.soak=true}; by default
 * each heavy count is scaled so the suite fits CI (Wine, 2 cores, minutes not hours), and the summary says so.
 * Each count can also be set on its own ({@code -Dnpipe.faults.<name>=N}); none is ever below 1.
 */
final class FaultScale {
    static final boolean SOAK = Boolean.getBoolean("npipe.faults.soak");
    private static final String CI_REASON = "CI under Wine on 2 cores must finish the suite in minutes; "
            + "-Dnpipe.faults.soak=true runs the full figure";

    private FaultScale() {
    }

    /** The count named {@code name}: its property, else the full figure in soak mode, else the CI figure. */
    static int count(String name, String what, int full, int ci) {
        int used = Math.max(1, Integer.getInteger("npipe.faults." + name, SOAK ? full : ci));
        FaultLedger.scaled(what, full, used, Integer.getInteger("npipe.faults." + name) != null
                ? "set by -Dnpipe.faults." + name : CI_REASON);
        return used;
    }
}
