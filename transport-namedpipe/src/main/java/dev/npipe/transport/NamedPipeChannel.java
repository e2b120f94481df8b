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

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;

import static dev.npipe.transport.ChannelState.ACTIVE;
import static dev.npipe.transport.ChannelState.CLOSE_DEFERRED;
import static dev.npipe.transport.ChannelState.CONNECTING;
import static dev.npipe.transport.ChannelState.INPUT_SHUTDOWN;
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
    /** Half-close, the closes and output shutdowns that wait for the write in flight, closing the handle. */
    private final PipeShutdown shutdown;

    /** A client channel; connect it with {@code Bootstrap.connect(new NamedPipeAddress(...))}. */
    public NamedPipeChannel() {
        super(null);
        peerAddress = null;
        childOfMessagePipe = false;
        state = new ChannelState(OPEN);
        reader = new PipeReader(this, state);
        writer = new PipeWriter(this, state);
        shutdown = new PipeShutdown(this, state, reader, writer);
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
        shutdown = new PipeShutdown(this, state, reader, writer);
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
            PipeSetUp.setUpChild(this, state, server, handle, childOfMessagePipe);
            PipeSetUp.skipPortOnSuccess(this, handle, childOfMessagePipe);
            if (server.eventLoop() != eventLoop()) {
                server.childRegistered(this); // on the server's loop it was registered while handed on
            }
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
        shutdown.closed();
        if (connect != null) {
            connect.cancel();
            connect = null;
        }
        shutdown.cancelAndCloseWhenIdle();
    }

    @Override
    void onUnregistered() {
        if (pipe != null) {
            shutdown.closePipe();
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
        shutdown.closePipeIfIdle();
    }

    @Override
    protected void doBeginRead() {
        reader.beginRead();
    }

    /** Auto-read was turned off: a read in flight that nobody asked for is cancelled. */
    void autoReadCleared() {
        if (isRegistered()) { // else set before registration (a bootstrap option): nothing is in flight
            LoopTasks.runOnLoop(eventLoop(), reader::autoReadCleared);
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
        shutdown.finishDeferredShutdowns(); // closed, or output shut down by the error: they fail as Netty's would
    }

    /** The write in flight succeeded: a shutdownOutput() that waited for it goes first, else the next write. */
    void flushRest() {
        if (shutdown.hasDeferredShutdowns()) {
            shutdown.finishDeferredShutdowns();
            return;
        }
        ((NamedPipeUnsafe) unsafe()).flushRest();
    }

    /** Netty's shutdownOutput, for {@link PipeShutdown} once no write is in flight. */
    void nettyShutdownOutput(ChannelPromise promise) {
        ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
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
        return shutdown.shutdownInput(promise);
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        return shutdown.shutdownOutput(promise);
    }

    /**
     * Called by Netty's shutdownOutput after it stopped taking writes. With {@link
     * NamedPipeChannelOption#ZERO_LENGTH_EOF} the peer is sent one zero-length write, after the write in flight;
     * without it a pipe has no way to tell the peer, so this refuses, saying so.
     */
    @Override
    protected void doShutdownOutput() throws Exception {
        if (!isActive()) {
            throw shutdown.notConnected();
        }
        state.set(OUTPUT_SHUTDOWN);
        writer.shutdownOutput();
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        return shutdown.shutdown(promise);
    }

    // ---- connect (client)

    /** {@link ClientConnect} started: the channel's address is the pipe it connects to. */
    void connecting(NamedPipeAddress address, ClientConnect connect) {
        this.address = address;
        this.connect = connect;
    }

    /** {@link ClientConnect} ended: {@code handle} is the open pipe, or null when the connect failed. */
    void connectEnded(PipeHandle handle) {
        connect = null;
        if (handle != null) {
            pipe = handle;
        }
    }

    private final class NamedPipeUnsafe extends AbstractNamedPipeUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            ClientConnect.start(NamedPipeChannel.this, state, remoteAddress, promise);
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
            if (!shutdown.deferClose(promise, cause, closeCause)) {
                super.close(promise, cause, closeCause);
            }
        }

        void finishDeferredClose() {
            shutdown.finishDeferredClose(super::close);
        }

        void writeFailed(IOException cause) {
            handleWriteError(cause);
        }

        void flushRest() {
            flush0();
        }
    }
}
