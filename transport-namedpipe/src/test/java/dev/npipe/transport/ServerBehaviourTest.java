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
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classic traps of pipe servers, each checked on Wine's real Win32. */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServerBehaviourTest {
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("server", 2);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        assertEquals(0, NativeResources.openHandles(), "handles left open");
        assertEquals(0, NativeResources.liveBlocks(), "native blocks left");
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void clientsThatComeAndGoDoNotStopTheAcceptLoop() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.LISTENING_INSTANCES, 1)
                .childHandler(new EchoServer.EchoHandler())
                .bind(address).sync().channel();
        // Raw clients that open and close at once: ConnectNamedPipe then sees ERROR_NO_DATA or a broken pipe.
        for (int i = 0; i < 50; i++) {
            long handle = -1;
            for (int attempt = 0; attempt < 2000 && handle < 0; attempt++) {
                handle = Win32Handle.openPipe(address.path(), Kernel32.GENERIC_READ | Kernel32.GENERIC_WRITE);
                if (handle < 0) {
                    Thread.sleep(1);
                }
            }
            assertTrue(handle > 0, "raw client " + i + " could not open the pipe: error " + -handle);
            Win32Handle.close(handle);
        }
        assertEquals("ping", echoOnce(address, "ping"));
        server.close().sync();
    }

    @Test
    void aChildWhosePipelineSetupFailsIsClosedNotLeaked() throws Exception {
        {
            NamedPipeAddress address = PipeTestSupport.uniqueAddress();
            // A plain adapter is not @Sharable: ServerBootstrap cannot set up any child after the first, and drops
            // it unregistered and open. The server must close such a child, or its pipe handle leaks.
            Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter()).bind(address).sync().channel();
            ((NamedPipeServerChannel) server).unregisteredChildGraceMillis = 200;
            List<Channel> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(new Bootstrap().group(group).channel(NamedPipeChannel.class)
                        .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel());
            }
            for (int i = 1; i < 3; i++) {
                assertTrue(clients.get(i).closeFuture().await(5, TimeUnit.SECONDS),
                        "client " + i + " should see the pipe end when the server closes the dropped child");
            }
            assertTrue(clients.get(0).isActive(), "the child that was set up stays connected");
            for (Channel client : clients) {
                client.close().sync();
            }
            server.close().sync();
        }
    }

    @Test
    void closingAServerWithConnectsPendingDoesNotHang() throws Exception {
        long before = NativeResources.openHandles();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.LISTENING_INSTANCES, 8)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(PipeTestSupport.uniqueAddress()).sync().channel();
        // 8 listening instances, and the name holder with our own connection to it.
        assertEquals(before + 8 + 2, NativeResources.openHandles(), "8 listening instances and the name holder");
        assertTrue(server.close().await(10, TimeUnit.SECONDS), "close hung");
        assertTrue(PipeTestSupport.eventually(10_000, () -> NativeResources.openHandles() == before),
                "instances not closed: " + NativeResources.openHandles());
    }

    @Test
    void bytesWrittenBeforeTheServerClosesAllReachTheClient() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        int size = 1 << 20;
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        byte[] bytes = new byte[size];
                        for (int i = 0; i < size; i++) {
                            bytes[i] = (byte) (i * 7);
                        }
                        ByteBuf data = ctx.alloc().directBuffer(size).writeBytes(bytes);
                        ctx.writeAndFlush(data).addListener(ChannelFutureListener.CLOSE);
                    }
                })
                .bind(address).sync().channel();
        Promise<Integer> received = group.next().newPromise();
        new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                    private int count;

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        byte[] bytes = new byte[msg.readableBytes()];
                        msg.getBytes(msg.readerIndex(), bytes);
                        for (byte b : bytes) {
                            if (b != (byte) (count++ * 7)) {
                                received.tryFailure(new AssertionError("wrong byte at " + (count - 1)));
                            }
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        received.trySuccess(count);
                    }
                })
                .connect(address).sync();
        assertEquals(size, received.get(30, TimeUnit.SECONDS), "bytes read before the pipe ended");
        server.close().sync();
    }

    @Test
    void bindingANameThatIsNotLocalFailsClearly() throws Exception {
        Throwable cause = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new NamedPipeAddress("\\\\otherhost\\pipe\\x")).await().cause();
        assertTrue(cause instanceof BindException, String.valueOf(cause));
        assertTrue(cause.getMessage().contains("\\\\otherhost\\pipe\\x"), cause.getMessage());
    }

    private String echoOnce(NamedPipeAddress address, String text) throws Exception {
        Promise<String> echoed = group.next().newPromise();
        Channel client = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                echoed.trySuccess(msg.toString(java.nio.charset.StandardCharsets.US_ASCII));
                            }
                        });
                    }
                })
                .connect(address).sync().channel();
        client.writeAndFlush(Unpooled.copiedBuffer(text, java.nio.charset.StandardCharsets.US_ASCII)).sync();
        String result = echoed.get(10, TimeUnit.SECONDS);
        client.close().sync();
        return result;
    }
}
