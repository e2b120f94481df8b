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
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Squatting: between bind and close the name must exist every moment, or another process could create it. Wine
 * does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE, so what is checked here is the premise: a prober that asks
 * WaitNamedPipe about the name all the time never hears ERROR_FILE_NOT_FOUND while the server is bound, even with
 * MAX_INSTANCES 1 and every child closed again and again.
 */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NameHoldingTest {
    /** A child handler every child can share. */
    private static final io.netty.channel.ChannelHandler NO_OP = new io.netty.channel.ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel ch) {
        }
    };
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("name-holding", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void theNameExistsFromBindToCloseWhateverTheChildrenDo() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        long handlesBefore = NativeResources.openHandles();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.MAX_INSTANCES, 1)
                .option(NamedPipeChannelOption.LISTENING_INSTANCES, 1)
                .childHandler(NO_OP).bind(address).sync().channel();
        AtomicBoolean bound = new AtomicBoolean(true);
        AtomicInteger probes = new AtomicInteger();
        AtomicInteger absent = new AtomicInteger();
        Thread prober = new Thread(() -> {
            char[] name = Kernel32.wide(address.path());
            while (bound.get()) {
                probes.incrementAndGet();
                if (Kernel32.WaitNamedPipeW(name, 1) == 0 && Kernel32.lastError() == Win32Error.ERROR_FILE_NOT_FOUND
                        && bound.get()) {
                    absent.incrementAndGet();
                }
            }
        }, "name-prober");
        prober.start();
        try {
            for (int i = 0; i < 40; i++) {
                Channel client = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                        .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
                client.close().sync();
            }
        } finally {
            bound.set(false);
            prober.join(5_000);
        }
        server.close().sync();
        assertTrue(probes.get() > 40, "the prober ran only " + probes.get() + " times");
        assertEquals(0, absent.get(), "the name did not exist " + absent.get() + " times out of " + probes.get()
                + " probes while the server was bound: another process could have created it");
        assertTrue(PipeTestSupport.eventually(10_000, () -> NativeResources.openHandles() == handlesBefore),
                "handles left: " + (NativeResources.openHandles() - handlesBefore));
        // After close the name is free again for a new server.
        Channel again = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter()).bind(address).sync().channel();
        again.close().sync();
    }

    /** The name holder does not count against MAX_INSTANCES: with 1, one client is served at a time. */
    @Test
    void maxInstancesStillCountsOnlyClients() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.MAX_INSTANCES, 1)
                .childHandler(NO_OP).bind(address).sync().channel();
        Channel first = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
        io.netty.channel.ChannelFuture second = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInboundHandlerAdapter()).connect(address);
        Thread.sleep(300);
        assertTrue(!second.isDone(), "a second client got in although MAX_INSTANCES is 1");
        first.close().sync();
        assertTrue(second.await(5, TimeUnit.SECONDS) && second.isSuccess(), "the second client once the first left");
        second.channel().close().sync();
        server.close().sync();
    }
    /**
     * A restart while clients reconnect: eight clients try the name every millisecond while the server is closed and
     * bound again, twenty times. A client can take the first instance before the server's own name-holding
     * connection does; bind must still succeed (it makes the first instance afresh) and serve the clients after.
     */
    @Test
    void bindSucceedsWhileClientsHammerTheName() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        NamedPipeEventLoopGroup clients = PipeTestSupport.newGroup("name-hammer", 1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger connects = new AtomicInteger();
        Bootstrap bootstrap = new Bootstrap().group(clients).channel(NamedPipeChannel.class)
                .option(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS, 0) // fail at once, try again at once
                .handler(NO_OP); // shared by every connect
        try {
            Channel server = bindServer(address);
            for (int i = 0; i < 8; i++) {
                hammer(bootstrap, address, stop, connects);
            }
            for (int restart = 0; restart < 20; restart++) {
                int before = connects.get();
                assertTrue(PipeTestSupport.eventually(10_000, () -> connects.get() > before),
                        "restart " + restart + ": no client got in");
                server.close().sync();
                server = bindServer(address); // failed with ERROR_PIPE_BUSY (231) when a client took the first instance
            }
            server.close().sync();
        } finally {
            stop.set(true);
            PipeTestSupport.shutdown(clients);
        }
    }

    /**
     * A restart while connections of the earlier server are still open: they keep the name, so Windows refuses a new
     * FILE_FLAG_FIRST_PIPE_INSTANCE (and the transport refuses it under Wine too). The new server joins them: the old
     * connection still works, and a new client reaches the new server.
     */
    @Test
    void aRestartSucceedsWhileTheEarlierServersConnectionsAreOpen() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.BlockingQueue<Channel> children = new java.util.concurrent.LinkedBlockingQueue<>();
        io.netty.channel.ChannelHandler echo = new io.netty.channel.ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new EchoServer.EchoHandler());
                children.add(ch);
            }
        };
        Channel first = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(echo).bind(address).sync().channel();
        Channel oldClient = connectCollecting(address, received);
        Channel oldChild = children.poll(10, TimeUnit.SECONDS);
        assertTrue(oldChild != null, "the first server accepted no child");
        first.close().sync();
        assertTrue(Win32Handle.openInstances(address.path()) > 0,
                "the earlier server's child is still open");
        Channel second = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(echo).bind(address).sync().channel();
        Channel newClient = connectCollecting(address, received);
        oldClient.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer("old", java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("old", received.poll(10, TimeUnit.SECONDS), "the earlier server's connection");
        newClient.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer("new", java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("new", received.poll(10, TimeUnit.SECONDS), "the restarted server's connection");
        oldClient.close().sync();
        newClient.close().sync();
        second.close().sync();
    }

    /**
     * A name another server already listens on (its instance made with raw calls, as another process would, so the
     * transport's own bookkeeping does not know it): Windows refuses our first instance; under Wine, which lets it
     * through, the server's own connection to the name reaches the other server's instance, and bind refuses all
     * the same. Either way a BindException that says the name is in use.
     */
    @Test
    void aNameAnotherServerListensOnIsRefused() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        long stranger = Kernel32.CreateNamedPipeW(Kernel32.wide(address.path()), Kernel32.PIPE_ACCESS_DUPLEX
                        | Kernel32.FILE_FLAG_OVERLAPPED, Kernel32.PIPE_TYPE_BYTE, Kernel32.PIPE_UNLIMITED_INSTANCES,
                4096, 4096, 0, 0L);
        assertTrue(stranger != Kernel32.INVALID_HANDLE_VALUE, "the other server's instance");
        try {
            Throwable cause = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                    .childHandler(NO_OP).bind(address).await().cause();
            assertTrue(cause instanceof java.net.BindException, "bind of a name another server listens on: " + cause);
            assertTrue(cause.getMessage().contains("already in use by another server"), cause.getMessage());
        } finally {
            Kernel32.CloseHandle(stranger);
        }
    }

    private Channel connectCollecting(NamedPipeAddress address, java.util.concurrent.BlockingQueue<String> received)
            throws InterruptedException {
        return new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .handler(new io.netty.channel.SimpleChannelInboundHandler<io.netty.buffer.ByteBuf>() {
                    @Override
                    protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx, io.netty.buffer.ByteBuf msg) {
                        received.add(msg.toString(java.nio.charset.StandardCharsets.US_ASCII));
                    }
                }).connect(address).sync().channel();
    }

    private Channel bindServer(NamedPipeAddress address) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(NO_OP).bind(address).sync().channel();
    }

    /** Connects, closes and connects again, a millisecond after each end, until stopped. */
    private static void hammer(Bootstrap bootstrap, NamedPipeAddress address, AtomicBoolean stop,
                               AtomicInteger connects) {
        if (stop.get()) {
            return;
        }
        bootstrap.connect(address).addListener((io.netty.channel.ChannelFuture f) -> {
            Runnable again = () -> f.channel().eventLoop().schedule(
                    () -> hammer(bootstrap, address, stop, connects), 1, TimeUnit.MILLISECONDS);
            if (f.isSuccess()) {
                connects.incrementAndGet();
                f.channel().close().addListener(closed -> again.run());
            } else {
                again.run();
            }
        });
    }
}
