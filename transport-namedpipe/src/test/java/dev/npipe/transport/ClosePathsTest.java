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

import dev.npipe.codec.message.PipeMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 18: every close path keeps Netty's promises; each test names the item it shows. */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClosePathsTest {
    /** Far more than {@link #smallBuffers} hold: a write of this many bytes waits for the reader. */
    private static final int WAITING_WRITE = 256 * 1024;

    private NamedPipeEventLoopGroup group;
    private NamedPipeEventLoopGroup other;
    private long handlesBefore;
    private long blocksBefore;

    @BeforeEach
    void setUp() {
        handlesBefore = NativeResources.openHandles();
        blocksBefore = NativeResources.liveBlocks();
        group = PipeTestSupport.newGroup("close-paths", 1);
        other = PipeTestSupport.newGroup("close-paths-other", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group, other);
        LeakRecorder.assertNoLeaks();
        assertTrue(PipeTestSupport.eventually(10_000, () -> NativeResources.openHandles() == handlesBefore
                        && NativeResources.liveBlocks() == blocksBefore),
                "handles left open: " + (NativeResources.openHandles() - handlesBefore) + ", native blocks left: "
                        + (NativeResources.liveBlocks() - blocksBefore));
    }

    /**
     * Item 3: a write the transport refuses is released by Netty's write, once; the filter released it too, so a
     * buffer written with two references lost both.
     */
    @Test
    void aRefusedWriteIsReleasedOnce() throws Exception {
        try (PipePair pair = new PipePair(group, sb -> sb.option(NamedPipeChannelOption.PIPE_MODE,
                NamedPipeMode.MESSAGE), b -> b.option(NamedPipeChannelOption.ZERO_LENGTH_EOF, true), null, null)) {
            // Refused by ZERO_LENGTH_EOF: an empty buffer and an empty message.
            assertRefusedOnce(pair.client, Unpooled.directBuffer(8), IllegalArgumentException.class, null);
            assertRefusedOnce(pair.client, new PipeMessage(Unpooled.directBuffer(8)), IllegalArgumentException.class,
                    null);
            // Refused because copying into native memory fails: a heap buffer and a message holding one.
            assertRefusedOnce(pair.client, Unpooled.buffer(8).writeLong(1), OutOfMemoryError.class,
                    new FailingAllocator());
            assertRefusedOnce(pair.client, new PipeMessage(Unpooled.buffer(8).writeLong(2)), OutOfMemoryError.class,
                    new FailingAllocator());
        }
    }

    /** Writes {@code msg} holding two references (on the loop, with {@code allocator} if given): one must be left. */
    private static void assertRefusedOnce(NamedPipeChannel channel, Object msg, Class<? extends Throwable> expected,
                                          ByteBufAllocator allocator) throws Exception {
        io.netty.util.ReferenceCounted counted = (io.netty.util.ReferenceCounted) msg;
        counted.retain();
        ChannelFuture write = channel.eventLoop().submit(() -> {
            ByteBufAllocator before = channel.config().getAllocator();
            if (allocator != null) {
                channel.config().setAllocator(allocator);
            }
            try {
                return channel.writeAndFlush(msg);
            } finally {
                channel.config().setAllocator(before);
            }
        }).get(5, TimeUnit.SECONDS).await();
        assertInstanceOf(expected, write.cause(), msg.getClass().getSimpleName() + " write");
        int left = counted.refCnt();
        if (left > 0) {
            counted.release(left);
        }
        assertEquals(1, left, "references left of a refused " + msg.getClass().getSimpleName()
                + " written holding two");
    }

    /** An allocator whose direct buffers cannot be had. */
    private static final class FailingAllocator extends AbstractByteBufAllocator {
        FailingAllocator() {
            super(true);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return Unpooled.buffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            throw new OutOfMemoryError("no direct memory (test)");
        }
    }

    /**
     * Item 12: a registered client that never connected is open but not connected: both shutdowns fail with
     * NotYetConnectedException, as a Netty socket's do; once closed, with ClosedChannelException.
     */
    @Test
    void shutdownBeforeConnectIsNotYetConnected() throws Exception {
        Channel channel = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).register().sync().channel();
        NamedPipeChannel client = (NamedPipeChannel) channel;
        assertInstanceOf(NotYetConnectedException.class, client.shutdownInput().await().cause(), "shutdownInput");
        assertInstanceOf(NotYetConnectedException.class, client.shutdownOutput().await().cause(), "shutdownOutput");
        assertTrue(client.isOpen(), "a refused shutdown leaves the channel open");
        client.close().sync();
        assertInstanceOf(ClosedChannelException.class, client.shutdownInput().await().cause(), "shutdownInput closed");
        assertInstanceOf(ClosedChannelException.class, client.shutdownOutput().await().cause(),
                "shutdownOutput closed");
    }

    /**
     * Item 1: the child's loop stops while its write is in flight (the client reads nothing, so the pipe is full):
     * the loop's own close waits for the cancelled write, and must still complete the channel's close before the
     * loop is gone: closeFuture, every write's promise, every buffer released, the pipeline torn down.
     */
    @Test
    void theLoopStopsWithAWriteInFlight() throws Exception {
        loopStopsWithAWriteInFlight(false);
    }

    /** Item 1: as above, after close() was deferred by the write in flight, in the same task as the shutdown. */
    @Test
    void theLoopStopsWhileACloseWaitsForItsWrite() throws Exception {
        loopStopsWithAWriteInFlight(true);
    }

    private void loopStopsWithAWriteInFlight(boolean closeFirst) throws Exception {
        try (PipePair pair = new PipePair(group, sb -> { }, b -> b.group(other)
                .option(io.netty.channel.ChannelOption.AUTO_READ, false), null, null)) {
            java.util.concurrent.CountDownLatch tornDown = new java.util.concurrent.CountDownLatch(1);
            pair.child.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void handlerRemoved(io.netty.channel.ChannelHandlerContext ctx) {
                    tornDown.countDown();
                }
            });
            java.util.List<ByteBuf> buffers = new java.util.ArrayList<>();
            java.util.List<ChannelFuture> writes = new java.util.ArrayList<>();
            // One write far larger than the pipe's buffer stays in flight; the small ones wait in the outbound buffer.
            buffers.add(Unpooled.directBuffer(1 << 20).writeZero(1 << 20));
            for (int i = 0; i < 3; i++) {
                buffers.add(Unpooled.directBuffer(8).writeLong(i));
            }
            pair.child.eventLoop().submit(() -> {
                for (ByteBuf buf : buffers) {
                    writes.add(pair.child.writeAndFlush(buf));
                }
                if (closeFirst) {
                    pair.child.close();
                    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                }
            }).sync();
            if (!closeFirst) {
                Thread.sleep(200);
                assertTrue(writes.stream().noneMatch(ChannelFuture::isDone), "the writes should wait for the reader");
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            assertTrue(group.awaitTermination(10, TimeUnit.SECONDS), "the child's loop did not stop");
            assertTrue(pair.child.closeFuture().isDone(), "closeFuture of the child did not complete");
            for (int i = 0; i < writes.size(); i++) {
                assertTrue(writes.get(i).isDone(), "write " + i + "'s promise did not complete");
                assertEquals(0, buffers.get(i).refCnt(), "write " + i + "'s buffer was not released");
            }
            assertTrue(tornDown.await(0, TimeUnit.SECONDS), "the child's pipeline was not torn down");
        }
    }

    /**
     * A write waiting for room fails with the kernel's answer when the reader closes its end: Windows completes it
     * with ERROR_BROKEN_PIPE (Wine's conformance test kernel32/tests/pipe.c, "close client with pending writes" and
     * "close server with pending writes", run on Windows). The writer reads too, so the same close may reach it
     * first as the end of its input, closing it while the write is in flight; the write's promise still carries the
     * Win32 error, not the close's ClosedChannelException. Its buffer is released once, the writer closes.
     */
    @ParameterizedTest
    @CsvSource({"BYTE, client", "MESSAGE, client", "BYTE, server", "MESSAGE, server"})
    void aWriteWaitingForRoomFailsWithBrokenPipeWhenTheReaderCloses(NamedPipeMode mode, String writerSide)
            throws Exception {
        boolean clientWrites = writerSide.equals("client");
        try (PipePair pair = new PipePair(group, sb -> smallBuffers(sb, mode)
                .childOption(io.netty.channel.ChannelOption.AUTO_READ, !clientWrites), b -> b.group(other)
                .option(NamedPipeChannelOption.READ_MODE, mode)
                .option(io.netty.channel.ChannelOption.AUTO_READ, clientWrites), null, null)) {
            NamedPipeChannel writer = clientWrites ? pair.client : pair.child;
            NamedPipeChannel reader = clientWrites ? pair.child : pair.client;
            ByteBuf message = writer.alloc().directBuffer(WAITING_WRITE).writeZero(WAITING_WRITE);
            ChannelFuture write = writeThatWaits(writer, message);
            reader.close().sync();
            assertFailedWithBrokenPipe(write, message);
            assertTrue(writer.closeFuture().await(10, TimeUnit.SECONDS), "the writer stayed open");
        }
    }

    /**
     * As above, with the order fixed: reader and writer share one loop, and in one task the reader closes (its handle
     * at once: it has no write in flight), then the writer. The writer's close waits for its write, which the
     * kernel failed with ERROR_BROKEN_PIPE at the reader's close: the promise carries that error, as it would had the
     * write's completion come first, not the ClosedChannelException of the close that waited for it.
     */
    @ParameterizedTest
    @CsvSource({"BYTE", "MESSAGE"})
    void aCloseWaitingForAWriteTheReaderBrokeGivesItsPromiseTheWin32Error(NamedPipeMode mode) throws Exception {
        try (PipePair pair = new PipePair(group, sb -> smallBuffers(sb, mode)
                .childOption(io.netty.channel.ChannelOption.AUTO_READ, false), b -> b
                .option(NamedPipeChannelOption.READ_MODE, mode), null, null)) {
            assertEquals(pair.client.eventLoop(), pair.child.eventLoop(), "one loop for both ends");
            ByteBuf message = pair.client.alloc().directBuffer(WAITING_WRITE).writeZero(WAITING_WRITE);
            ChannelFuture write = writeThatWaits(pair.client, message);
            ChannelFuture writerClosed = pair.client.eventLoop().submit(() -> {
                pair.child.close();
                return pair.client.close();
            }).get(10, TimeUnit.SECONDS);
            assertFailedWithBrokenPipe(write, message);
            assertTrue(writerClosed.await(10, TimeUnit.SECONDS) && writerClosed.isSuccess(),
                    "the writer's close: " + writerClosed.cause());
        }
    }

    /**
     * The broken write's listener writes and flushes again, three times over: those writes come after the failing
     * of what was flushed began, so they meet the close that follows (ClosedChannelException, never reaching
     * WriteFile), not the broken write's error, and the failing ends.
     */
    @Test
    void writesFromTheBrokenWritesListenerMeetTheClose() throws Exception {
        try (PipePair pair = new PipePair(group, sb -> smallBuffers(sb, NamedPipeMode.MESSAGE)
                .childOption(io.netty.channel.ChannelOption.AUTO_READ, false), b -> { }, null, null)) {
            ByteBuf message = pair.client.alloc().directBuffer(WAITING_WRITE).writeZero(WAITING_WRITE);
            ChannelFuture write = writeThatWaits(pair.client, message);
            java.util.List<ChannelFuture> again = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
            io.netty.channel.ChannelFutureListener writeAgain = new io.netty.channel.ChannelFutureListener() {
                @Override
                public void operationComplete(ChannelFuture f) {
                    // Counted before the write: on a closed channel it fails, and calls this again, inside it.
                    int n = started.getAndIncrement();
                    if (n < 3) {
                        again.add(pair.client.writeAndFlush(Unpooled.directBuffer(8).writeLong(n)).addListener(this));
                    }
                }
            };
            write.addListener(writeAgain);
            pair.client.eventLoop().submit(() -> {
                pair.child.close();
                return pair.client.close();
            }).get(10, TimeUnit.SECONDS);
            assertFailedWithBrokenPipe(write, message);
            assertTrue(PipeTestSupport.eventually(10_000, () -> again.size() == 3), "writes again: " + again.size());
            for (int i = 0; i < again.size(); i++) {
                ChannelFuture f = again.get(i);
                assertTrue(f.await(10, TimeUnit.SECONDS), "write again " + i + " never completed");
                assertInstanceOf(ClosedChannelException.class, f.cause(), "write again " + i);
            }
        }
    }

    /** A server of {@code mode} whose pipe buffers are 4 KiB each way. */
    private static ServerBootstrap smallBuffers(ServerBootstrap sb, NamedPipeMode mode) {
        return sb.option(NamedPipeChannelOption.PIPE_MODE, mode)
                .option(NamedPipeChannelOption.IN_BUFFER_SIZE, 4096)
                .option(NamedPipeChannelOption.OUT_BUFFER_SIZE, 4096);
    }

    /** Writes {@code message}, which the reader does not take; {@return its future, seen still waiting 200 ms on} */
    private static ChannelFuture writeThatWaits(NamedPipeChannel writer, ByteBuf message) throws InterruptedException {
        ChannelFuture write = writer.writeAndFlush(message);
        Thread.sleep(200);
        assertTrue(!write.isDone(), "the write should wait for the reader, but ended: " + write.cause());
        return write;
    }

    /** The write ends failed with ERROR_BROKEN_PIPE, by code and by name, and its buffer released. */
    private static void assertFailedWithBrokenPipe(ChannelFuture write, ByteBuf message) throws InterruptedException {
        assertTrue(write.await(10, TimeUnit.SECONDS), "the write never completed");
        Throwable cause = write.cause();
        assertInstanceOf(Win32Exception.class, cause, "the write's failure");
        assertEquals(Win32Error.ERROR_BROKEN_PIPE, ((Win32Exception) cause).errorCode(), cause.getMessage());
        assertTrue(cause.getMessage().contains("ERROR_BROKEN_PIPE (109)"), cause.getMessage());
        assertEquals(0, message.refCnt(), "the write's buffer was not released");
    }

    /**
     * Item 4: a server's entry in the registry of names this process serves is removed once, at close. Its
     * unregistration removed it again, and so dropped the entry of a server that had bound the name in between:
     * a third bind of the name was then let through.
     */
    @Test
    void aClosedServerDoesNotDropTheEntryOfTheNextServerOfItsName() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel first = bind(group, address).sync().channel();
        java.util.concurrent.CountDownLatch secondBound = new java.util.concurrent.CountDownLatch(1);
        // The first server's loop closes it and then waits: its deregistration runs only after the second bind.
        first.eventLoop().execute(() -> {
            first.close();
            try {
                secondBound.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(first.closeFuture().await(5, TimeUnit.SECONDS), "the first server did not close");
        Channel second = bind(other, address).sync().channel();
        secondBound.countDown();
        // The first server's deregistration has run once this task of its loop does.
        first.eventLoop().submit(() -> { }).sync();
        assertTrue(PipeTestSupport.eventually(10_000, () -> !first.isRegistered()), "first server still registered");
        ChannelFuture third = bind(other, address).await();
        try {
            assertInstanceOf(java.net.BindException.class, third.cause(), "a third bind while the second server "
                    + "serves the name must be refused");
        } finally {
            third.channel().close().sync();
            second.close().sync();
        }
    }

    /**
     * Item 4: a bind that fails with an exception that is not a Win32 one (here: the server's registration was
     * cancelled by a deregister before the bind) gives back the name, its entry in the registry and its handles.
     */
    @Test
    void aBindFailingWithANonWin32ExceptionGivesTheNameBack() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new io.netty.bootstrap.ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter()).register().sync().channel();
        server.deregister().sync();
        ChannelFuture bind = server.eventLoop().submit(() -> server.bind(address)).get(5, TimeUnit.SECONDS).await();
        assertInstanceOf(IllegalStateException.class, bind.cause(), "bind of a deregistered server");
        server.close().await(5, TimeUnit.SECONDS);
        ChannelFuture again = bind(group, address).await();
        assertTrue(again.isSuccess(), "the name should be free again: " + again.cause());
        again.channel().close().sync();
    }

    private static ChannelFuture bind(NamedPipeEventLoopGroup loops, NamedPipeAddress address) {
        return new io.netty.bootstrap.ServerBootstrap().group(loops).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter()).bind(address);
    }

    /**
     * Item 6: a child registered on another loop than its server's is no longer awaited: the server had kept a
     * timer (10 s by default) and a reference to it for the check that closes children nobody registers.
     */
    @Test
    void aChildRegisteredOnAnotherLoopIsNotAwaitedAnyMore() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        java.util.concurrent.BlockingQueue<Channel> children = new java.util.concurrent.LinkedBlockingQueue<>();
        NamedPipeServerChannel server = (NamedPipeServerChannel) new io.netty.bootstrap.ServerBootstrap()
                .group(group, other).channel(NamedPipeServerChannel.class)
                .childHandler(new io.netty.channel.ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        children.add(ch);
                    }
                }).bind(address).sync().channel();
        server.unregisteredChildGraceMillis = 60_000;
        java.util.List<Channel> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(new Bootstrap().group(group).channel(NamedPipeChannel.class)
                        .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel());
                Channel child = children.poll(5, TimeUnit.SECONDS);
                assertTrue(child != null && child.eventLoop() != server.eventLoop(), "child " + i + " on the other loop");
            }
            assertTrue(PipeTestSupport.eventually(10_000, () -> server.eventLoop()
                            .submit(server::childrenAwaitingRegistration).syncUninterruptibly().getNow() == 0),
                    "the server still awaits the registration of " + server.eventLoop()
                            .submit(server::childrenAwaitingRegistration).sync().getNow() + " registered children");
        } finally {
            for (Channel client : clients) {
                client.close().sync();
            }
            server.close().sync();
        }
    }

    /**
     * Item 2: shutdownOutput() with a write in flight waits for that write, as close() does: its promise tells
     * what the kernel did (the peer got the whole message), not a ChannelOutputShutdownException given while the
     * kernel was still writing it. The peer then reads the end of the stream.
     */
    @Test
    void shutdownOutputWithAWriteInFlightWaitsForIt() throws Exception {
        java.util.concurrent.BlockingQueue<byte[]> atClient = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.CountDownLatch clientInputShutdown = new java.util.concurrent.CountDownLatch(1);
        try (PipePair pair = new PipePair(group, sb -> sb.option(NamedPipeChannelOption.PIPE_MODE,
                NamedPipeMode.MESSAGE).childOption(NamedPipeChannelOption.ZERO_LENGTH_EOF, true), b -> b.group(other)
                .option(io.netty.channel.ChannelOption.AUTO_READ, false)
                .option(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(NamedPipeChannelOption.ZERO_LENGTH_EOF, true)
                .option(NamedPipeChannelOption.READ_MODE, NamedPipeMode.MESSAGE), null, null)) {
            pair.client.pipeline().addLast(new dev.npipe.codec.message.PipeMessageAggregator(4 << 20),
                    new MessageCollector(atClient), new ChannelInboundHandlerAdapter() {
                        @Override
                        public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
                            if (evt instanceof io.netty.channel.socket.ChannelInputShutdownReadComplete) {
                                clientInputShutdown.countDown();
                            }
                        }
                    });
            int size = 1 << 20;
            ChannelFuture written = pair.child.writeAndFlush(Unpooled.directBuffer(size).writeZero(size));
            Thread.sleep(200);
            assertTrue(!written.isDone(), "the message should wait for the reader");
            ChannelFuture shutdown = pair.child.shutdownOutput();
            Thread.sleep(100);
            assertTrue(!written.isDone(), "the write in flight was failed by shutdownOutput() while the kernel was "
                    + "still writing it: " + written.cause());
            pair.client.config().setAutoRead(true);
            byte[] got = atClient.poll(10, TimeUnit.SECONDS);
            assertTrue(got != null && got.length == size, "the client did not get the whole message");
            assertTrue(written.await(5, TimeUnit.SECONDS) && written.isSuccess(), "the peer got the message, so its "
                    + "write succeeded: " + written.cause());
            assertTrue(shutdown.await(5, TimeUnit.SECONDS) && shutdown.isSuccess(), "shutdownOutput: " + shutdown.cause());
            assertTrue(clientInputShutdown.await(5, TimeUnit.SECONDS), "the client did not read the end of the stream");
            assertTrue(pair.child.isOutputShutdown());
        }
    }

    /**
     * Item 7: a client that connects while the server binds (between an instance's creation and its listen) is
     * handed on only after channelActive, as Netty's server channels do; it was handed on from inside doBind, before
     * the server was active and its bind promise complete.
     */
    @Test
    void aClientWaitingAtBindIsHandedOnAfterChannelActive() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger readsBeforeActive = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        // Raw clients open the name as fast as they can, so some get an instance before the server listens on it.
        java.util.List<Thread> hammers = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread hammer = new Thread(() -> {
                while (!stop.get()) {
                    long handle = Win32Handle.openPipe(address.path(),
                            Kernel32.GENERIC_READ
                                    | Kernel32.GENERIC_WRITE);
                    if (handle > 0) {
                        opened.incrementAndGet();
                        try {
                            Thread.sleep(100); // still there when the server listens: ERROR_PIPE_CONNECTED
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        Win32Handle.close(handle);
                    }
                }
            }, "bind-hammer-" + t);
            hammer.setDaemon(true);
            hammer.start();
            hammers.add(hammer);
        }
        Channel server = null;
        try {
            Thread.sleep(50);
            server = new io.netty.bootstrap.ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                    .option(NamedPipeChannelOption.LISTENING_INSTANCES, 32)
                    .handler(new ChannelInboundHandlerAdapter() {
                        private boolean active;

                        @Override
                        public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
                            active = true;
                            ctx.fireChannelActive();
                        }

                        @Override
                        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                            reads.incrementAndGet();
                            if (!active) {
                                readsBeforeActive.incrementAndGet();
                            }
                            ctx.fireChannelRead(msg);
                        }
                    })
                    .childHandler(new io.netty.channel.ChannelInitializer<NamedPipeChannel>() {
                        @Override
                        protected void initChannel(NamedPipeChannel ch) {
                        }
                    }).bind(address).sync().channel();
            assertTrue(PipeTestSupport.eventually(10_000, () -> reads.get() > 0), "no client was accepted");
        } finally {
            stop.set(true);
            for (Thread hammer : hammers) {
                hammer.join(5_000);
            }
            if (server != null) {
                server.close().sync();
            }
        }
        assertEquals(0, readsBeforeActive.get(), "children handed on before channelActive, of " + reads.get()
                + " (" + opened.get() + " raw opens)");
    }

    /**
     * Item 9: coalescing small writes is sized by the bytes flushed, not by the MessageSizeEstimator. With an
     * estimator that says 0, two 8,000-byte writes went out in pieces of the entries' overhead (~192 bytes): the
     * first write's promise heard of ~40 partial writes instead of one.
     */
    @Test
    void coalescingIsSizedByTheBytesFlushed() throws Exception {
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        try (PipePair pair = new PipePair(group, sb -> { }, b -> b.option(io.netty.channel.ChannelOption
                .MESSAGE_SIZE_ESTIMATOR, () -> msg -> 0), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                        received.addAndGet(((ByteBuf) msg).readableBytes());
                        ((ByteBuf) msg).release();
                    }

                    @Override
                    public boolean isSharable() {
                        return true;
                    }
                }, null)) {
            java.util.concurrent.atomic.AtomicInteger progressEvents = new java.util.concurrent.atomic.AtomicInteger();
            io.netty.channel.ChannelProgressivePromise first = pair.client.newProgressivePromise();
            first.addListener(new io.netty.channel.ChannelProgressiveFutureListener() {
                @Override
                public void operationProgressed(io.netty.channel.ChannelProgressiveFuture future, long progress,
                                                long total) {
                    progressEvents.incrementAndGet();
                }

                @Override
                public void operationComplete(io.netty.channel.ChannelProgressiveFuture future) {
                }
            });
            ChannelFuture second = pair.client.eventLoop().submit(() -> {
                pair.client.write(Unpooled.buffer(8000).writeZero(8000), first);
                return pair.client.writeAndFlush(Unpooled.buffer(8000).writeZero(8000));
            }).get(5, TimeUnit.SECONDS);
            assertTrue(first.await(5, TimeUnit.SECONDS) && first.isSuccess(), "first write: " + first.cause());
            assertTrue(second.await(5, TimeUnit.SECONDS) && second.isSuccess(), "second write: " + second.cause());
            assertTrue(PipeTestSupport.eventually(10_000, () -> received.get() == 16_000), "received " + received);
            assertTrue(progressEvents.get() <= 2, "the first write went out in " + progressEvents.get() + " pieces");
        }
    }

    /**
     * Item 5: at MAX_INSTANCES 1, the instance the last child freed is taken by someone else before the server's
     * loop gets to it, so its parked instance stays parked; once that other instance is gone no child closes any
     * more. The parked instance must listen again all the same (a retry on a short back-off).
     */
    @Test
    void aParkedInstanceListensAgainAfterTheLastChildHasGone() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        java.util.concurrent.BlockingQueue<Channel> children = new java.util.concurrent.LinkedBlockingQueue<>();
        Channel server = new io.netty.bootstrap.ServerBootstrap().group(group, other)
                .channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.MAX_INSTANCES, 1)
                // No read in flight: the child's handle closes at once (under Wine its completions would come
                // through the server's loop, which the test holds up).
                .childOption(io.netty.channel.ChannelOption.AUTO_READ, false)
                .childHandler(new io.netty.channel.ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        children.add(ch);
                    }
                }).bind(address).sync().channel();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            Channel first = new Bootstrap().group(other).channel(NamedPipeChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
            Channel child = children.poll(5, TimeUnit.SECONDS);
            assertTrue(child != null, "no child for the first client");
            // The server's loop waits while the child (on the other loop) closes and a stranger takes its instance.
            server.eventLoop().execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            child.close().sync();
            first.close().sync();
            PipeHandle stranger = PipeHandle.createInstance(
                    address.path(), Kernel32.PIPE_ACCESS_DUPLEX,
                    Kernel32.PIPE_TYPE_BYTE | Kernel32
                            .PIPE_READMODE_BYTE | Kernel32.PIPE_WAIT, 2, 4096, 4096, 0, 0L);
            release.countDown();
            server.eventLoop().submit(() -> { }).sync(); // the server has seen the child close, and found no room
            stranger.close();
            ChannelFuture second = new Bootstrap().group(other).channel(NamedPipeChannel.class)
                    .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).await();
            assertTrue(second.isSuccess(), "the second client could not connect: " + second.cause());
            second.channel().close().sync();
            Channel secondChild = children.poll(5, TimeUnit.SECONDS);
            if (secondChild != null) {
                secondChild.close().sync();
            }
        } finally {
            release.countDown();
            server.close().sync();
        }
    }
}
