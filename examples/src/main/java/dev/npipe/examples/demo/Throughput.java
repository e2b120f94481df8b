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

import java.util.concurrent.atomic.LongAdder;

/** Counts bytes or calls since the last reset, from any thread. */
final class Throughput {
    private final LongAdder count = new LongAdder();
    private volatile long since = System.nanoTime();

    void add(long n) {
        count.add(n);
    }

    void reset() {
        count.reset();
        since = System.nanoTime();
    }

    double perSecond() {
        double seconds = (System.nanoTime() - since) / 1e9;
        return seconds > 0 ? count.sum() / seconds : 0;
    }

    double megabytesPerSecond() {
        return perSecond() / (1024 * 1024);
    }
}
