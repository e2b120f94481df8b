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
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.SystemPropertyUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayList;
import java.util.List;

import static dev.npipe.transport.ChannelState.ACTIVE;
import static dev.npipe.transport.ChannelState.CLOSE_DEFERRED;
import static dev.npipe.transport.ChannelState.CONNECTING;
import static dev.npipe.transport.ChannelState.INPUT_SHUTDOWN;
import static dev.npipe.transport.ChannelState.MESSAGE_CHUNKS;
import static dev.npipe.transport.ChannelState.MESSAGE_PIPE;
import static dev.npipe.transport.ChannelState.OPEN;
import static dev.npipe.transport.ChannelState.OUTPUT_SHUTDOWN;

/**
 * One connected pipe instance: the server's child for one client, or a client's connection to a server.
 *
 * <p>One overlapped ReadFile and one overlapped WriteFile are in flight at most. Reads follow Netty's read loop:
 * while the {@link RecvByteBufAllocator} wants more and the pipe has bytes waiting, the next read is part of the
 * same batch, which ends with one {@code channelReadComplete}. On a byte pipe small writes are copied into one
 * buffer so a burst of them costs one WriteFile; on a message pipe every buffer is one message, never merged.
 * Closing cancels what is in flight; the handle is closed when the last completion has arrived, so the kernel never
 * writes into freed memory, and a write in flight at close gets the kernel's answer. Closing does not call
 * DisconnectNamedPipe, which would discard what the peer has not read yet.
 */
public final class NamedPipeChannel extends AbstractNamedPipeChannel implements DuplexChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NamedPipeChannel.class);
    private static final boolean SKIP_PORT_ON_SUCCESS =
            SystemPropertyUtil.getBoolean("dev.npipe.transport.skipCompletionPortOnSuccess", true);
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private final NamedPipeChannelConfig config = new NamedPipeChannelConfig(this);
    private final ChannelState state;
    private final PipeReader reader;
    private final PipeWriter writer;
    private volatile NamedPipeAddress address;
    /** A server child: the pipe and who the client is; a client: null (its remote address is the pipe). */
    private final NamedPipePeerAddress peerAddress;
    private volatile PipeHandle pipe;
    /** A server child: whether the server made a message pipe. */
    private final boolean childOfMessagePipe;
    /** A client's connect in progress; null when none is. */
    private ClientConnect connect;
    /** Close calls that wait for the write in flight ({@link ChannelState#CLOSE_DEFERRED}). */
    private List<DeferredClose> deferredCloses;
    /** {@code shutdownOutput()} calls that wait for the write in flight; null when none does. */
    private List<ChannelPromise> deferredShutdowns;

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

    /** A client channel; connect it with {@code Bootstrap.connect(new NamedPipeAddress(...))}. */
    public NamedPipeChannel() {
        super(null);
        peerAddress = null;
        childOfMessagePipe = false;
        state = new ChannelState(OPEN);
        reader = new PipeReader(this, state);
        writer = new PipeWriter(this, state);
    }

    /** The server side of one connection; owns the connected instance once registered. */
    NamedPipeChannel(NamedPipeServerChannel parent, PipeHandle pipe, NamedPipeAddress address,
                     NamedPipePeerAddress peerAddress, boolean messagePipe) {
        super(parent);
        this.pipe = pipe;
        this.address = address;
        this.peerAddress = peerAddress;
        this.childOfMessagePipe = messagePipe;
        state = new ChannelState(OPEN | ACTIVE);
        reader = new PipeReader(this, state);
        writer = new PipeWriter(this, state);
        config.setReadMode(messagePipe ? NamedPipeMode.MESSAGE : NamedPipeMode.BYTE);
    }

    /** The pipe, for the reader and writer; null before a client connects. */
    PipeHandle pipe() {
        return pipe;
    }

    /** The pipe's address whether connected or not, for messages. */
    NamedPipeAddress pipeAddress() {
        return address;
    }

    /**
     * Who is on the client end: its process id, session id and user SID. Server-side channels only. They were read
     * when the connection was accepted (the user by impersonating the client just long enough to open its token, see
     * {@link NamedPipePeerCredentials#userSource()}), so this impersonates nothing; where that read failed, it is
     * tried again on the channel's event loop. The returned future never blocks the caller.
     *
     * @return a future of the client's credentials, failed when they cannot be read or the channel is closed
     */
    public Future<NamedPipePeerCredentials> peerCredentials() {
        if (parent() == null) {
            throw new IllegalStateException("peerCredentials() is for the server side; a client can ask "
                    + "serverProcessId()");
        }
        return PipeIdentity.peerCredentials(this, peerAddress);
    }

    /** {@return the server's process id (GetNamedPipeServerProcessId). Client channels only; never blocks the caller} */
    public Future<Integer> serverProcessId() {
        if (parent() != null) {
            throw new IllegalStateException("serverProcessId() is for clients; the server side has peerCredentials()");
        }
        return PipeIdentity.onLoop(eventLoop(), () -> PipeIdentity.connectedPipe(this).serverProcessId());
    }

    /** The blocks of the read and the write, for tests that post completions as Windows would. */
    Overlapped readBlock() {
        return reader.block();
    }

    Overlapped writeBlock() {
        return writer.block();
    }

    /** The pipe handle, for tests that ask Windows about it; 0 when not connected. */
    long pipeHandle() {
        PipeHandle handle = pipe;
        return handle == null ? 0 : handle.value();
    }

    @Override
    public NamedPipeChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isOpen() {
        PipeHandle handle = pipe;
        // A child the server closed because nobody registered it is closed too.
        return state.is(OPEN) && (handle == null || handle.isOpen());
    }

    @Override
    public boolean isActive() {
        return state.isActive();
    }

    @Override
    public NamedPipeServerChannel parent() {
        return (NamedPipeServerChannel) super.parent();
    }

    @Override
    public NamedPipeAddress localAddress() {
        return (NamedPipeAddress) super.localAddress();
    }

    /**
     * A client: the pipe it connected to, a {@link NamedPipeAddress}. A server's child: a {@link NamedPipePeerAddress},
     * the pipe and who the client is (process, session, user), read when the connection was accepted.
     */
    @Override
    public SocketAddress remoteAddress() {
        return super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        return state.is(ACTIVE) ? address : null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        if (!state.is(ACTIVE)) {
            return null;
        }
        return peerAddress != null ? peerAddress : address;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new NamedPipeUnsafe();
    }

    /**
     * Called by the server some time after accepting: closes the handle of a child that was never registered.
     * Returns true when it did. Any thread: registration takes the handle first, or this does.
     */
    boolean closeIfUnregistered() {
        return pipe.closeIfUnowned();
    }

    @Override
    void onRegistered() throws Exception {
        PipeHandle handle = pipe;
        NamedPipeServerChannel server = parent();
        if (server != null && !handle.takeOwnership()) {
            throw new ClosedChannelException(); // closed by the server meanwhile (never registered in time)
        }
        reader.registered(registration);
        writer.registered(registration);
        if (server != null) {
            setUpChild(server, handle);
            skipPortOnSuccess(handle, childOfMessagePipe);
            if (server.eventLoop() != eventLoop()) {
                server.childRegistered(this); // on the server's loop it was registered while handed on
            }
        }
    }

    /**
     * From here on a read or write that finishes at once is handled without a dequeue. Connecting is done by then,
     * so ConnectNamedPipe keeps its queued completion. {@code -Ddev.npipe.transport.skipCompletionPortOnSuccess=false}
     * turns this off (to measure what it saves).
     */
    private void skipPortOnSuccess(PipeHandle handle, boolean messagePipe) {
        int error = SKIP_PORT_ON_SUCCESS ? handle.skipCompletionPortOnSuccess(messagePipe) : 0;
        if (error != 0) {
            logger.debug("{}: SetFileCompletionNotificationModes refused: {}", this, Win32Error.describe(error));
        }
    }

    /** Applies the child's read mode (a child option may have changed it) and moves it to this loop's port. */
    private void setUpChild(NamedPipeServerChannel server, PipeHandle handle) {
        boolean chunks = config.getReadMode() == NamedPipeMode.MESSAGE;
        if (chunks && !childOfMessagePipe) {
            throw new IllegalStateException("READ_MODE MESSAGE needs a message pipe, but " + address
                    + " is a byte pipe: set the server's PIPE_MODE to MESSAGE");
        }
        // A message pipe's instances are read in message mode from creation, whatever READ_MODE delivers.
        state.set((chunks ? MESSAGE_CHUNKS : 0) | (childOfMessagePipe ? MESSAGE_PIPE : 0));
        PortSharing.PortPlan plan = PortSharing.portPlan(server.registration.handler() == registration.handler(),
                server.movePipesToChildPorts, () -> handle.moveToPort(registration.handler().port()));
        if (plan == PortSharing.PortPlan.PASSED_ON) {
            logger.debug("{} cannot move to its event loop's port; its completions are passed on", this);
            registration.passedOnBy(server.registration.handler().sharing());
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a named-pipe client does not bind; connect it to the server's name");
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        state.clear(OPEN | ACTIVE | CONNECTING | CLOSE_DEFERRED);
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
        if (connect != null) {
            connect.cancel();
            connect = null;
        }
        PipeHandle handle = pipe;
        if (handle != null && isBusy()) {
            handle.cancelAll(); // the handle is closed when the last cancelled operation has completed
        }
        closePipeIfIdle();
    }

    private boolean isBusy() {
        return reader.isBusy() || writer.isBusy();
    }

    /** Closes the handle once no operation uses it; before that the kernel may still write into our blocks. */
    private void closePipeIfIdle() {
        if (!state.is(OPEN) && pipe != null && !isBusy()) {
            closePipe();
        }
    }

    /** Closes the handle, and tells the server an instance is free (it may be waiting at MAX_INSTANCES). */
    private void closePipe() {
        if (pipe.close()) {
            NamedPipeServerChannel server = parent();
            if (server != null) {
                server.childClosed();
            }
        }
    }

    @Override
    void onUnregistered() {
        if (pipe != null) {
            closePipe();
        }
        reader.releaseIfIdle();
        writer.releaseIfIdle();
    }

    @Override
    void complete(NamedPipeIoEvent event) {
        if (reader.owns(event.overlapped())) {
            reader.complete(event.bytes(), event.error());
        } else if (writer.owns(event.overlapped())) {
            writer.complete(event.bytes(), event.error());
        }
        closePipeIfIdle();
    }

    @Override
    protected void doBeginRead() {
        reader.beginRead();
    }

    /** Auto-read was turned off: a read in flight that nobody asked for is cancelled. */
    void autoReadCleared() {
        if (isRegistered()) { // else set before registration (a bootstrap option): nothing is in flight
            NamedPipeIoHandler.runOnLoop(eventLoop(), reader::autoReadCleared);
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        return writer.filter(msg);
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        writer.write(in);
    }

    void finishDeferredClose() {
        ((NamedPipeUnsafe) unsafe()).finishDeferredClose();
    }

    @Override
    boolean isCloseDeferred() {
        return state.is(CLOSE_DEFERRED);
    }

    void writeFailed(IOException cause) {
        ((NamedPipeUnsafe) unsafe()).writeFailed(cause);
        finishDeferredShutdowns(); // closed, or output shut down by the error: they fail as Netty's would
    }

    /** The write in flight succeeded: a shutdownOutput() that waited for it goes first, else the next write. */
    void flushRest() {
        if (deferredShutdowns != null) {
            finishDeferredShutdowns();
            return;
        }
        ((NamedPipeUnsafe) unsafe()).flushRest();
    }

    private void finishDeferredShutdowns() {
        List<ChannelPromise> waiting = deferredShutdowns;
        deferredShutdowns = null;
        if (waiting != null) {
            for (ChannelPromise promise : waiting) {
                ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
            }
        }
    }

    // ---- half-close

    @Override
    public boolean isInputShutdown() {
        return state.is(INPUT_SHUTDOWN) || !isActive();
    }

    @Override
    public boolean isOutputShutdown() {
        return state.is(OUTPUT_SHUTDOWN) || !isActive();
    }

    @Override
    public boolean isShutdown() {
        return isInputShutdown() && isOutputShutdown();
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        onLoop(promise, () -> shutdownInput0(promise));
        return promise;
    }

    /** Runs {@code task} on this channel's loop; {@code promise} fails if the loop has stopped. */
    private void onLoop(ChannelPromise promise, Runnable task) {
        if (!NamedPipeIoHandler.runOnLoop(eventLoop(), task)) {
            promise.tryFailure(new ClosedChannelException());
        }
    }

    /** Stops reading: the read in flight is cancelled; what the peer writes from now on is not read. */
    private void shutdownInput0(ChannelPromise promise) {
        if (!isActive()) {
            promise.setFailure(notConnected());
            return;
        }
        reader.shutdown();
        promise.setSuccess();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        onLoop(promise, () -> shutdownOutput0(promise));
        return promise;
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
        ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
    }

    /**
     * Called by Netty's shutdownOutput after it stopped taking writes. With {@link
     * NamedPipeChannelOption#ZERO_LENGTH_EOF} the peer is sent one zero-length write, after the write in flight;
     * without it a pipe has no way to tell the peer, so this refuses, saying so.
     */
    @Override
    protected void doShutdownOutput() throws Exception {
        if (!isActive()) {
            throw notConnected();
        }
        state.set(OUTPUT_SHUTDOWN);
        writer.shutdownOutput();
    }

    /** Why a shutdown is refused on a channel that is not active: as a Netty socket, open means not yet connected. */
    private Exception notConnected() {
        return isOpen() ? new NotYetConnectedException() : new ClosedChannelException();
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture output = shutdownOutput();
        output.addListener(f -> shutdownInput().addListener(in -> {
            Throwable cause = f.cause() != null ? f.cause() : in.cause();
            if (cause != null) {
                promise.tryFailure(cause);
            } else {
                promise.trySuccess();
            }
        }));
        return promise;
    }

    // ---- connect (client)

    /** The pipe is open and set up: the channel is active. Called by {@link ClientConnect}. */
    void connected(PipeHandle handle, boolean messagePipe, ChannelPromise promise) {
        connect = null;
        pipe = handle;
        skipPortOnSuccess(handle, messagePipe);
        state.set((config.getReadMode() == NamedPipeMode.MESSAGE ? MESSAGE_CHUNKS : 0)
                | (messagePipe ? MESSAGE_PIPE : 0));
        state.clear(CONNECTING);
        state.set(ACTIVE);
        if (promise.trySuccess()) {
            pipeline().fireChannelActive();
        } else {
            unsafe().close(unsafe().voidPromise()); // cancelled meanwhile
        }
    }

    /** The connect failed: its promise fails, the channel closes. Called by {@link ClientConnect}. */
    void connectFailed(ChannelPromise promise, Throwable cause) {
        connect = null;
        state.clear(CONNECTING);
        promise.tryFailure(cause);
        unsafe().close(unsafe().voidPromise());
    }

    private final class NamedPipeUnsafe extends AbstractNamedPipeUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            // Left cancellable, as Netty's NIO does: cancelling stops the retries and closes the channel.
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            if (isActive()) {
                promise.setFailure(new AlreadyConnectedException());
                return;
            }
            if (state.is(CONNECTING)) {
                promise.setFailure(new ConnectionPendingException());
                return;
            }
            if (!(remoteAddress instanceof NamedPipeAddress)) {
                promise.setFailure(new IllegalArgumentException("not a NamedPipeAddress: " + remoteAddress));
                return;
            }
            address = (NamedPipeAddress) remoteAddress;
            state.set(CONNECTING);
            promise.addListener(f -> {
                if (f.isCancelled()) {
                    close(voidPromise());
                }
            });
            connect = new ClientConnect(NamedPipeChannel.this, promise);
            connect.start(eventLoop(), registration.handler().port(), address, config);
        }

        /**
         * A pipe channel with a pipe stays with the event loop it was registered on: Windows ties the handle to that
         * loop's completion port for the handle's life. Deregistering is refused then; a channel that has no pipe
         * yet (not connected) or no more (closed) may leave.
         */
        @Override
        public void deregister(ChannelPromise promise) {
            if (isOpen() && isRegistered() && (pipe != null || state.is(CONNECTING))) {
                promise.setFailure(new UnsupportedOperationException("a named-pipe channel cannot leave its event "
                        + "loop: Windows ties " + address + " to that loop's completion port for good; close the "
                        + "channel instead"));
                return;
            }
            super.deregister(promise);
        }

        /**
         * Closing with a write in flight cancels it and waits for its completion, so the write's promise gets the
         * kernel's answer (the peer may have read it) and its buffer is released before any promise completes.
         * Every close goes through here: close(), and Netty's own on a write error.
         */
        @Override
        protected void close(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
            if (state.is(CLOSE_DEFERRED)) {
                deferredCloses.add(new DeferredClose(promise, cause, closeCause));
                return;
            }
            if (state.is(OPEN) && writer.isWriting()) {
                state.set(CLOSE_DEFERRED);
                deferredCloses = new ArrayList<>(2);
                deferredCloses.add(new DeferredClose(promise, cause, closeCause));
                pipe.cancelAll();
                return;
            }
            super.close(promise, cause, closeCause);
        }

        void finishDeferredClose() {
            state.clear(CLOSE_DEFERRED);
            boolean wasActive = isActive();
            finishDeferredShutdowns(); // asked for before the close
            List<DeferredClose> closes = deferredCloses;
            deferredCloses = null;
            for (DeferredClose close : closes) {
                super.close(close.promise, close.cause, close.closeCause);
            }
            if (eventLoop().isShutdown()) {
                // The write's completion came in the loop's destroy(): it runs no more tasks, so the deregistration
                // close() schedules is refused. Fire what it would have, so the pipeline is torn down.
                if (wasActive) {
                    pipeline().fireChannelInactive();
                }
                pipeline().fireChannelUnregistered();
            }
        }

        void writeFailed(IOException cause) {
            handleWriteError(cause);
        }

        void flushRest() {
            flush0();
        }
    }
}
