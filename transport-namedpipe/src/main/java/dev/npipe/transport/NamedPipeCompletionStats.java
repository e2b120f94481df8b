package dev.npipe.transport;

/**
 * What one {@link NamedPipeIoHandler} has dequeued: completions and the GetQueuedCompletionStatusEx calls that
 * returned them (their ratio is the average batch), and how many it passed on to another loop's port. Cheap to read
 * from any thread, e.g. as metrics.
 */
public final class NamedPipeCompletionStats {
    private volatile long completions;
    private volatile long batches;
    private volatile long passedOn;

    void record(int count) {
        if (count > 0) {
            completions += count;
            batches++;
        }
    }

    void recordPassedOn() {
        passedOn++;
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
