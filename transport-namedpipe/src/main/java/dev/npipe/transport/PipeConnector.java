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

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;

/**
 * A client's way to a pipe: opens it, and while every instance is busy or the server has not created it yet,
 * tries again from the event loop with a growing back-off (never a blocking WaitNamedPipe) until the connect
 * time-out; a time-out of 0 means no time-out, as in Netty. While the pipe does not exist at all it gives up sooner
 * when {@link NamedPipeChannelOption#ABSENT_PIPE_TIMEOUT_MILLIS} says so. Once open, it ties the handle to the loop's port,
 * learns the pipe's type, sets the read mode and checks the owner, and only then hands the handle over; until then
 * it owns the handle and closes it on failure.
 */
final class PipeConnector {
    private static final long FIRST_BACKOFF_MILLIS = 1;
    private static final long MAX_BACKOFF_MILLIS = 50;

    /** Where the outcome goes; called on the event loop, exactly once unless {@link #cancel()} came first. */
    interface Outcome {
        /** The pipe is open and set up; {@code messagePipe} tells its type (each write is then one message). */
        void connected(PipeHandle pipe, boolean messagePipe);

        void failed(Throwable cause);
    }

    private final EventLoop loop;
    private final long port;
    private final NamedPipeAddress address;
    private final NamedPipeChannelConfig config;
    private final int timeoutMillis;
    private final long deadlineNanos;
    private final long startNanos;
    private final int absentTimeoutMillis;
    private final Outcome outcome;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;
    private Future<?> retry;
    private boolean done;

    PipeConnector(EventLoop loop, long port, NamedPipeAddress address, NamedPipeChannelConfig config,
                  Outcome outcome) {
        this.loop = loop;
        this.port = port;
        this.address = address;
        this.config = config;
        this.timeoutMillis = config.getConnectTimeoutMillis();
        this.startNanos = System.nanoTime();
        this.deadlineNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.absentTimeoutMillis = config.getAbsentPipeTimeoutMillis();
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
        boolean messagePipe;
        try {
            messagePipe = setUp(pipe);
        } catch (IOException e) {
            pipe.close();
            outcome.failed(e instanceof Win32Exception ? PipeErrors.connectFailure(address, (Win32Exception) e) : e);
            return;
        }
        outcome.connected(pipe, messagePipe);
    }

    /** Port, pipe type, read mode and owner; returns whether it is a message pipe. */
    private boolean setUp(PipeHandle pipe) throws IOException {
        pipe.associate(port);
        boolean messagePipe = pipe.isMessagePipe();
        if (config.getReadMode() == NamedPipeMode.MESSAGE && !messagePipe) {
            throw new ConnectException("READ_MODE MESSAGE needs a message pipe, but " + address
                    + " is a byte pipe: set READ_MODE BYTE, or have the server use PIPE_MODE MESSAGE");
        }
        if (messagePipe) {
            // Read in message mode whatever READ_MODE delivers: only then is every message, an empty one too, seen.
            pipe.setReadMode(true);
        }
        String required = config.getRequiredServerUser();
        if (required != null) {
            PipeIdentity.verifyOwner(pipe, address, required);
        }
        return messagePipe;
    }

    private void retryOrFail(Win32Exception e) {
        if (!PipeErrors.isRetryableConnect(e.errorCode()) || absentTooLong(e.errorCode())) {
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

    /** No server has created the pipe, and ABSENT_PIPE_TIMEOUT_MILLIS says to stop waiting for one. */
    private boolean absentTooLong(int error) {
        return error == Win32Error.ERROR_FILE_NOT_FOUND && absentTimeoutMillis >= 0
                && System.nanoTime() - startNanos >= TimeUnit.MILLISECONDS.toNanos(absentTimeoutMillis);
    }

    private void finish(Throwable cause) {
        done = true;
        outcome.failed(cause);
    }
}
