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
package dev.npipe.examples.demo;

import java.util.Locale;
import java.util.function.Supplier;

/** A timed phase of the demo: a second of warm-up, then a progress line every second, then the summary. */
final class Phase {
    private final String name;
    private final long seconds;

    Phase(String name, long seconds) {
        this.name = name;
        this.seconds = seconds;
    }

    /** Runs the phase; {@code figures} describes the load so far, {@code reset} starts counting afresh. */
    void run(Supplier<String> figures, Runnable reset) throws InterruptedException {
        Thread.sleep(1000); // warm-up: JIT and the pipes' first round trips are not what a user runs at
        reset.run();
        for (long s = 1; s <= seconds; s++) {
            Thread.sleep(1000);
            System.out.printf(Locale.ROOT, "%s: [%d/%d s] %s%n", name, s, seconds, figures.get());
        }
        System.out.printf(Locale.ROOT, "%s: RESULT %s%n", name, figures.get());
    }
}
