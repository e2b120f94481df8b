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

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayList;
import java.util.List;

import static dev.npipe.transport.ChannelState.CLOSE_DEFERRED;
import static dev.npipe.transport.ChannelState.OPEN;

/**
 * How a {@link NamedPipeChannel} shuts down: its input, its output, or all of it by close. Shutting the output down
 * and closing wait for the write in flight, so that write's promise gets the kernel's answer; the handle is closed
 * only when no operation uses it. Loop thread only, except the shutdown entry points, which run their work on the
 * loop.
 */
final class PipeShutdown {
    /** Netty's own close, which the channel's Unsafe passes in (its {@code super.close}). */
    interface NettyClose {
        void close(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause);
    }

    /** A close, as Netty asked for it, that waits for the write in flight. */
    private static final class DeferredClose {
        final ChannelPromise promise;
        final Throwable cause;
        final ClosedChannelException closeCause;

        DeferredClose(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
            this.promise = promise;
            this.cause = cause;
            this.closeCause = closeCause;
        }
    }

    private final NamedPipeChannel channel;
    private final ChannelState state;
    private final PipeReader reader;
    private final PipeWriter writer;
    /** Close calls that wait for the write in flight ({@link ChannelState#CLOSE_DEFERRED}). */
    private List<DeferredClose> deferredCloses;
    /** {@code shutdownOutput()} calls that wait for the write in flight; null when none does. */
    private List<ChannelPromise> deferredShutdowns;

    PipeShutdown(NamedPipeChannel channel, ChannelState state, PipeReader reader, PipeWriter writer) {
        this.channel = channel;
        this.state = state;
        this.reader = reader;
        this.writer = writer;
    }

    ChannelFuture shutdownInput(ChannelPromise promise) {
        onLoop(promise, () -> shutdownInput0(promise));
        return promise;
    }

    ChannelFuture shutdownOutput(ChannelPromise promise) {
        onLoop(promise, () -> shutdownOutput0(promise));
        return promise;
    }

    /** Runs {@code task} on the channel's loop; {@code promise} fails if the loop has stopped. */
    private void onLoop(ChannelPromise promise, Runnable task) {
        if (!LoopTasks.runOnLoop(channel.eventLoop(), task)) {
            promise.tryFailure(new ClosedChannelException());
        }
    }

    /** Stops reading: the read in flight is cancelled; what the peer writes from now on is not read. */
    private void shutdownInput0(ChannelPromise promise) {
        if (!channel.isActive()) {
            promise.setFailure(notConnected());
            return;
        }
        reader.shutdown();
        promise.setSuccess();
    }

    /**
     * As close(), shutting the output down waits for the write in flight: Netty would fail that write's promise at
     * once, while the kernel may still write it all. Writes queued meanwhile fail at the shutdown, as before it.
     */
    private void shutdownOutput0(ChannelPromise promise) {
        if (state.is(OPEN) && writer.isWriting()) {
            if (deferredShutdowns == null) {
                deferredShutdowns = new ArrayList<>(1);
            }
            deferredShutdowns.add(promise);
            return;
        }
        channel.nettyShutdownOutput(promise);
    }

    /** Output, then input; {@code promise} gets the first failure. */
    ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture output = channel.shutdownOutput();
        output.addListener(f -> channel.shutdownInput().addListener(in -> {
            Throwable cause = f.cause() != null ? f.cause() : in.cause();
            if (cause != null) {
                promise.tryFailure(cause);
            } else {
                promise.trySuccess();
            }
        }));
        return promise;
    }

    /** Why a shutdown is refused on a channel that is not active: as a Netty socket, open means not yet connected. */
    Exception notConnected() {
        return channel.isOpen() ? new NotYetConnectedException() : new ClosedChannelException();
    }

    /**
     * A close with a write in flight cancels it and waits for its completion (returns true); without one it is
     * Netty's to do at once (returns false).
     */
    boolean deferClose(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
        if (state.is(CLOSE_DEFERRED)) {
            deferredCloses.add(new DeferredClose(promise, cause, closeCause));
            return true;
        }
        if (state.is(OPEN) && writer.isWriting()) {
            state.set(CLOSE_DEFERRED);
            deferredCloses = new ArrayList<>(2);
            deferredCloses.add(new DeferredClose(promise, cause, closeCause));
            channel.pipe().cancelAll();
            return true;
        }
        return false;
    }

    /** The write a close waited for has completed: the waiting shutdowns, then the closes, run now. */
    void finishDeferredClose(NettyClose nettyClose) {
        state.clear(CLOSE_DEFERRED);
        boolean wasActive = channel.isActive();
        finishDeferredShutdowns(); // asked for before the close
        List<DeferredClose> closes = deferredCloses;
        deferredCloses = null;
        for (DeferredClose close : closes) {
            nettyClose.close(close.promise, close.cause, close.closeCause);
        }
        if (channel.eventLoop().isShutdown()) {
            // The write's completion came in the loop's destroy(): it runs no more tasks, so the deregistration
            // close() schedules is refused. Fire what it would have, so the pipeline is torn down.
            if (wasActive) {
                channel.pipeline().fireChannelInactive();
            }
            channel.pipeline().fireChannelUnregistered();
        }
    }

    /** The channel closed (doClose): what still waits for the write is done now. */
    void closed() {
        List<DeferredClose> waiting = deferredCloses;
        deferredCloses = null;
        if (waiting != null) {
            waiting.forEach(close -> close.promise.trySuccess()); // closed forcibly while a close waited for its write
        }
        List<ChannelPromise> shutdowns = deferredShutdowns;
        deferredShutdowns = null;
        if (shutdowns != null) {
            shutdowns.forEach(promise -> promise.tryFailure(new ClosedChannelException()));
        }
    }

    /** Cancels what is in flight; the handle is closed when the last cancelled operation has completed. */
    void cancelAndCloseWhenIdle() {
        PipeHandle handle = channel.pipe();
        if (handle != null && isBusy()) {
            handle.cancelAll();
        }
        closePipeIfIdle();
    }

    private boolean isBusy() {
        return reader.isBusy() || writer.isBusy();
    }

    /** Closes the handle once no operation uses it; before that the kernel may still write into our blocks. */
    void closePipeIfIdle() {
        if (!state.is(OPEN) && channel.pipe() != null && !isBusy()) {
            closePipe();
        }
    }

    /** Closes the handle, and tells the server an instance is free (it may be waiting at MAX_INSTANCES). */
    void closePipe() {
        if (channel.pipe().close()) {
            NamedPipeServerChannel server = channel.parent();
            if (server != null) {
                server.childClosed();
            }
        }
    }

    /** Whether a {@code shutdownOutput()} waits for the write in flight. */
    boolean hasDeferredShutdowns() {
        return deferredShutdowns != null;
    }

    /** The write in flight finished or failed: the shutdowns that waited for it run now. */
    void finishDeferredShutdowns() {
        List<ChannelPromise> waiting = deferredShutdowns;
        deferredShutdowns = null;
        if (waiting != null) {
            for (ChannelPromise promise : waiting) {
                channel.nettyShutdownOutput(promise);
            }
        }
    }
}
