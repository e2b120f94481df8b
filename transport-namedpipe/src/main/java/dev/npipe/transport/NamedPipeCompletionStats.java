package dev.npipe.transport;

/**
 * What one {@link NamedPipeIoHandler} has dequeued: completions and the GetQueuedCompletionStatusEx calls that
 * returned them (their ratio is the average batch), how many it passed on to another loop's port, and how many
 * operations finished at once and needed no dequeue at all (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS). Cheap to read
 * from any thread, e.g. as metrics.
 */
public final class NamedPipeCompletionStats {
    private volatile long completions;
    private volatile long batches;
    private volatile long passedOn;
    private volatile long finishedAtOnce;

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

    /** {@return getQueuedCompletionStatusEx calls that returned at least one completion} */
    public long batches() {
        return batches;
    }
}
