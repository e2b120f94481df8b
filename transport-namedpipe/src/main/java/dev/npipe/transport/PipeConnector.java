package dev.npipe.transport;

import dev.npipe.transport.win32.PipeHandle;
import dev.npipe.transport.win32.Win32Error;
import dev.npipe.transport.win32.Win32Exception;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.util.concurrent.TimeUnit;

/**
 * A client's way to a pipe: opens it, and while every instance is busy or the server has not created it yet,
 * tries again from the event loop with a growing back-off (never a blocking WaitNamedPipe) until the connect
 * time-out; a time-out of 0 means no time-out, as in Netty.
 */
final class PipeConnector {
    private static final long FIRST_BACKOFF_MILLIS = 1;
    private static final long MAX_BACKOFF_MILLIS = 50;

    /** Where the outcome goes; called on the event loop, exactly once unless {@link #cancel()} came first. */
    interface Outcome {
        void connected(PipeHandle pipe);

        void failed(Throwable cause);
    }

    private final EventLoop loop;
    private final NamedPipeAddress address;
    private final int timeoutMillis;
    private final long deadlineNanos;
    private final Outcome outcome;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;
    private Future<?> retry;
    private boolean done;

    PipeConnector(EventLoop loop, NamedPipeAddress address, int timeoutMillis, Outcome outcome) {
        this.loop = loop;
        this.address = address;
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.outcome = outcome;
    }

    /** Tries at once; loop thread. */
    void start() {
        attempt();
    }

    /** Stops trying; no outcome is reported after this. Loop thread. */
    void cancel() {
        done = true;
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    private void attempt() {
        retry = null;
        if (done) {
            return;
        }
        PipeHandle pipe;
        try {
            pipe = PipeHandle.openClient(address.path());
        } catch (Win32Exception e) {
            retryOrFail(e);
            return;
        }
        done = true;
        outcome.connected(pipe);
    }

    private void retryOrFail(Win32Exception e) {
        if (!PipeErrors.isRetryableConnect(e.errorCode())) {
            finish(PipeErrors.connectFailure(address, e));
            return;
        }
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(backoffMillis);
        if (timeoutMillis > 0) {
            long remainingNanos = deadlineNanos - System.nanoTime();
            if (remainingNanos <= 0) {
                finish(new ConnectTimeoutException("connecting to " + address + " timed out after "
                        + timeoutMillis + " ms; last error " + Win32Error.describe(e.errorCode())
                        + (e.errorCode() == Win32Error.ERROR_FILE_NOT_FOUND ? ": no server has created this pipe"
                        : ": every instance of the pipe is busy")));
                return;
            }
            delayNanos = Math.min(delayNanos, remainingNanos);
        }
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        retry = loop.schedule(this::attempt, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void finish(Throwable cause) {
        done = true;
        outcome.failed(cause);
    }
}
