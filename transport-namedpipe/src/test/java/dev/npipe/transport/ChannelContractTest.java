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

import dev.npipe.codec.message.PipeMessageAggregator;
import io.netty.buffer.ByteBufHolder;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Netty's channel contract on paths a first version got wrong; each test names the defect it guards. */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChannelContractTest {
    private NamedPipeEventLoopGroup group;
    private NamedPipeEventLoopGroup other;
    private long handlesBefore;

    @BeforeEach
    void setUp() {
        handlesBefore = NativeResources.openHandles();
        group = PipeTestSupport.newGroup("contract", 1);
        other = PipeTestSupport.newGroup("contract-other", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group, other);
        LeakRecorder.assertNoLeaks();
        assertTrue(PipeTestSupport.eventually(10_000,
                () -> NativeResources.openHandles() == handlesBefore),
                "handles left open: " + (NativeResources.openHandles() - handlesBefore));
    }

    /** Queues every byte read as a string. */
    private static ChannelInboundHandlerAdapter collector(BlockingQueue<String> into) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content() : (ByteBuf) msg;
                into.add(buf.toString(StandardCharsets.US_ASCII));
                ReferenceCountUtil.release(msg);
            }
        };
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    /** Defect: deregister() freed the blocks and closed the pipe of a channel that still said it was active. */
    @Test
    void deregisterIsRefusedAndTheChannelKeepsWorking() throws Exception {
        BlockingQueue<String> atChild = new LinkedBlockingQueue<>();
        try (PipePair pair = new PipePair(group, sb -> { }, b -> { }, collector(atChild), null)) {
            ChannelFuture deregistered = pair.client.deregister().await();
            assertFalse(deregistered.isSuccess(), "deregister of an open pipe channel must be refused");
            assertInstanceOf(UnsupportedOperationException.class, deregistered.cause());
            assertTrue(deregistered.cause().getMessage().contains("completion port"), deregistered.cause().getMessage());
            assertTrue(pair.client.isRegistered() && pair.client.isActive());

            ChannelFuture again = other.register(pair.client).await();
            assertFalse(again.isSuccess(), "a registered channel cannot be registered on a second loop");

            pair.client.writeAndFlush(ascii("still here")).sync();
            assertEquals("still here", atChild.poll(5, TimeUnit.SECONDS));
        }
    }

    /** Defect: a zero-byte read with AUTO_READ off consumed read() without delivering anything or reading again. */
    @Test
    void aZeroByteReadDoesNotSwallowRead() throws Exception {
        BlockingQueue<String> atClient = new LinkedBlockingQueue<>();
        // The client reads a message pipe as bytes: an empty message reaches it as a read of zero bytes.
        try (PipePair pair = new PipePair(group, sb -> sb.option(NamedPipeChannelOption.PIPE_MODE,
                NamedPipeMode.MESSAGE), b -> b.option(ChannelOption.AUTO_READ, false), null, collector(atClient))) {
            pair.client.read(); // pending when the empty message comes: it completes with zero bytes
            Thread.sleep(100);
            pair.child.writeAndFlush(Unpooled.EMPTY_BUFFER).sync();
            Thread.sleep(100);
            pair.child.writeAndFlush(ascii("after the empty one")).sync();
            assertEquals("after the empty one", atClient.poll(5, TimeUnit.SECONDS),
                    "one read() must deliver the next bytes even when an empty message came first");
        }
    }

    /** Defect: CONNECT_TIMEOUT_MILLIS 0 meant "try once"; in Netty it means no time-out. */
    @Test
    void connectTimeoutZeroMeansNoTimeout() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        ChannelFuture connecting = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0).handler(new ChannelInboundHandlerAdapter())
                .connect(address);
        Thread.sleep(300);
        assertFalse(connecting.isDone(), "the connect gave up although it has no time-out: " + connecting.cause());
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter()).bind(address).sync().channel();
        assertTrue(connecting.await(5, TimeUnit.SECONDS) && connecting.isSuccess(), "connect after the server came");
        connecting.channel().close().sync();
        server.close().sync();
    }

    /** Netty's NIO leaves a connect promise cancellable: cancelling stops the retries and closes the channel. */
    @Test
    void aRetryingConnectCanBeCancelled() throws Exception {
        ChannelFuture connecting = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(PipeTestSupport.uniqueAddress());
        Thread.sleep(100);
        assertTrue(connecting.cancel(false), "the connect promise must be cancellable while retrying");
        assertTrue(connecting.channel().closeFuture().await(5, TimeUnit.SECONDS), "cancelled connect closes");
    }

    /** Defect: a server ignored AUTO_READ, so nothing could throttle accepting. */
    @Test
    void aServerWithAutoReadOffAcceptsOnlyWhenAsked() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        children.add(ch);
                    }
                }).bind(address).sync().channel();
        Channel client = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
        assertNull(children.poll(300, TimeUnit.MILLISECONDS), "accepted with AUTO_READ off and no read()");
        server.read();
        Channel child = children.poll(5, TimeUnit.SECONDS);
        assertNotNull(child, "read() must hand on the waiting connection");
        client.close().sync();
        child.closeFuture().await(5, TimeUnit.SECONDS);
        server.close().sync();
    }

    /** Defect: childOption(READ_MODE, BYTE) on a message server broke every read; it is honoured now. */
    @Test
    void aByteReadModeChildOptionOnAMessageServerIsHonoured() throws Exception {
        BlockingQueue<Object> atChild = new LinkedBlockingQueue<>();
        try (PipePair pair = new PipePair(group, sb -> sb.option(NamedPipeChannelOption.PIPE_MODE,
                NamedPipeMode.MESSAGE).childOption(NamedPipeChannelOption.READ_MODE, NamedPipeMode.BYTE), b -> { },
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        atChild.add(msg instanceof ByteBuf ? ((ByteBuf) msg).toString(StandardCharsets.US_ASCII)
                                : msg.getClass().getSimpleName());
                        ReferenceCountUtil.release(msg);
                    }
                }, null)) {
            // The long message does not fit one read: read as bytes it must not end in ERROR_MORE_DATA.
            String big = "x".repeat(100_000);
            pair.client.writeAndFlush(ascii("abc")).sync();
            pair.client.writeAndFlush(ascii(big)).sync();
            pair.client.writeAndFlush(ascii("def")).sync();
            StringBuilder got = new StringBuilder();
            while (got.length() < 100_006) {
                Object next = atChild.poll(5, TimeUnit.SECONDS);
                assertNotNull(next, "the child read nothing more; so far " + got.length() + " bytes");
                got.append(next);
            }
            assertEquals("abc" + big + "def", got.toString(), "bytes, not message chunks, in order");
            assertTrue(pair.child.isActive());
        }
    }

    /** Defect: peerCredentials() blocked the caller on the child's loop; it returns a future now. */
    @Test
    void identityQueriesReturnFuturesFromAnyThread() throws Exception {
        try (PipePair pair = new PipePair(group, sb -> { }, b -> b.group(other), null, null)) {
            // Asked from the client's loop, which is not the child's: must not block that loop.
            Future<NamedPipePeerCredentials> credentials = pair.client.eventLoop()
                    .submit(() -> pair.child.peerCredentials()).get(5, TimeUnit.SECONDS);
            assertEquals(ProcessHandle.current().pid(), credentials.get(5, TimeUnit.SECONDS).processId());
            Future<Integer> serverPid = pair.child.eventLoop().submit(() -> pair.client.serverProcessId())
                    .get(5, TimeUnit.SECONDS);
            assertNotNull(serverPid.get(5, TimeUnit.SECONDS));
        }
    }

    /**
     * Defect: a client left at READ_MODE BYTE coalesced its writes on a message pipe, so six messages arrived as
     * one. Each buffer is one message on a message pipe, whatever the writer's read mode.
     */
    @Test
    void aByteReadingClientOfAMessagePipeKeepsEveryMessageBoundary() throws Exception {
        int[] sizes = {100, 1, 0, 2000, 30000, 5};
        BlockingQueue<byte[]> atChild = new LinkedBlockingQueue<>();
        try (PipePair pair = new PipePair(group, sb -> sb.option(NamedPipeChannelOption.PIPE_MODE,
                NamedPipeMode.MESSAGE), b -> { }, null, null)) {
            pair.child.pipeline().addLast(new PipeMessageAggregator(1 << 20), new MessageCollector(atChild));
            for (int size : sizes) {
                pair.client.write(Unpooled.wrappedBuffer(new byte[size]));
            }
            pair.client.flush();
            for (int size : sizes) {
                byte[] got = atChild.poll(5, TimeUnit.SECONDS);
                assertNotNull(got, "message of " + size + " bytes did not arrive");
                assertEquals(size, got.length, "message boundaries merged");
            }
        }
    }

    /** Defect: a second server on a name this process serves was accepted where Wine does not refuse it. */
    @Test
    void aSecondBindOfTheSameNameInThisProcessIsRefused() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel first = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter()).bind(address).sync().channel();
        ChannelFuture second = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new NamedPipeAddress(address.path().toUpperCase(java.util.Locale.ROOT))).await();
        assertFalse(second.isSuccess(), "the name (pipe names ignore case) is served already");
        assertInstanceOf(BindException.class, second.cause());
        first.close().sync();
        Channel third = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter()).bind(address).sync().channel();
        third.close().sync();
    }

    /**
     * Defect: close() right after many writes failed every write, including the one the peer received. The write
     * in flight now gets the kernel's answer; only writes that never reached WriteFile fail.
     */
    @Test
    void aWriteInFlightAtCloseReportsWhatThePeerGot() throws Exception {
        BlockingQueue<byte[]> atClient = new LinkedBlockingQueue<>();
        try (PipePair pair = new PipePair(group, sb -> sb.option(NamedPipeChannelOption.PIPE_MODE,
                NamedPipeMode.MESSAGE), b -> b.option(NamedPipeChannelOption.READ_MODE, NamedPipeMode.MESSAGE),
                null, null)) {
            pair.client.pipeline().addLast(new PipeMessageAggregator(1 << 20), new MessageCollector(atClient));
            AtomicInteger succeeded = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1000);
            pair.child.eventLoop().execute(() -> {
                for (int i = 0; i < 1000; i++) {
                    pair.child.writeAndFlush(Unpooled.wrappedBuffer(new byte[1024])).addListener(f -> {
                        (f.isSuccess() ? succeeded : failed).incrementAndGet();
                        done.countDown();
                    });
                }
                pair.child.close();
            });
            assertTrue(done.await(10, TimeUnit.SECONDS), "every write promise completes");
            assertTrue(pair.client.closeFuture().await(10, TimeUnit.SECONDS), "the client sees the pipe end");
            int received = atClient.size();
            assertTrue(received > 0, "the write in flight at close should have reached the client");
            assertEquals(received, succeeded.get(), "writes reported done must be exactly the messages received ("
                    + failed.get() + " failed)");
        }
    }

    /** Writes after close fail with ClosedChannelException, and their buffers are released. */
    @Test
    void writesAfterCloseFailAndReleaseTheirBuffers() throws Exception {
        List<ByteBuf> buffers = new ArrayList<>();
        try (PipePair pair = new PipePair(group, sb -> { }, b -> { }, null, null)) {
            pair.client.close().sync();
            for (int i = 0; i < 3; i++) {
                ByteBuf buf = Unpooled.directBuffer(8).writeLong(i);
                buffers.add(buf);
                ChannelFuture write = pair.client.writeAndFlush(buf).await();
                assertInstanceOf(java.nio.channels.ClosedChannelException.class, write.cause());
            }
        }
        for (ByteBuf buf : buffers) {
            assertEquals(0, buf.refCnt(), "a failed write must release its buffer");
        }
    }
}
