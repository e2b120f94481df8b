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
package dev.npipe.transport.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import dev.npipe.transport.NamedPipeChannelOption;
import dev.npipe.transport.NamedPipeMode;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketConnectTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInfo;

import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static io.netty.buffer.ByteBufUtil.writeAscii;
import static io.netty.buffer.UnpooledByteBufAllocator.DEFAULT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@link SocketConnectTest} on named pipes.
 * <ul>
 * <li>{@code testCloseTwice}, {@code testChannelEventsFiredWhenClosedDirectly}: unchanged.</li>
 * <li>the four {@code testWriteWithFastOpenBeforeConnect*}: a write issued (not flushed) before connect must reach
 * the peer once connected. TCP fast open is only an optimisation there (the TFO options are unknown to our channels
 * and just logged as such). Copied because Netty's server initializer is a {@code ChannelInitializer<SocketChannel>},
 * whose erased {@code initChannel} casts to {@code SocketChannel}; here it is {@code ChannelInitializer<Channel>}.
 * The private helpers it calls are copied unchanged. So are {@code testWriteFromFastOpenInitialDataListener} and
 * {@code testShutdownOutputFromFastOpenConnectListener} (new in 4.2.21), the latter on a message pipe with
 * {@code ZERO_LENGTH_EOF}, since a byte pipe has no half-close.</li>
 * <li>Not run: {@code testLocalAddressAfterConnect} casts both local addresses to {@code InetSocketAddress} and
 * checks a port; {@link NamedPipeAddressesTest} covers the addresses (docs/netty-testsuite.md).</li>
 * </ul>
 */
@Tag("win32")
@NettyTestsuite
public class NamedPipeConnectTest extends SocketConnectTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return NamedPipeSocketTestPermutation.INSTANCE.pipe();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return NamedPipeSocketTestPermutation.newPipeAddress();
    }

    /** Not run: inet addresses only (see the class comment). */
    @Override
    public void testLocalAddressAfterConnect(TestInfo testInfo) {
    }

    @Override
    protected void testWriteWithFastOpenBeforeConnect(ServerBootstrap sb, Bootstrap cb,
                                                      Function<Channel, ByteBuf> initialDataFactory,
                                                      String expectedInitialData) throws Throwable {
        enableTcpFastOpen(sb, cb);
        sb.childOption(ChannelOption.AUTO_READ, true);
        cb.option(ChannelOption.AUTO_READ, true);

        sb.childHandler(new ChannelInitializer<Channel>() { // Netty's: ChannelInitializer<SocketChannel>
            @Override
            protected void initChannel(Channel ch) throws Exception { // Netty's: SocketChannel ch
                ch.pipeline().addLast(new EchoServerHandler());
            }
        });

        Channel sc = sb.bind().sync().channel();
        connectAndVerifyDataTransfer(cb, sc, initialDataFactory, expectedInitialData);
        connectAndVerifyDataTransfer(cb, sc, initialDataFactory, expectedInitialData);
    }

    @Override
    public void testWriteFromFastOpenInitialDataListener(ServerBootstrap sb, Bootstrap cb) throws Throwable {
        enableTcpFastOpen(sb, cb);
        sb.childOption(ChannelOption.AUTO_READ, true);
        cb.option(ChannelOption.AUTO_READ, true);
        sb.childHandler(new ChannelInitializer<Channel>() { // Netty's: ChannelInitializer<SocketChannel>
            @Override
            protected void initChannel(Channel ch) { // Netty's: SocketChannel ch
                ch.pipeline().addLast(new EchoServerHandler());
            }
        });
        Channel sc = sb.bind().sync().channel();
        connectAndWriteFromInitialDataListener(cb, sc);
        connectAndWriteFromInitialDataListener(cb, sc);
    }

    /**
     * Netty's, on a message pipe with {@code ZERO_LENGTH_EOF} (a byte pipe has no half-close, so the server would
     * never see the end of the client's output), with a {@code ChannelInitializer<Channel>}.
     */
    @Override
    public void testShutdownOutputFromFastOpenConnectListener(ServerBootstrap sb, Bootstrap cb) throws Throwable {
        enableTcpFastOpen(sb, cb);
        sb.option(NamedPipeChannelOption.PIPE_MODE, NamedPipeMode.MESSAGE)
                .childOption(NamedPipeChannelOption.ZERO_LENGTH_EOF, true);
        cb.option(NamedPipeChannelOption.ZERO_LENGTH_EOF, true);
        sb.childOption(ChannelOption.AUTO_READ, true);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        sb.childHandler(new ChannelInitializer<Channel>() { // Netty's: ChannelInitializer<SocketChannel>
            @Override
            protected void initChannel(Channel ch) { // Netty's: SocketChannel ch
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    private final StringBuilder data = new StringBuilder();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        data.append(buf.toString(US_ASCII));
                        buf.release();
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        received.add(data.toString());
                    }
                });
            }
        });
        Channel sc = sb.bind().sync().channel();
        shutdownOutputFromConnectListener(cb, sc, received);
        shutdownOutputFromConnectListener(cb, sc, received);
    }

    // Netty's private helpers, unchanged.

    private static void connectAndWriteFromInitialDataListener(Bootstrap cb, Channel sc) throws Exception {
        BufferingClientHandler handler = new BufferingClientHandler();
        Channel ch = cb.handler(handler).register().sync().channel();
        AtomicBoolean activeWhenNotified = new AtomicBoolean();
        BlockingQueue<ChannelFuture> followUps = new LinkedBlockingQueue<>();
        ChannelFuture initial = ch.write(writeAscii(DEFAULT, "[fastopen]")).addListener(f -> {
            activeWhenNotified.set(ch.isActive());
            followUps.add(ch.writeAndFlush(writeAscii(DEFAULT, "[follow-up]")));
        });
        Channel cc = ch.connect(sc.localAddress()).sync().channel();
        cc.flush();
        initial.sync();
        ChannelFuture followUp = followUps.poll(10, TimeUnit.SECONDS);
        assertNotNull(followUp, "listener of the initial write was not notified");
        assertTrue(activeWhenNotified.get(), "channel was not active when the initial write was notified");
        followUp.sync();
        String expected = "[fastopen][follow-up]";
        String result = handler.collectBuffer(expected.getBytes(US_ASCII).length);
        cc.close().sync();
        assertEquals(expected, result);
    }

    private static void shutdownOutputFromConnectListener(Bootstrap cb, Channel sc, BlockingQueue<String> received)
            throws Exception {
        Channel ch = cb.handler(new ChannelInboundHandlerAdapter()).register().sync().channel();
        try {
            ChannelFuture write = ch.write(writeAscii(DEFAULT, "[fastopen]"));
            ChannelPromise connectPromise = ch.newPromise();
            connectPromise.addListener(f -> ((DuplexChannel) ch).shutdownOutput());
            ch.connect(sc.localAddress(), connectPromise).sync();
            String data = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(data, "connection was not closed by the server");
            if (write.await().isSuccess()) {
                assertEquals("[fastopen]", data);
            } else {
                assertEquals("", data, "initial data was sent but the write failed");
            }
        } finally {
            ch.close().sync();
        }
    }

    private static void connectAndVerifyDataTransfer(Bootstrap cb, Channel sc,
                                                     Function<Channel, ByteBuf> initialDataFactory,
                                                     String expectedInitialData)
            throws InterruptedException {
        BufferingClientHandler handler = new BufferingClientHandler();
        cb.handler(handler);
        ChannelFuture register = cb.register();
        Channel channel = register.sync().channel();
        ChannelFuture write = channel.write(initialDataFactory.apply(channel));
        SocketAddress remoteAddress = sc.localAddress();
        ChannelFuture connectFuture = channel.connect(remoteAddress);
        Channel cc = connectFuture.sync().channel();
        cc.writeAndFlush(writeAscii(DEFAULT, "[normal data]")).sync();
        write.sync();
        String expectedString = expectedInitialData + "[normal data]";
        String result = handler.collectBuffer(expectedString.getBytes(US_ASCII).length);
        cc.disconnect().sync();
        assertEquals(expectedString, result);
    }

    private static class BufferingClientHandler extends ChannelInboundHandlerAdapter {
        private final Semaphore semaphore = new Semaphore(0);
        private final ByteArrayOutputStream streamBuffer = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ByteBuf) {
                ByteBuf buf = (ByteBuf) msg;
                int readableBytes = buf.readableBytes();
                buf.readBytes(streamBuffer, readableBytes);
                semaphore.release(readableBytes);
                buf.release();
            } else {
                throw new IllegalArgumentException("Unexpected message type: " + msg);
            }
        }

        String collectBuffer(int expectedBytes) throws InterruptedException {
            semaphore.acquire(expectedBytes);
            byte[] bytes = streamBuffer.toByteArray();
            streamBuffer.reset();
            return new String(bytes, US_ASCII);
        }
    }

    private static final class EchoServerHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ByteBuf) {
                ByteBuf buffer = ctx.alloc().buffer();
                ByteBuf buf = (ByteBuf) msg;
                buffer.writeBytes(buf);
                buf.release();
                ctx.channel().writeAndFlush(buffer);
            } else {
                throw new IllegalArgumentException("Unexpected message type: " + msg);
            }
        }
    }
}
