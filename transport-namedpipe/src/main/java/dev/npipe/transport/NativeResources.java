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

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the Win32 handles and native memory blocks the transport opens and frees. Both must return to their
 * starting value once every channel and event loop is closed: tests read them to prove nothing leaks, and they
 * are cheap enough to export as metrics.
 */
final class NativeResources {
    private static final LongAdder HANDLES = new LongAdder();
    private static final LongAdder BLOCKS = new LongAdder();
    private static final LongAdder KEPT = new LongAdder();

    private NativeResources() {
    }

    /** Win32 handles (pipes, completion ports) the transport has open now. */
    static long openHandles() {
        return HANDLES.sum();
    }

    /** Native memory blocks (OVERLAPPED blocks, completion arrays) the transport holds now. */
    static long liveBlocks() {
        return BLOCKS.sum();
    }

    static void handleOpened() {
        HANDLES.increment();
    }

    static void handleClosed() {
        HANDLES.decrement();
    }

    static void blockAllocated() {
        BLOCKS.increment();
    }

    static void blockFreed() {
        BLOCKS.decrement();
    }

    /**
     * Native blocks kept allocated for good on purpose: OVERLAPPED blocks whose packet may still come after their
     * loop stopped (its wait for them timed out), which must never be freed. Not counted in {@link #liveBlocks()}.
     */
    static long keptBlocks() {
        return KEPT.sum();
    }

    static void blockKept() {
        BLOCKS.decrement();
        KEPT.increment();
    }
}
