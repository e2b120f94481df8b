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

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client connects: to nobody, and before the server exists. */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConnectTest {
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("connect", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void connectingToAPipeNobodyServesFailsInTime() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        int timeoutMillis = 1000;
        long start = System.nanoTime();
        ChannelFuture future = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                .connect(address);
        assertTrue(future.await(timeoutMillis + 1000, TimeUnit.MILLISECONDS), "connect did not fail in time");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(future.isSuccess());
        assertInstanceOf(ConnectException.class, future.cause());
        String message = future.cause().getMessage();
        assertTrue(message.contains(address.path()), message);
        assertTrue(message.contains("ERROR_FILE_NOT_FOUND (2)"), message);
        assertTrue(elapsedMillis >= timeoutMillis - 50, "gave up early, after " + elapsedMillis + " ms");
        assertTrue(future.channel().closeFuture().await(10, TimeUnit.SECONDS), "failed channel was not closed");
    }

    @Test
    void absentPipeTimeoutEndsTheWaitForAPipeNobodyServes() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        long start = System.nanoTime();
        ChannelFuture future = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000)
                .option(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS, 200)
                .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                .connect(address);
        assertTrue(future.await(5, TimeUnit.SECONDS), "connect still waiting for an absent pipe after 5 s");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertInstanceOf(ConnectException.class, future.cause());
        String message = future.cause().getMessage();
        assertTrue(message.contains("ERROR_FILE_NOT_FOUND (2)") && message.contains("no server has created"), message);
        assertTrue(elapsedMillis >= 190 && elapsedMillis < 1000, "gave up after " + elapsedMillis + " ms, not ~200");
    }

    @Test
    void absentPipeTimeoutIsValidated() {
        NamedPipeChannelConfig config = new NamedPipeChannel().config();
        assertEquals(-1, config.getOption(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS), "default");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> config.setOption(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS, -2));
        assertTrue(e.getMessage().contains("ABSENT_PIPE_TIMEOUT_MILLIS"), e.getMessage());
    }

    /** grpc-netty sets SO_KEEPALIVE on every channel: accepted, so Netty logs no "Unknown channel option". */
    @Test
    void soKeepAliveIsAcceptedAsANoOp() {
        NamedPipeChannelConfig config = new NamedPipeChannel().config();
        assertTrue(config.setOption(io.netty.channel.ChannelOption.SO_KEEPALIVE, true));
        assertEquals(Boolean.TRUE, config.getOption(io.netty.channel.ChannelOption.SO_KEEPALIVE));
        assertTrue(config.getOptions().containsKey(io.netty.channel.ChannelOption.SO_KEEPALIVE));
    }

    @Test
    void clientThatStartsBeforeTheServerConnectsOnceItBinds() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Promise<String> echoed = group.next().newPromise();
        ChannelFuture connect = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000)
                .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        echoed.trySuccess(msg.toString(StandardCharsets.US_ASCII));
                    }
                })
                .connect(address);
        Thread.sleep(300);
        assertFalse(connect.isDone(), "connect finished before any server existed: " + connect.cause());
        NamedPipeEventLoopGroup serverGroup = PipeTestSupport.newGroup("late-server", 1);
        try {
            EchoServer server = new EchoServer(serverGroup, serverGroup, address);
            assertTrue(connect.await(10, TimeUnit.SECONDS), "client did not connect after the server bound");
            assertTrue(connect.isSuccess(), () -> "connect failed: " + connect.cause());
            Channel client = connect.channel();
            client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)).sync();
            assertEquals("hello", echoed.get(10, TimeUnit.SECONDS));
            client.close().sync();
            server.close();
        } finally {
            PipeTestSupport.shutdown(serverGroup);
        }
    }
}
