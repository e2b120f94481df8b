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

/**
 * What one {@link NamedPipeIoHandler} has dequeued: completions and the GetQueuedCompletionStatusEx calls that
 * returned them (their ratio is the average batch), how many it passed on to another loop's port, and how many
 * operations finished at once and needed no dequeue at all (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS). Cheap to read
 * from any thread, e.g. as metrics.
 */
public final class NamedPipeCompletionStats {
    /** {@link #dropped()} of every loop of the process, so a test can tell that none was dropped anywhere. */
    private static final java.util.concurrent.atomic.AtomicLong DROPPED_BY_EVERY_LOOP =
            new java.util.concurrent.atomic.AtomicLong();
    private volatile long completions;
    private volatile long batches;
    private volatile long dequeueCalls;
    private volatile long passedOn;
    private volatile long finishedAtOnce;
    private volatile long dropped;

    void recordDequeueCall() {
        dequeueCalls++;
    }

    void record(int count) {
        if (count > 0) {
            completions += count;
            batches++;
        }
    }

    void recordPassedOn() {
        passedOn++;
    }

    void recordFinishedAtOnce() {
        finishedAtOnce++;
    }

    void recordDropped() {
        dropped++;
        DROPPED_BY_EVERY_LOOP.incrementAndGet();
    }

    /** {@return {@link #dropped()} summed over every loop this process has run} */
    static long droppedByEveryLoop() {
        return DROPPED_BY_EVERY_LOOP.get();
    }

    /**
     * {@return completions dropped, never delivered: their OVERLAPPED block had no operation in flight, or one the
     * kernel had not finished. None is expected; a count above 0 means a packet came that Windows' rules say should
     * not (it is logged as a warning too)}
     */
    public long dropped() {
        return dropped;
    }

    /** {@return reads and writes that finished at once, so no completion was queued and none dequeued} */
    public long finishedAtOnce() {
        return finishedAtOnce;
    }

    /** {@return completions dequeued so far (wake-ups included)} */
    public long completions() {
        return completions;
    }

    /** {@return completions that belonged to another loop's channel and were posted on to it} */
    public long passedOn() {
        return passedOn;
    }

    /**
     * {@return GetQueuedCompletionStatusEx calls, one per turn of the loop, those that returned none (a time-out, a
     * poll that found nothing) included}
     */
    public long dequeueCalls() {
        return dequeueCalls;
    }

    /** {@return GetQueuedCompletionStatusEx calls that returned at least one completion} */
    public long batches() {
        return batches;
    }
}
