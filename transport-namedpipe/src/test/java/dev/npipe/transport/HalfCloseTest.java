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

import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Half-close: with ZERO_LENGTH_EOF, shutdownOutput() sends a zero-length write and the peer's input ends there;
 * ALLOW_HALF_CLOSURE decides whether the peer's channel then stays open for writing or closes.
 */
@Tag("win32")
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HalfCloseTest {
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("half-close", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        LeakRecorder.assertNoLeaks();
    }

    /** Records reads as text and user events by class name. */
    private static ChannelInboundHandlerAdapter recorder(BlockingQueue<String> events) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content() : (ByteBuf) msg;
                events.add("read " + buf.toString(StandardCharsets.US_ASCII));
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt.getClass().getSimpleName());
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                events.add("inactive");
            }
        };
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    /** Both ends of a message pipe read it in {@code readMode}: the end of stream is a zero-length message. */
    @ParameterizedTest
    @EnumSource(NamedPipeMode.class)
    void shutdownOutputEndsThePeersInputAndTheReplyStillArrives(NamedPipeMode readMode) throws Exception {
        BlockingQueue<String> atChild = new LinkedBlockingQueue<>();
        BlockingQueue<String> atClient = new LinkedBlockingQueue<>();
        try (PipePair pair = new PipePair(group, sb -> sb.option(NamedPipeChannelOption.PIPE_MODE,
                        NamedPipeMode.MESSAGE).childOption(NamedPipeChannelOption.READ_MODE, readMode)
                        .childOption(NamedPipeChannelOption.ZERO_LENGTH_EOF, true)
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true),
                b -> b.option(NamedPipeChannelOption.ZERO_LENGTH_EOF, true).option(NamedPipeChannelOption.READ_MODE,
                        readMode), recorder(atChild), recorder(atClient))) {
            pair.client.writeAndFlush(ascii("question"));
            ChannelFuture shut = pair.client.shutdownOutput().sync();
            assertTrue(shut.isSuccess());
            assertTrue(pair.client.isOutputShutdown() && !pair.client.isInputShutdown());
            assertEquals("read question", atChild.poll(5, TimeUnit.SECONDS));
            assertEquals(ChannelInputShutdownEvent.class.getSimpleName(), atChild.poll(5, TimeUnit.SECONDS));
            assertEquals(ChannelInputShutdownReadComplete.class.getSimpleName(), atChild.poll(5, TimeUnit.SECONDS));
            assertTrue(pair.child.isOpen() && pair.child.isInputShutdown() && !pair.child.isOutputShutdown());

            pair.child.writeAndFlush(ascii("answer")).sync();
            assertEquals(ChannelOutputShutdownEvent.class.getSimpleName(), atClient.poll(5, TimeUnit.SECONDS));
            assertEquals("read answer", atClient.poll(5, TimeUnit.SECONDS));
            pair.child.close().sync();
            assertTrue(pair.client.closeFuture().await(5, TimeUnit.SECONDS), "client closes at the end of input");
            assertEquals("inactive", atChild.poll(5, TimeUnit.SECONDS), "exactly one input-shutdown event of each kind");
        }
    }

    /** A long message read one byte at a time, then the end of the stream: every byte, then one event each. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void tinyReadsSeeEveryByteAndThenTheEnd(boolean autoRead) throws Exception {
        BlockingQueue<String> atClient = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicInteger bytes = new java.util.concurrent.atomic.AtomicInteger();
        try (PipePair pair = new PipePair(group, sb -> sb.option(NamedPipeChannelOption.PIPE_MODE,
                        NamedPipeMode.MESSAGE).childOption(NamedPipeChannelOption.ZERO_LENGTH_EOF, true),
                b -> b.option(NamedPipeChannelOption.ZERO_LENGTH_EOF, true)
                        .option(ChannelOption.ALLOW_HALF_CLOSURE, true).option(ChannelOption.AUTO_READ, autoRead)
                        .option(ChannelOption.RCVBUF_ALLOCATOR,
                                new io.netty.channel.FixedRecvByteBufAllocator(1).maxMessagesPerRead(2)),
                null, new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        bytes.addAndGet(((ByteBuf) msg).readableBytes());
                        ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        if (!autoRead) {
                            ctx.read();
                        }
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        atClient.add(evt.getClass().getSimpleName() + " after " + bytes.get());
                    }
                })) {
            pair.client.read();
            pair.child.writeAndFlush(Unpooled.wrappedBuffer(new byte[4096]))
                    .addListener(f -> pair.child.shutdownOutput());
            assertEquals("ChannelInputShutdownEvent after 4096", atClient.poll(60, TimeUnit.SECONDS),
                    "bytes so far " + bytes.get());
        }
    }

    @Test
    void withoutAllowHalfClosureTheEndOfInputClosesTheChannel() throws Exception {
        BlockingQueue<String> atChild = new LinkedBlockingQueue<>();
        try (PipePair pair = new PipePair(group, sb -> sb.option(NamedPipeChannelOption.PIPE_MODE,
                NamedPipeMode.MESSAGE).childOption(NamedPipeChannelOption.ZERO_LENGTH_EOF, true),
                b -> b.option(NamedPipeChannelOption.ZERO_LENGTH_EOF, true), recorder(atChild), null)) {
            pair.client.writeAndFlush(ascii("bye")).sync();
            pair.client.shutdownOutput().sync();
            assertEquals("read bye", atChild.poll(5, TimeUnit.SECONDS));
            assertTrue(pair.child.closeFuture().await(5, TimeUnit.SECONDS), "the child closes at the end of input");
            assertEquals("inactive", atChild.poll(5, TimeUnit.SECONDS));
        }
    }

    /** Measured: Wine does not deliver a zero-length write on a byte pipe, so a byte pipe has no end marker. */
    @Test
    void aBytePipeRefusesShutdownOutputSayingWhy() throws Exception {
        try (PipePair pair = new PipePair(group, sb -> sb.childOption(NamedPipeChannelOption.ZERO_LENGTH_EOF, true),
                b -> b.option(NamedPipeChannelOption.ZERO_LENGTH_EOF, true), null, null)) {
            ChannelFuture shut = pair.client.shutdownOutput().await();
            assertInstanceOf(UnsupportedOperationException.class, shut.cause());
            assertTrue(shut.cause().getMessage().contains("message pipe"), shut.cause().getMessage());
        }
    }

    @Test
    void withoutZeroLengthEofShutdownOutputSaysThePeerWasNotTold() throws Exception {
        BlockingQueue<String> atChild = new LinkedBlockingQueue<>();
        try (PipePair pair = new PipePair(group, sb -> { }, b -> { }, recorder(atChild), null)) {
            ChannelFuture shut = pair.client.shutdownOutput().await();
            assertFalse(shut.isSuccess());
            assertInstanceOf(UnsupportedOperationException.class, shut.cause());
            assertTrue(shut.cause().getMessage().contains("ZERO_LENGTH_EOF"), shut.cause().getMessage());
            assertTrue(pair.client.isOutputShutdown(), "no more writes are taken");
            assertFalse(pair.client.writeAndFlush(ascii("late")).await().isSuccess());
            assertNull(atChild.poll(200, TimeUnit.MILLISECONDS), "the peer saw nothing");
        }
    }

    @Test
    void zeroLengthMessagesAreRefusedWhenTheyMeanEndOfStream() throws Exception {
        try (PipePair pair = new PipePair(group, sb -> sb.option(NamedPipeChannelOption.PIPE_MODE,
                NamedPipeMode.MESSAGE), b -> b.option(NamedPipeChannelOption.ZERO_LENGTH_EOF, true), null, null)) {
            ChannelFuture write = pair.client.writeAndFlush(Unpooled.EMPTY_BUFFER).await();
            assertInstanceOf(IllegalArgumentException.class, write.cause());
            assertTrue(pair.client.isActive(), "a refused write does not close the channel");
        }
    }

    /** A write error with autoClose off shuts the output down as Netty's socket channels do, and fires the event. */
    @Test
    void aWriteErrorWithAutoCloseOffShutsTheOutputDown() throws Exception {
        BlockingQueue<String> atClient = new LinkedBlockingQueue<>();
        try (PipePair pair = new PipePair(group, sb -> { }, b -> b.option(ChannelOption.AUTO_CLOSE, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true), null, recorder(atClient))) {
            pair.child.close().sync();
            assertEquals(ChannelInputShutdownEvent.class.getSimpleName(), atClient.poll(5, TimeUnit.SECONDS));
            ChannelFuture write = pair.client.writeAndFlush(ascii("into the void")).await();
            assertFalse(write.isSuccess(), "writing to a closed pipe fails");
            String event;
            do {
                event = atClient.poll(5, TimeUnit.SECONDS);
            } while (event != null && !event.equals(ChannelOutputShutdownEvent.class.getSimpleName()));
            assertEquals(ChannelOutputShutdownEvent.class.getSimpleName(), event);
            assertTrue(pair.client.isOpen(), "with autoClose off the channel stays open");
        }
    }
}
