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
package dev.npipe.examples.bench;

import dev.npipe.transport.NamedPipeMode;

/**
 * One cell of the benchmark matrix: a pipe mode, a test, a number of connections and a message size.
 *
 * @param mode byte or message pipe
 * @param test round trips one at a time (latency) or a window of messages in flight (throughput)
 * @param connections concurrent connections
 * @param size message size in bytes
 */
record Workload(NamedPipeMode mode, Test test, int connections, int size) {
    /** What a connection does. */
    enum Test { LATENCY, THROUGHPUT }

    /** Messages a throughput connection keeps in flight: about 64 KiB, at least 2 and at most 64 (as npbench.c). */
    int window() {
        return Math.max(2, Math.min(64, 64 * 1024 / size));
    }

    String modeName() {
        return nameOf(mode);
    }

    /** "byte" or "message", as npbench.exe and the table spell it. */
    static String nameOf(NamedPipeMode mode) {
        return mode == NamedPipeMode.MESSAGE ? "message" : "byte";
    }

    String testName() {
        return test == Test.LATENCY ? "latency" : "throughput";
    }
}
