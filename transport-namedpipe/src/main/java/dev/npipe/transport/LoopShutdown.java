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

import io.netty.channel.Channel;
import io.netty.channel.IoHandle;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * How a {@link NamedPipeIoHandler} stops: its channels are closed and their completions awaited, so no block is
 * freed while the kernel may still write into it and every close completes as it promised. Loop thread only.
 */
final class LoopShutdown {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(LoopShutdown.class);
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final NamedPipeIoHandler loop;

    LoopShutdown(NamedPipeIoHandler loop) {
        this.loop = loop;
    }

    /**
     * prepareToDestroy(): closes every registered handle, then waits (up to 5 s) for the closes that wait for their
     * cancelled write, while the loop still runs tasks.
     */
    void closeAll() {
        for (PipeRegistration registration : new ArrayList<>(loop.registrations())) {
            closeQuietly(registration.handle);
        }
        // A close that waits for its cancelled write ends at that write's completion. Wait for it here, while the
        // loop still runs tasks: the close then completes as any other (promises, buffers, closeFuture, pipeline).
        awaitDeferredCloses(System.nanoTime() + WAIT_NANOS);
    }

    /** Completes operations until no close waits for one, or until {@code deadline}. */
    private void awaitDeferredCloses(long deadline) {
        while (hasDeferredClose() && System.nanoTime() - deadline < 0) {
            loop.dequeue(10);
            completeWhereThePortClosed();
        }
    }

    private boolean hasDeferredClose() {
        for (PipeRegistration registration : loop.registrations()) {
            if (registration.handle.isCloseDeferred()) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(IoHandle handle) {
        try {
            handle.close();
        } catch (Exception e) {
            logger.debug("Failed to close {} while shutting down", handle, e);
        }
    }

    /**
     * destroy(): the loop runs no more tasks. Closes what is still registered without pipeline events, waits (up to
     * 5 s) for the completions in flight, completes what the kernel finished whose packet never came, and frees the
     * rest or, where the kernel may still write into it, leaves it allocated.
     */
    void finish() {
        long deadline = System.nanoTime() + WAIT_NANOS;
        // A close deferred since prepareToDestroy() (or with none: the loop was shut down from a task) completes at
        // its write's completion, as it promised; only what it would schedule next is refused now.
        awaitDeferredCloses(deadline);
        // The loop runs no more tasks now: a full close would try to schedule its deregistration and be refused.
        // Close what is still registered without pipeline events, and cancel the registrations here.
        for (PipeRegistration registration : new ArrayList<>(loop.registrations())) {
            if (registration.handle instanceof Channel.Unsafe) {
                ((Channel.Unsafe) registration.handle).closeForcibly();
            } else {
                closeQuietly(registration.handle);
            }
            registration.cancel();
        }
        while (!loop.registrations().isEmpty() && System.nanoTime() - deadline < 0) {
            loop.dequeue(10);
            completeWhereThePortClosed();
        }
        for (PipeRegistration registration : new ArrayList<>(loop.registrations())) {
            registration.completeWithoutPackets();
        }
        for (PipeRegistration registration : new ArrayList<>(loop.registrations())) {
            logger.warn("{} still had I/O in flight when its event loop stopped", registration.handle);
            registration.releaseLeavingUnfinished();
        }
    }

    /**
     * Completions of a handle that another loop's port serves come to us only while that loop runs; once it has
     * stopped, what the kernel finished is delivered from the blocks, instead of waiting out the drain.
     */
    private void completeWhereThePortClosed() {
        boolean drained = false;
        for (PipeRegistration registration : new ArrayList<>(loop.registrations())) {
            if (registration.isPassedOnByClosedPort()) {
                if (!drained) {
                    // The stopped loop may have passed completions on to us before it stopped: dequeue them all
                    // first, or a block freed below would be read again when its queued packet comes out.
                    do {
                        loop.dequeue(0);
                    } while (loop.lastBatch() > 0);
                    drained = true;
                }
                if (loop.registrations().contains(registration)) {
                    registration.completeWithoutPackets();
                }
            }
        }
    }
}
