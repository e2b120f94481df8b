package dev.npipe.transport;

import dev.npipe.codec.message.PipeMessage;
import dev.npipe.codec.message.PipeMessageChunk;
import dev.npipe.transport.win32.Advapi32;
import dev.npipe.transport.win32.Kernel32;
import dev.npipe.transport.win32.NativeBlock;
import dev.npipe.transport.win32.Overlapped;
import dev.npipe.transport.win32.Win32Error;
import dev.npipe.transport.win32.Win32Exception;
import dev.npipe.transport.win32.Win32Handle;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connected pipe instance: the server's child for one client, or a client's connection to a server.
 *
 * <p>One overlapped ReadFile and one overlapped WriteFile are in flight at most. Reads go into direct buffers
 * from the {@link RecvByteBufAllocator}; small writes are copied into one buffer so a burst of them costs one
 * WriteFile. Closing cancels what is in flight and closes the handle when the last completion has arrived, so
 * the kernel never writes into freed memory. Closing does not call DisconnectNamedPipe, which would discard what
 * the peer has not read yet: after CloseHandle the peer still reads every byte written, then sees the pipe end.
 */
public final class NamedPipeChannel extends AbstractNamedPipeChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NamedPipeChannel.class);
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    /** Buffers at least this large are written as they are; smaller ones are copied together. */
    private static final int COALESCE_THRESHOLD = 16 * 1024;
    private static final int MAX_COALESCED_BYTES = 64 * 1024;
    private static final long MAX_CONNECT_BACKOFF_MILLIS = 50;
    private static final int TOKEN_QUERY = 0x0008;
    /** Tests turn this off to exercise passing completions between loops where adoption would avoid it. */
    static volatile boolean adoptPorts = true;
    /** A server's child not registered this long after it was accepted is closed (tests shorten it). */
    static volatile long unregisteredChildGraceMillis = 10_000;
    private static final int UNCLAIMED = 0;
    private static final int REGISTERED = 1;
    private static final int ABANDONED = 2;

    private final NamedPipeChannelConfig config = new NamedPipeChannelConfig(this);
    private NamedPipeAddress address;
    private long pipe;
    private boolean open = true;
    private boolean active;
    /** Message mode: reads are chunks with a last flag, and every outbound buffer is one WriteFile. */
    private boolean messageMode;
    private Overlapped readOp;
    private Overlapped writeOp;
    private ByteBuf readBuffer;
    private ByteBuf writeBuffer;
    /** Set while written messages are removed: that can fire writability events whose flush must wait. */
    private boolean removingWritten;
    private ChannelPromise connectPromise;
    private Future<?> connectRetry;
    private long connectDeadlineNanos;
    private long connectBackoffMillis;
    /**
     * Server children only: who owns the handle before registration. Registration claims it; the server abandons
     * (and closes) a child that nobody registered, e.g. because a non-@Sharable child handler failed its setup.
     */
    private final AtomicInteger claim = new AtomicInteger(UNCLAIMED);

    /** A client channel; connect it with {@code Bootstrap.connect(new NamedPipeAddress(...))}. */
    public NamedPipeChannel() {
        super(null);
    }

    /** The server side of one connection; takes ownership of the connected pipe handle. */
    NamedPipeChannel(NamedPipeServerChannel parent, long pipe, NamedPipeAddress address) {
        super(parent);
        this.pipe = pipe;
        this.address = address;
        this.active = true;
    }

    /**
     * Who is on the client end: its process id, session id and user SID. Server-side channels only. The user is
     * read by impersonating the client just long enough to open its token; the thread always reverts.
     *
     * @throws IOException naming the Win32 call and error when Windows cannot tell
     */
    public NamedPipePeerCredentials peerCredentials() throws IOException {
        if (parent() == null) {
            throw new IllegalStateException("peerCredentials() is for the server side; a client can ask "
                    + "serverProcessId()");
        }
        return onLoop(() -> {
            long handle = openPipe();
            NativeBlock out = new NativeBlock(16);
            try {
                if (Kernel32.GetNamedPipeClientProcessId(handle, out.address()) == 0) {
                    throw new Win32Exception("GetNamedPipeClientProcessId(" + address + ")", Kernel32.lastError());
                }
                if (Kernel32.GetNamedPipeClientSessionId(handle, out.address() + 4) == 0) {
                    throw new Win32Exception("GetNamedPipeClientSessionId(" + address + ")", Kernel32.lastError());
                }
                return new NamedPipePeerCredentials(out.view().getInt(0), out.view().getInt(4),
                        clientUserSid(handle, out));
            } finally {
                out.free();
            }
        });
    }

    private static String clientUserSid(long handle, NativeBlock out) throws Win32Exception {
        if (Advapi32.ImpersonateNamedPipeClient(handle) == 0) {
            throw new Win32Exception("ImpersonateNamedPipeClient", Kernel32.lastError());
        }
        long token;
        try {
            if (Advapi32.OpenThreadToken(Kernel32.GetCurrentThread(), TOKEN_QUERY, 1, out.address() + 8) == 0) {
                throw new Win32Exception("OpenThreadToken", Kernel32.lastError());
            }
            token = out.view().getLong(8);
        } finally {
            // Never leave the event-loop thread running as the client.
            if (Advapi32.RevertToSelf() == 0) {
                throw new IllegalStateException("RevertToSelf failed: " + Win32Error.describe(Kernel32.lastError()));
            }
        }
        try {
            return Advapi32.sidOfToken(token);
        } finally {
            Kernel32.CloseHandle(token);
        }
    }

    /** The server's process id (GetNamedPipeServerProcessId). Client channels only. */
    public int serverProcessId() throws IOException {
        if (parent() != null) {
            throw new IllegalStateException("serverProcessId() is for clients; the server side has peerCredentials()");
        }
        return onLoop(() -> {
            long handle = openPipe();
            NativeBlock out = new NativeBlock(8);
            try {
                if (Kernel32.GetNamedPipeServerProcessId(handle, out.address()) == 0) {
                    throw new Win32Exception("GetNamedPipeServerProcessId(" + address + ")", Kernel32.lastError());
                }
                return out.view().getInt(0);
            } finally {
                out.free();
            }
        });
    }

    private long openPipe() throws IOException {
        if (!isActive() || pipe == 0) {
            throw new ClosedChannelException();
        }
        return pipe;
    }

    private interface PipeQuery<T> {
        T run() throws IOException;
    }

    /** Runs on the event loop, where the handle cannot be closed underneath. */
    private <T> T onLoop(PipeQuery<T> query) throws IOException {
        if (eventLoop().inEventLoop()) {
            return query.run();
        }
        try {
            return eventLoop().submit(query::run).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while asking Windows about " + address);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException) {
                throw (IOException) e.getCause();
            }
            throw new IOException(e.getCause());
        }
    }

    /** The pipe handle, for tests that ask Windows about it; 0 when not connected. */
    long pipeHandle() {
        return pipe;
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
        return open && claim.get() != ABANDONED;
    }

    @Override
    public boolean isActive() {
        return open && active;
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
        return active ? address : null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return active ? address : null;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new NamedPipeUnsafe();
    }

    /**
     * Called by the server some time after accepting: closes the handle of a child that was never registered.
     * Returns true when it did. Any thread: the handle is not used by a loop before registration claims it.
     */
    boolean abandonIfUnregistered() {
        if (!claim.compareAndSet(UNCLAIMED, ABANDONED)) {
            return false;
        }
        Win32Handle.close(pipe);
        return true;
    }

    @Override
    void onRegistered() throws ClosedChannelException {
        if (parent() != null && !claim.compareAndSet(UNCLAIMED, REGISTERED)) {
            throw new ClosedChannelException(); // abandoned by the server: its handle is closed
        }
        messageMode = config.getReadMode() == NamedPipeMode.MESSAGE;
        readOp = registration.newOverlapped();
        writeOp = registration.newOverlapped();
        NamedPipeServerChannel server = parent();
        if (server != null && server.registration.handler() != registration.handler()
                && !(adoptPorts && registration.adopt(pipe))) {
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
        boolean wasOpen = open;
        open = false;
        active = false;
        if (connectPromise != null) {
            connectPromise.tryFailure(new ClosedChannelException());
            connectPromise = null;
        }
        if (connectRetry != null) {
            connectRetry.cancel(false);
            connectRetry = null;
        }
        if (wasOpen && pipe != 0 && isBusy()) {
            Kernel32.CancelIoEx(pipe, 0L);
        }
        closePipeIfIdle();
    }

    private boolean isBusy() {
        return readOp != null && readOp.isPending() || writeOp != null && writeOp.isPending();
    }

    /** Closes the handle once no operation uses it; before that the kernel may still write into our blocks. */
    private void closePipeIfIdle() {
        if (!open && pipe != 0 && !isBusy()) {
            closePipe();
        }
    }

    /** Closes the handle, and tells the server an instance is free (it may be waiting at MAX_INSTANCES). */
    private void closePipe() {
        if (claim.get() == ABANDONED) {
            pipe = 0; // the server closed it
            return;
        }
        Win32Handle.close(pipe);
        pipe = 0;
        NamedPipeServerChannel server = parent();
        if (server != null) {
            try {
                server.eventLoop().execute(server::childClosed);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the server's loop is stopping: nothing to listen for any more
            }
        }
    }

    @Override
    void onUnregistered() {
        if (pipe != 0) {
            closePipe();
        }
        releaseBuffers();
    }

    private void releaseBuffers() {
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
        if (!isActive() || readOp.isPending()) {
            return;
        }
        RecvByteBufAllocator.Handle allocHandle = unsafe().recvBufAllocHandle();
        allocHandle.reset(config);
        ByteBuf buf = config.getAllocator().directBuffer(allocHandle.guess());
        int length = buf.writableBytes();
        long address = PipeBuffers.address(buf, buf.writerIndex(), length);
        if (Kernel32.ReadFile(pipe, address, length, 0L, readOp.start()) == 0) {
            int error = Kernel32.lastError();
            // ERROR_MORE_DATA at once is a partial success: its completion is queued like any other.
            if (error != Win32Error.ERROR_IO_PENDING && error != Win32Error.ERROR_MORE_DATA) {
                readOp.notStarted();
                buf.release();
                readFailed(error);
                return;
            }
        }
        // A read that finished at once still posts its completion to the port: handle both the same way.
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
        if (!open) {
            buf.release();
            return;
        }
        boolean moreToCome = messageMode && error == Win32Error.ERROR_MORE_DATA;
        if (error != 0 && !moreToCome) {
            buf.release();
            readFailed(error);
            return;
        }
        RecvByteBufAllocator.Handle allocHandle = unsafe().recvBufAllocHandle();
        allocHandle.lastBytesRead(bytes);
        if (messageMode) {
            // One chunk per read, never two messages in one: ERROR_MORE_DATA says the message goes on.
            buf.writerIndex(buf.writerIndex() + bytes);
            allocHandle.incMessagesRead(1);
            pipeline().fireChannelRead(new PipeMessageChunk(buf, !moreToCome));
            allocHandle.readComplete();
            pipeline().fireChannelReadComplete();
            return;
        }
        if (bytes == 0) {
            // A zero-byte write by the peer: nothing to deliver in byte mode. Keep reading.
            buf.release();
            allocHandle.readComplete();
            if (config.isAutoRead()) {
                doBeginRead();
            }
            return;
        }
        buf.writerIndex(buf.writerIndex() + bytes);
        allocHandle.incMessagesRead(1);
        ChannelPipeline pipeline = pipeline();
        pipeline.fireChannelRead(buf);
        allocHandle.readComplete();
        pipeline.fireChannelReadComplete();
    }

    private void readFailed(int error) {
        if (error == Win32Error.ERROR_OPERATION_ABORTED && !open) {
            return;
        }
        if (isEndOfPipe(error)) {
            unsafe().close(unsafe().voidPromise());
            return;
        }
        pipeline().fireExceptionCaught(new Win32Exception("ReadFile(" + address + ")", error));
        unsafe().close(unsafe().voidPromise());
    }

    static boolean isEndOfPipe(int error) {
        return error == Win32Error.ERROR_BROKEN_PIPE || error == Win32Error.ERROR_PIPE_NOT_CONNECTED
                || error == Win32Error.ERROR_HANDLE_EOF || error == Win32Error.ERROR_NO_DATA;
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
        if (writeOp.isPending() || removingWritten) {
            return; // the completion flushes the rest
        }
        ByteBuf head;
        while ((head = (ByteBuf) in.current()) != null && !head.isReadable() && !messageMode) {
            in.remove();
        }
        if (head == null) {
            return;
        }
        ByteBuf toWrite;
        if (messageMode || in.size() == 1 || head.readableBytes() >= COALESCE_THRESHOLD) {
            // In message mode a buffer is a message: exactly one WriteFile, never merged, even when empty.
            // Written from its reader index as it is: a slice would be one more object per write.
            toWrite = head.retain();
        } else {
            toWrite = coalesce(in);
        }
        int length = toWrite.readableBytes();
        long address = PipeBuffers.address(toWrite, toWrite.readerIndex(), length);
        if (Kernel32.WriteFile(pipe, address, length, 0L, writeOp.start()) == 0) {
            int error = Kernel32.lastError();
            if (error != Win32Error.ERROR_IO_PENDING) {
                writeOp.notStarted();
                toWrite.release();
                throw new Win32Exception("WriteFile(" + address() + ")", error);
            }
        }
        writeBuffer = toWrite;
    }

    private NamedPipeAddress address() {
        return address;
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
        if (writeBuffer == null) {
            logger.warn("{}: a write completed that was not started (bytes={}, error={})", this, bytes,
                    Win32Error.describe(error));
            return;
        }
        writeBuffer.release();
        writeBuffer = null;
        if (!open) {
            return;
        }
        if (error != 0) {
            // Fails the flushed writes with the cause and closes the channel, as a failed doWrite would.
            ((NamedPipeUnsafe) unsafe()).writeFailed(new Win32Exception("WriteFile(" + address + ")", error));
            return;
        }
        ((NamedPipeUnsafe) unsafe()).writeDone(bytes);
    }

    // ---- connect (client)

    private void tryConnect() {
        connectRetry = null;
        if (connectPromise == null) {
            return;
        }
        long handle = Win32Handle.openPipe(address.path());
        if (handle > 0) {
            pipe = handle;
            try {
                registration.associate(pipe);
            } catch (Win32Exception e) {
                failConnect(new ConnectException("cannot use pipe " + address + ": " + e.getMessage()));
                return;
            }
            if (config.getReadMode() == NamedPipeMode.MESSAGE) {
                ConnectException refused = enterMessageReadMode();
                if (refused != null) {
                    failConnect(refused);
                    return;
                }
                messageMode = true;
            }
            String required = config.getRequiredServerUser();
            if (required != null) {
                ConnectException refused = checkServerUser(required);
                if (refused != null) {
                    failConnect(refused);
                    return;
                }
            }
            ChannelPromise promise = connectPromise;
            connectPromise = null;
            active = true;
            if (promise.trySuccess()) {
                pipeline().fireChannelActive();
            } else {
                unsafe().close(unsafe().voidPromise());
            }
            return;
        }
        int error = (int) -handle;
        boolean retryable = error == Win32Error.ERROR_PIPE_BUSY || error == Win32Error.ERROR_FILE_NOT_FOUND;
        if (!retryable) {
            failConnect(new ConnectException("cannot connect to " + address + ": CreateFileW failed: "
                    + Win32Error.describe(error)));
            return;
        }
        long remainingNanos = connectDeadlineNanos - System.nanoTime();
        if (remainingNanos <= 0) {
            failConnect(new ConnectTimeoutException("connecting to " + address + " timed out after "
                    + config.getConnectTimeoutMillis() + " ms; last error " + Win32Error.describe(error)
                    + (error == Win32Error.ERROR_FILE_NOT_FOUND ? ": no server has created this pipe"
                    : ": every instance of the pipe is busy")));
            return;
        }
        // Busy or not there yet: try again soon, from the loop, never with a blocking WaitNamedPipe.
        long delayNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(connectBackoffMillis), remainingNanos);
        connectBackoffMillis = Math.min(connectBackoffMillis * 2, MAX_CONNECT_BACKOFF_MILLIS);
        connectRetry = eventLoop().schedule(this::tryConnect, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Refuses a server that does not run as {@code requiredSid}: whoever created the name first may be a squatter. */
    private ConnectException checkServerUser(String requiredSid) {
        NativeBlock out = new NativeBlock(8);
        try {
            if (Kernel32.GetNamedPipeServerProcessId(pipe, out.address()) == 0) {
                return new ConnectException("cannot tell who serves " + address + ": GetNamedPipeServerProcessId "
                        + "failed: " + Win32Error.describe(Kernel32.lastError()));
            }
            int serverPid = out.view().getInt(0);
            String actual = Advapi32.userSidOfProcess(serverPid);
            if (!requiredSid.equalsIgnoreCase(actual)) {
                return new ConnectException("the server of " + address + " (process " + serverPid + ") runs as "
                        + actual + ", not " + requiredSid + " as REQUIRED_SERVER_USER demands; another program may"
                        + " have created the name first to squat it");
            }
            return null;
        } catch (Win32Exception e) {
            return new ConnectException("cannot tell who serves " + address + ": " + e.getMessage());
        } finally {
            out.free();
        }
    }

    /** Checks that the server made a message pipe and switches our end to message reads. */
    private ConnectException enterMessageReadMode() {
        NativeBlock word = new NativeBlock(8);
        try {
            if (Kernel32.GetNamedPipeInfo(pipe, word.address(), 0L, 0L, 0L) == 0) {
                return new ConnectException("cannot query pipe " + address + ": GetNamedPipeInfo failed: "
                        + Win32Error.describe(Kernel32.lastError()));
            }
            if ((word.view().getInt(0) & Kernel32.PIPE_TYPE_MESSAGE) == 0) {
                return new ConnectException("READ_MODE MESSAGE needs a message pipe, but " + address
                        + " is a byte pipe: set READ_MODE BYTE, or have the server use PIPE_MODE MESSAGE");
            }
            word.view().putInt(0, Kernel32.PIPE_READMODE_MESSAGE);
            if (Kernel32.SetNamedPipeHandleState(pipe, word.address(), 0L, 0L) == 0) {
                return new ConnectException("cannot read " + address + " in message mode: SetNamedPipeHandleState"
                        + " failed: " + Win32Error.describe(Kernel32.lastError()));
            }
            return null;
        } finally {
            word.free();
        }
    }

    private void failConnect(ConnectException cause) {
        ChannelPromise promise = connectPromise;
        connectPromise = null;
        if (promise != null) {
            promise.tryFailure(cause);
        }
        unsafe().close(unsafe().voidPromise());
    }

    private final class NamedPipeUnsafe extends AbstractNamedPipeUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            if (active) {
                promise.setFailure(new AlreadyConnectedException());
                return;
            }
            if (connectPromise != null) {
                promise.setFailure(new ConnectionPendingException());
                return;
            }
            if (!(remoteAddress instanceof NamedPipeAddress)) {
                promise.setFailure(new IllegalArgumentException("not a NamedPipeAddress: " + remoteAddress));
                return;
            }
            address = (NamedPipeAddress) remoteAddress;
            connectPromise = promise;
            connectDeadlineNanos = System.nanoTime()
                    + TimeUnit.MILLISECONDS.toNanos(Math.max(0, config.getConnectTimeoutMillis()));
            connectBackoffMillis = 1;
            tryConnect();
        }

        void writeFailed(Win32Exception cause) {
            handleWriteError(cause);
        }

        void writeDone(int bytes) {
            ChannelOutboundBuffer in = outboundBuffer();
            if (in != null) {
                removingWritten = true;
                try {
                    if (messageMode) {
                        in.remove(); // message writes are whole or fail
                    } else {
                        in.removeBytes(bytes);
                    }
                } finally {
                    removingWritten = false;
                }
            }
            flush0();
        }
    }

}
