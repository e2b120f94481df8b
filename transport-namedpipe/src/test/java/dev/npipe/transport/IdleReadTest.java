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

import dev.npipe.codec.message.PipeMessageChunk;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IDLE_READ_BUFFER_MILLIS: a read that waits too long gives its buffer back and waits with a zero-byte read, and
 * nothing is lost or reordered on the way, on byte and message pipes.
 */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IdleReadTest {
    private NamedPipeEventLoopGroup group;
    private final BlockingQueue<Channel> children = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("idle-read", 2);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void anIdleConnectionGivesItsReadBufferBack() throws Exception {
        assertEquals(0, idleReadBufferBytes(50), "direct bytes held by an idle client after its read went idle");
    }

    @Test
    void withMinusOneAnIdleReadKeepsItsBuffer() throws Exception {
        // The check above can fail: with the zero-byte read off, the waiting read holds its buffer.
        assertTrue(idleReadBufferBytes(-1) > 0, "an idle read without a buffer although IDLE_READ_BUFFER_MILLIS is -1");
    }

    /** Connects a client with an allocator of its own, lets it idle, and returns the direct bytes it holds. */
    private long idleReadBufferBytes(int idleMillis) throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = bind(address, NamedPipeMode.BYTE);
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Channel client = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(ChannelOption.ALLOCATOR, alloc)
                .option(NamedPipeChannelOption.IDLE_READ_BUFFER_MILLIS, idleMillis)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                        ((ByteBuf) msg).release();
                    }
                })
                .connect(address).sync().channel();
        Channel child = children.poll(5, TimeUnit.SECONDS);
        assertNotNull(child);
        try {
            assertTrue(PipeTestSupport.eventually(10_000, () -> alloc.metric().usedDirectMemory() > 0),
                    "the first read holds its buffer");
            long held = 0;
            for (int round = 0; round < 3; round++) {
                if (idleMillis >= 0) {
                    int r = round;
                    // Zero for a while, not for a moment: between a handler's release and the next read's
                    // buffer nothing is held either, and that read only gives its buffer back once idle.
                    long window = Math.max(200, 4L * idleMillis);
                    assertTrue(PipeTestSupport.eventually(10_000, () -> holdsNothingFor(alloc, window)),
                            () -> "round " + r + ": an idle read still holds " + alloc.metric().usedDirectMemory()
                                    + " bytes");
                } else {
                    Thread.sleep(500);
                }
                held = alloc.metric().usedDirectMemory();
                String text = "round " + round;
                child.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)).sync();
                assertEquals(text, received.poll(5, TimeUnit.SECONDS), "what arrived after an idle wait");
            }
            return held;
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    /** Whether the allocator has no direct bytes out, sampled every 5 ms for {@code millis}. */
    private static boolean holdsNothingFor(UnpooledByteBufAllocator alloc, long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (alloc.metric().usedDirectMemory() == 0) {
            if (System.nanoTime() - end > 0) {
                return true;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Test
    void theOptionIsValidated() {
        NamedPipeChannelConfig config = new NamedPipeChannel().config();
        assertEquals(1000, config.getIdleReadBufferMillis());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.setOption(NamedPipeChannelOption.IDLE_READ_BUFFER_MILLIS, -2));
        assertTrue(e.getMessage().contains("IDLE_READ_BUFFER_MILLIS"), e.getMessage());
        assertTrue(config.setOption(NamedPipeChannelOption.IDLE_READ_BUFFER_MILLIS, 0));
        assertEquals(0, config.getOption(NamedPipeChannelOption.IDLE_READ_BUFFER_MILLIS));
    }

    /**
     * Every read waits with a zero-byte read (0) or swaps its buffer after 1 ms (1) while a server sends messages of
     * every size, empty ones among them, with pauses: the client sees every byte and every boundary in order.
     */
    @ParameterizedTest(name = "IDLE_READ_BUFFER_MILLIS {0}")
    @ValueSource(ints = {0, 1})
    void messagesOfEverySizeArriveWholeWhateverWaitsForThem(int idleMillis) throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = bind(address, NamedPipeMode.MESSAGE);
        BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
        Channel client = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(NamedPipeChannelOption.READ_MODE, NamedPipeMode.MESSAGE)
                .option(NamedPipeChannelOption.IDLE_READ_BUFFER_MILLIS, idleMillis)
                .handler(new ChannelInboundHandlerAdapter() {
                    private final ByteArrayOutputStream message = new ByteArrayOutputStream();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf content = ((ByteBufHolder) msg).content();
                        byte[] bytes = new byte[content.readableBytes()];
                        content.readBytes(bytes);
                        message.writeBytes(bytes);
                        if (!(msg instanceof PipeMessageChunk) || ((PipeMessageChunk) msg).isLast()) {
                            messages.add(message.toByteArray());
                            message.reset();
                        }
                        ((ByteBufHolder) msg).release();
                    }
                })
                .connect(address).sync().channel();
        Channel child = children.poll(5, TimeUnit.SECONDS);
        assertNotNull(child);
        try {
            SplittableRandom random = new SplittableRandom(idleMillis);
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                byte[] m = new byte[i % 7 == 0 ? 0 : random.nextInt(1, i % 5 == 0 ? 70_000 : 3_000)];
                random.nextBytes(m);
                sent.add(m);
                child.writeAndFlush(Unpooled.wrappedBuffer(m)).sync();
                if (i % 3 == 0) {
                    Thread.sleep(random.nextInt(0, 15));
                }
            }
            for (int i = 0; i < sent.size(); i++) {
                byte[] got = messages.poll(10, TimeUnit.SECONDS);
                assertNotNull(got, "message " + i + " never arrived");
                assertArrayEquals(sent.get(i), got, "message " + i + " (" + sent.get(i).length + " bytes)");
            }
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    /**
     * Byte pipe, every read waiting without a buffer, both ways at once, the echo turning auto-read off and on as its
     * writes back up: every byte comes back in order.
     */
    @Test
    void anEchoKeepsEveryByteWithZeroByteReadsOnBothEnds() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childOption(NamedPipeChannelOption.IDLE_READ_BUFFER_MILLIS, 0)
                .childHandler(new EchoServer.EchoHandler()) // backpressure turns auto-read off and on: reads cancelled
                .bind(address).sync().channel();
        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        Object lock = new Object();
        Channel client = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(NamedPipeChannelOption.IDLE_READ_BUFFER_MILLIS, 0)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        byte[] bytes = new byte[buf.readableBytes()];
                        buf.readBytes(bytes).release();
                        synchronized (lock) {
                            echoed.writeBytes(bytes);
                        }
                    }
                })
                .connect(address).sync().channel();
        try {
            SplittableRandom random = new SplittableRandom(7);
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            for (int i = 0; i < 200; i++) {
                byte[] chunk = new byte[random.nextInt(1, 20_000)];
                random.nextBytes(chunk);
                sent.writeBytes(chunk);
                client.write(Unpooled.wrappedBuffer(chunk));
                if (i % 10 == 0) {
                    client.flush();
                }
            }
            client.flush();
            int total = sent.size();
            assertTrue(PipeTestSupport.eventually(30_000, () -> {
                synchronized (lock) {
                    return echoed.size() >= total;
                }
            }), "echoed " + echoed.size() + " of " + total + " bytes");
            synchronized (lock) {
                assertArrayEquals(sent.toByteArray(), echoed.toByteArray());
            }
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    private Channel bind(NamedPipeAddress address, NamedPipeMode mode) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.PIPE_MODE, mode)
                .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        children.add(ch);
                    }
                })
                .bind(address).sync().channel();
    }
}
