package dev.npipe.transport;

import dev.npipe.codec.message.PipeMessage;
import dev.npipe.codec.message.PipeMessageChunk;
import dev.npipe.transport.win32.Overlapped;
import dev.npipe.transport.win32.PipeHandle;
import dev.npipe.transport.win32.Win32Error;
import dev.npipe.transport.win32.Win32Exception;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static dev.npipe.transport.ChannelState.ACTIVE;
import static dev.npipe.transport.ChannelState.CLOSE_DEFERRED;
import static dev.npipe.transport.ChannelState.CONNECTING;
import static dev.npipe.transport.ChannelState.EOF_IN_FLIGHT;
import static dev.npipe.transport.ChannelState.EOF_PENDING;
import static dev.npipe.transport.ChannelState.HANDLING_READ;
import static dev.npipe.transport.ChannelState.INPUT_SHUTDOWN;
import static dev.npipe.transport.ChannelState.INPUT_SHUTDOWN_SEEN;
import static dev.npipe.transport.ChannelState.IN_READ_BATCH;
import static dev.npipe.transport.ChannelState.MESSAGE_READS;
import static dev.npipe.transport.ChannelState.MESSAGE_WRITES;
import static dev.npipe.transport.ChannelState.OPEN;
import static dev.npipe.transport.ChannelState.OUTPUT_SHUTDOWN;
import static dev.npipe.transport.ChannelState.READ_PENDING;
import static dev.npipe.transport.ChannelState.REMOVING_WRITTEN;

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
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    /** Buffers at least this large are written as they are; smaller ones are copied together. */
    private static final int COALESCE_THRESHOLD = 16 * 1024;
    private static final int MAX_COALESCED_BYTES = 64 * 1024;

    private final NamedPipeChannelConfig config = new NamedPipeChannelConfig(this);
    private volatile int state = OPEN;
    private volatile NamedPipeAddress address;
    private volatile PipeHandle pipe;
    /** A server child: whether the server made a message pipe. */
    private final boolean childOfMessagePipe;
    private Overlapped readOp;
    private Overlapped writeOp;
    private ByteBuf readBuffer;
    private ByteBuf writeBuffer;
    private ChannelPromise connectPromise;
    private PipeConnector connector;
    /** Close calls that wait for the write in flight ({@link ChannelState#CLOSE_DEFERRED}). */
    private List<ChannelPromise> deferredCloses;

    /** A client channel; connect it with {@code Bootstrap.connect(new NamedPipeAddress(...))}. */
    public NamedPipeChannel() {
        super(null);
        childOfMessagePipe = false;
    }

    /** The server side of one connection; owns the connected instance once registered. */
    NamedPipeChannel(NamedPipeServerChannel parent, PipeHandle pipe, NamedPipeAddress address, boolean messagePipe) {
        super(parent);
        this.pipe = pipe;
        this.address = address;
        this.childOfMessagePipe = messagePipe;
        state = OPEN | ACTIVE;
        config.setReadMode(messagePipe ? NamedPipeMode.MESSAGE : NamedPipeMode.BYTE);
    }

    private boolean is(int bits) {
        return (state & bits) != 0;
    }

    private void set(int bits) {
        state |= bits;
    }

    private void clear(int bits) {
        state &= ~bits;
    }

    /**
     * Who is on the client end: its process id, session id and user SID. Server-side channels only. The answer
     * comes from the channel's event loop (the user is read by impersonating the client just long enough to open
     * its token); the returned future never blocks the caller.
     */
    public Future<NamedPipePeerCredentials> peerCredentials() {
        if (parent() == null) {
            throw new IllegalStateException("peerCredentials() is for the server side; a client can ask "
                    + "serverProcessId()");
        }
        return onLoop(() -> {
            PipeHandle handle = connectedPipe();
            return new NamedPipePeerCredentials(handle.clientProcessId(), handle.clientSessionId(),
                    handle.clientUserSid());
        });
    }

    /** The server's process id (GetNamedPipeServerProcessId). Client channels only; never blocks the caller. */
    public Future<Integer> serverProcessId() {
        if (parent() != null) {
            throw new IllegalStateException("serverProcessId() is for clients; the server side has peerCredentials()");
        }
        return onLoop(() -> connectedPipe().serverProcessId());
    }

    private PipeHandle connectedPipe() throws IOException {
        PipeHandle handle = pipe;
        if (!isActive() || handle == null) {
            throw new ClosedChannelException();
        }
        return handle;
    }

    /** Runs a query on the event loop, where the handle cannot be closed underneath it. */
    private <T> Future<T> onLoop(Callable<T> query) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            try {
                return loop.newSucceededFuture(query.call());
            } catch (Exception e) {
                return loop.newFailedFuture(e);
            }
        }
        return loop.submit(query);
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
        return is(OPEN) && (handle == null || handle.isOpen());
    }

    @Override
    public boolean isActive() {
        return (state & (OPEN | ACTIVE)) == (OPEN | ACTIVE);
    }

    @Override
    public NamedPipeServerChannel parent() {
        return (NamedPipeServerChannel) super.parent();
    }

    @Override
    public NamedPipeAddress localAddress() {
        return (NamedPipeAddress) super.localAddress();
    }

    @Override
    public NamedPipeAddress remoteAddress() {
        return (NamedPipeAddress) super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        return is(ACTIVE) ? address : null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return is(ACTIVE) ? address : null;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new NamedPipeUnsafe();
    }

    /**
     * Called by the server some time after accepting: closes the handle of a child that was never registered.
     * Returns true when it did. Any thread: registration claims the handle first, or this does.
     */
    boolean abandonIfUnregistered() {
        return pipe.closeIfUnclaimed();
    }

    @Override
    void onRegistered() throws Exception {
        PipeHandle handle = pipe;
        NamedPipeServerChannel server = parent();
        if (server != null && !handle.claim()) {
            throw new ClosedChannelException(); // abandoned by the server: its handle is closed
        }
        readOp = registration.newOverlapped();
        writeOp = registration.newOverlapped();
        if (server != null) {
            setUpChild(server, handle);
        }
    }

    /** Applies the child's read mode (a child option may have changed it) and moves it to this loop's port. */
    private void setUpChild(NamedPipeServerChannel server, PipeHandle handle) throws Win32Exception {
        boolean messageReads = config.getReadMode() == NamedPipeMode.MESSAGE;
        if (messageReads && !childOfMessagePipe) {
            throw new IllegalStateException("READ_MODE MESSAGE needs a message pipe, but " + address
                    + " is a byte pipe: set the server's PIPE_MODE to MESSAGE");
        }
        if (childOfMessagePipe && !messageReads) {
            handle.setReadMode(false); // a message pipe read as a byte stream, as the child option asks
        }
        set((messageReads ? MESSAGE_READS : 0) | (childOfMessagePipe ? MESSAGE_WRITES : 0));
        if (server.registration.handler() != registration.handler()
                && !(server.movePipesToChildPorts && handle.moveToPort(registration.handler().port()))) {
            logger.debug("{} cannot move to its event loop's port; its completions are passed on", this);
            registration.servedBy(server.registration.handler());
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
        clear(OPEN | ACTIVE | CONNECTING | CLOSE_DEFERRED);
        if (connector != null) {
            connector.cancel();
            connector = null;
        }
        if (connectPromise != null) {
            connectPromise.tryFailure(new ClosedChannelException());
            connectPromise = null;
        }
        PipeHandle handle = pipe;
        if (handle != null && isBusy()) {
            handle.cancelAll(); // the handle is closed when the last cancelled operation has completed
        }
        closePipeIfIdle();
    }

    private boolean isBusy() {
        return readOp != null && readOp.isPending() || writeOp != null && writeOp.isPending();
    }

    /** Closes the handle once no operation uses it; before that the kernel may still write into our blocks. */
    private void closePipeIfIdle() {
        if (!is(OPEN) && pipe != null && !isBusy()) {
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
        if (readBuffer != null && !readOp.isPending()) {
            readBuffer.release();
            readBuffer = null;
        }
        if (writeBuffer != null && !writeOp.isPending()) {
            writeBuffer.release();
            writeBuffer = null;
        }
    }

    @Override
    void completed(NamedPipeIoEvent event) {
        if (event.overlapped() == readOp) {
            readCompleted(event.bytes(), event.error());
        } else if (event.overlapped() == writeOp) {
            writeCompleted(event.bytes(), event.error());
        }
        closePipeIfIdle();
    }

    // ---- reads

    @Override
    protected void doBeginRead() {
        if (!isActive() || is(CLOSE_DEFERRED)) {
            return;
        }
        if (is(INPUT_SHUTDOWN)) {
            fireInputShutdownReadCompleteOnce();
            return;
        }
        set(READ_PENDING);
        if (!is(HANDLING_READ)) {
            startRead(true);
        }
    }

    /** A read is wanted: auto-read is on, or {@code read()} was called and nothing has been read since. */
    private boolean wantsRead() {
        return isActive() && !is(INPUT_SHUTDOWN | CLOSE_DEFERRED) && (config.isAutoRead() || is(READ_PENDING));
    }

    private void startRead(boolean newBatch) {
        if (readOp.isPending()) {
            return;
        }
        RecvByteBufAllocator.Handle allocHandle = unsafe().recvBufAllocHandle();
        if (newBatch) {
            allocHandle.reset(config);
        }
        ByteBuf buf = config.getAllocator().directBuffer(allocHandle.guess());
        int length = buf.writableBytes();
        allocHandle.attemptedBytesRead(length);
        int error = pipe.read(readOp, PipeBuffers.address(buf, buf.writerIndex(), length), length);
        if (error != 0) {
            buf.release();
            endReadBatch();
            readFailed(error);
            return;
        }
        readBuffer = buf;
    }

    private void readCompleted(int bytes, int error) {
        ByteBuf buf = readBuffer;
        readBuffer = null;
        if (buf == null) {
            logger.warn("{}: a read completed that was not started (bytes={}, error={})", this, bytes,
                    Win32Error.describe(error));
            return;
        }
        if (!is(OPEN) || is(CLOSE_DEFERRED)) {
            buf.release();
            return;
        }
        set(HANDLING_READ);
        try {
            handleRead(buf, bytes, error);
        } finally {
            clear(HANDLING_READ);
        }
        if (wantsRead()) {
            startRead(!is(IN_READ_BATCH));
        }
    }

    private void handleRead(ByteBuf buf, int bytes, int error) {
        boolean moreToCome = is(MESSAGE_READS) && error == Win32Error.ERROR_MORE_DATA;
        if (error != 0 && !moreToCome) {
            buf.release();
            endReadBatch();
            if (PipeErrors.isCancelled(error)) {
                return; // auto-read was turned off or the input shut down; a wanted read starts again
            }
            readFailed(error);
            return;
        }
        if (bytes == 0 && !moreToCome && (config.isZeroLengthEof() || !is(MESSAGE_READS))) {
            buf.release();
            endReadBatch();
            if (config.isZeroLengthEof()) {
                endOfInput();
            }
            return; // on a byte pipe a zero-length write carries nothing
        }
        RecvByteBufAllocator.Handle allocHandle = unsafe().recvBufAllocHandle();
        buf.writerIndex(buf.writerIndex() + bytes);
        allocHandle.lastBytesRead(bytes);
        allocHandle.incMessagesRead(1);
        set(IN_READ_BATCH);
        clear(READ_PENDING);
        pipeline().fireChannelRead(is(MESSAGE_READS) ? new PipeMessageChunk(buf, !moreToCome) : buf);
        if (!wantsMore(allocHandle, moreToCome)) {
            endReadBatch();
        }
    }

    /** Whether the next read belongs to this batch: the allocator wants more and the pipe has more now. */
    private boolean wantsMore(RecvByteBufAllocator.Handle allocHandle, boolean moreToCome) {
        if (!isActive() || is(INPUT_SHUTDOWN | CLOSE_DEFERRED) || !allocHandle.continueReading()) {
            return false;
        }
        return moreToCome || pipe.bytesAvailable() > 0;
    }

    private void endReadBatch() {
        if (is(IN_READ_BATCH)) {
            clear(IN_READ_BATCH);
            unsafe().recvBufAllocHandle().readComplete();
            pipeline().fireChannelReadComplete();
        }
    }

    private void readFailed(int error) {
        if (PipeErrors.isEndOfPipe(error)) {
            endOfInput();
            return;
        }
        pipeline().fireExceptionCaught(PipeErrors.ioFailure("ReadFile", address, error));
        unsafe().close(unsafe().voidPromise());
    }

    /** The peer ended its output (closed, or sent the end-of-stream message): Netty's half-closure rules. */
    private void endOfInput() {
        if (is(INPUT_SHUTDOWN)) {
            fireInputShutdownReadCompleteOnce();
            return;
        }
        if (!config.isAllowHalfClosure()) {
            unsafe().close(unsafe().voidPromise());
            return;
        }
        set(INPUT_SHUTDOWN);
        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        if (isActive() && (config.isAutoRead() || is(READ_PENDING))) {
            fireInputShutdownReadCompleteOnce();
        }
    }

    private void fireInputShutdownReadCompleteOnce() {
        if (!is(INPUT_SHUTDOWN_SEEN)) {
            set(INPUT_SHUTDOWN_SEEN);
            clear(READ_PENDING);
            pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
        }
    }

    // ---- writes

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof PipeMessage) {
            PipeMessage message = (PipeMessage) msg;
            ByteBuf content = message.content().retain();
            message.release();
            msg = content;
        }
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            if (!buf.isReadable() && is(MESSAGE_WRITES) && config.isZeroLengthEof()) {
                buf.release();
                throw new IllegalArgumentException("a zero-length message ends the stream when ZERO_LENGTH_EOF is"
                        + " set on " + address + "; use shutdownOutput() for that, or turn the option off");
            }
            if (PipeBuffers.isContiguousNative(buf)) {
                return buf;
            }
            // WriteFile needs one block of native memory: copy heap and composite buffers once, here.
            ByteBuf direct = config.getAllocator().directBuffer(buf.readableBytes());
            direct.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
            buf.release();
            return direct;
        }
        throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName()
                + " (expected ByteBuf or PipeMessage)");
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (writeOp.isPending() || is(REMOVING_WRITTEN | CLOSE_DEFERRED)) {
            return; // the completion flushes the rest
        }
        boolean messages = is(MESSAGE_WRITES);
        ByteBuf head;
        while ((head = (ByteBuf) in.current()) != null && !head.isReadable() && !messages) {
            in.remove(); // nothing to send: on a byte pipe an empty buffer carries nothing
        }
        if (head == null) {
            return;
        }
        ByteBuf toWrite;
        if (messages || in.size() == 1 || head.readableBytes() >= COALESCE_THRESHOLD) {
            // Written from its reader index as it is: a slice would be one more object per write.
            toWrite = head.retain();
        } else {
            toWrite = coalesce(in);
        }
        int length = toWrite.readableBytes();
        int error = pipe.write(writeOp, PipeBuffers.address(toWrite, toWrite.readerIndex(), length), length);
        if (error != 0) {
            toWrite.release();
            throw PipeErrors.ioFailure("WriteFile", address, error);
        }
        writeBuffer = toWrite;
    }

    /** Copies the flushed small buffers, up to {@link #MAX_COALESCED_BYTES}, into one direct buffer. */
    private ByteBuf coalesce(ChannelOutboundBuffer in) throws Exception {
        int total = (int) Math.min(in.totalPendingWriteBytes(), MAX_COALESCED_BYTES);
        ByteBuf copy = config.getAllocator().directBuffer(total);
        in.forEachFlushedMessage(msg -> {
            ByteBuf buf = (ByteBuf) msg;
            int n = Math.min(buf.readableBytes(), copy.writableBytes());
            copy.writeBytes(buf, buf.readerIndex(), n);
            return copy.isWritable();
        });
        return copy;
    }

    private void writeCompleted(int bytes, int error) {
        if (is(EOF_IN_FLIGHT)) {
            clear(EOF_IN_FLIGHT);
            if (error != 0 && !PipeErrors.isCancelled(error)) {
                logger.debug("{}: the end-of-stream message failed: {}", this, Win32Error.describe(error));
            }
            return;
        }
        if (writeBuffer == null) {
            logger.warn("{}: a write completed that was not started (bytes={}, error={})", this, bytes,
                    Win32Error.describe(error));
            return;
        }
        // Our reference goes first: a promise completed below finds the buffer released by its writer only.
        writeBuffer.release();
        writeBuffer = null;
        NamedPipeUnsafe unsafe = (NamedPipeUnsafe) unsafe();
        if (is(CLOSE_DEFERRED)) {
            unsafe.removeWritten(bytes, error);
            unsafe.finishDeferredClose();
            return;
        }
        if (!is(OPEN)) {
            return;
        }
        if (error != 0) {
            unsafe.writeFailed(PipeErrors.ioFailure("WriteFile", address, error));
            return;
        }
        unsafe.removeWritten(bytes, 0);
        if (is(EOF_PENDING)) {
            clear(EOF_PENDING);
            writeEndOfStream();
            return;
        }
        unsafe.flushRest();
    }

    /** Tells the peer our output ended: one zero-length write (go-winio's CloseWrite convention). */
    private void writeEndOfStream() {
        int error = pipe.write(writeOp, writeOp.address(), 0);
        if (error == 0) {
            set(EOF_IN_FLIGHT);
        } else if (!PipeErrors.isEndOfPipe(error)) {
            pipeline().fireExceptionCaught(PipeErrors.ioFailure("WriteFile(end of stream)", address, error));
        }
    }

    // ---- half-close

    @Override
    public boolean isInputShutdown() {
        return is(INPUT_SHUTDOWN) || !isActive();
    }

    @Override
    public boolean isOutputShutdown() {
        return is(OUTPUT_SHUTDOWN) || !isActive();
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
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownInput0(promise);
        } else {
            loop.execute(() -> shutdownInput0(promise));
        }
        return promise;
    }

    /** Stops reading: the read in flight is cancelled; what the peer writes from now on is not read. */
    private void shutdownInput0(ChannelPromise promise) {
        if (!isActive()) {
            promise.setFailure(new ClosedChannelException());
            return;
        }
        set(INPUT_SHUTDOWN);
        clear(READ_PENDING);
        if (readOp.isPending()) {
            pipe.cancel(readOp);
        }
        promise.setSuccess();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
        } else {
            loop.execute(() -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
        }
        return promise;
    }

    /**
     * Called by Netty's shutdownOutput after it stopped taking writes. With {@link
     * NamedPipeChannelOption#ZERO_LENGTH_EOF} the peer is sent one zero-length write, after the write in flight;
     * without it a pipe has no way to tell the peer, so this refuses, saying so.
     */
    @Override
    protected void doShutdownOutput() throws Exception {
        if (!isActive()) {
            throw new ClosedChannelException();
        }
        set(OUTPUT_SHUTDOWN);
        if (!config.isZeroLengthEof()) {
            throw new UnsupportedOperationException("a named pipe has no half-close of its own: " + address
                    + " takes no more writes, but the peer was not told; on a message pipe, set "
                    + "NamedPipeChannelOption.ZERO_LENGTH_EOF on both ends to send the end of the stream as a "
                    + "zero-length message");
        }
        if (!is(MESSAGE_WRITES)) {
            throw new UnsupportedOperationException("a byte pipe has no end-of-stream marker (a zero-length write "
                    + "may never reach the reader): " + address + " takes no more writes, but the peer was not "
                    + "told; use a message pipe (PIPE_MODE MESSAGE) with ZERO_LENGTH_EOF for half-close");
        }
        if (writeOp.isPending()) {
            set(EOF_PENDING);
        } else {
            writeEndOfStream();
        }
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

    private void connected(PipeHandle handle) {
        connector = null;
        pipe = handle;
        try {
            handle.associate(registration.handler().port());
            boolean messagePipe = handle.isMessagePipe();
            boolean messageReads = config.getReadMode() == NamedPipeMode.MESSAGE;
            if (messageReads && !messagePipe) {
                throw new java.net.ConnectException("READ_MODE MESSAGE needs a message pipe, but " + address
                        + " is a byte pipe: set READ_MODE BYTE, or have the server use PIPE_MODE MESSAGE");
            }
            if (messageReads) {
                handle.setReadMode(true);
            }
            String required = config.getRequiredServerUser();
            if (required != null) {
                ServerOwnerCheck.verify(handle, address, required);
            }
            set((messageReads ? MESSAGE_READS : 0) | (messagePipe ? MESSAGE_WRITES : 0));
        } catch (IOException e) {
            connectFailed(e instanceof Win32Exception
                    ? PipeErrors.connectFailure(address, (Win32Exception) e) : e);
            return;
        }
        ChannelPromise promise = connectPromise;
        connectPromise = null;
        clear(CONNECTING);
        set(ACTIVE);
        if (promise.trySuccess()) {
            pipeline().fireChannelActive();
        } else {
            unsafe().close(unsafe().voidPromise()); // cancelled meanwhile
        }
    }

    private void connectFailed(Throwable cause) {
        connector = null;
        ChannelPromise promise = connectPromise;
        connectPromise = null;
        clear(CONNECTING);
        if (promise != null) {
            promise.tryFailure(cause);
        }
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
            if (is(CONNECTING)) {
                promise.setFailure(new ConnectionPendingException());
                return;
            }
            if (!(remoteAddress instanceof NamedPipeAddress)) {
                promise.setFailure(new IllegalArgumentException("not a NamedPipeAddress: " + remoteAddress));
                return;
            }
            address = (NamedPipeAddress) remoteAddress;
            set(CONNECTING);
            connectPromise = promise;
            promise.addListener(f -> {
                if (f.isCancelled()) {
                    close(voidPromise());
                }
            });
            connector = new PipeConnector(eventLoop(), address, config.getConnectTimeoutMillis(),
                    new PipeConnector.Outcome() {
                        @Override
                        public void connected(PipeHandle handle) {
                            NamedPipeChannel.this.connected(handle);
                        }

                        @Override
                        public void failed(Throwable cause) {
                            connectFailed(cause);
                        }
                    });
            connector.start();
        }

        /**
         * A pipe channel stays with the event loop it was registered on: Windows ties its handle to that loop's
         * completion port for the handle's life. Deregistering an open channel is refused; a closed one leaves.
         */
        @Override
        public void deregister(ChannelPromise promise) {
            if (isOpen() && isRegistered()) {
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
         */
        @Override
        public void close(ChannelPromise promise) {
            if (is(CLOSE_DEFERRED)) {
                deferredCloses.add(promise);
                return;
            }
            if (is(OPEN) && writeOp != null && writeOp.isPending() && !is(EOF_IN_FLIGHT)) {
                set(CLOSE_DEFERRED);
                deferredCloses = new ArrayList<>(2);
                deferredCloses.add(promise);
                pipe.cancelAll();
                return;
            }
            super.close(promise);
        }

        void finishDeferredClose() {
            clear(CLOSE_DEFERRED);
            List<ChannelPromise> promises = deferredCloses;
            deferredCloses = null;
            for (ChannelPromise promise : promises) {
                super.close(promise);
            }
        }

        void writeFailed(IOException cause) {
            handleWriteError(cause);
        }

        /** Completes the promises of what the kernel wrote; a message is written whole or not at all. */
        void removeWritten(int bytes, int error) {
            ChannelOutboundBuffer in = outboundBuffer();
            if (in == null) {
                return; // output shut down: its writes were failed already
            }
            set(REMOVING_WRITTEN);
            try {
                if (!is(MESSAGE_WRITES)) {
                    in.removeBytes(bytes);
                } else if (error == 0) {
                    in.remove();
                }
            } finally {
                clear(REMOVING_WRITTEN);
            }
        }

        void flushRest() {
            flush0();
        }
    }
}
