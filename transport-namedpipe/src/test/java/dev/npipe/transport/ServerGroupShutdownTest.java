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
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server with a boss group and a worker group, shut down in either order. The children's handles are left on
 * the boss loop's completion port, as Wine and Windows before 8.1 leave them: a child must never stay active
 * while nothing serves it.
 */
@Tag("win32")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServerGroupShutdownTest {
    private static final int CHILDREN = 10;
    private static final int BYTES = 100_000;

    private long handles;
    private long blocks;
    private NamedPipeEventLoopGroup boss;
    private NamedPipeEventLoopGroup workers;
    private NamedPipeEventLoopGroup clientGroup;
    private EchoServer server;
    private List<Channel> clients;

    /** A boss loop, two worker loops and ten connected clients, each test stopping one of the server's groups. */
    @BeforeEach
    void setUp() throws Exception {
        handles = NativeResources.openHandles();
        blocks = NativeResources.liveBlocks();
        boss = PipeTestSupport.newGroup("boss", 1);
        workers = PipeTestSupport.newGroup("workers", 2);
        clientGroup = PipeTestSupport.newGroup("clients", 2);
        server = newServer(boss, workers);
        clients = connect(clientGroup, server);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(clientGroup, workers, boss);
        assertResourcesBack(handles, blocks);
    }

    /** The boss group stops first: every child goes on echoing, and the boss port is closed after the last one. */
    @Test
    void childrenKeepServingWhenTheServerGroupStopsFirst() throws Exception {
        PipeTestSupport.shutdownLeavingRelays(boss);
        assertFalse(server.channel.isOpen(), "the server closes with its loop");
        for (int i = 0; i < CHILDREN; i++) {
            assertEquals(BYTES, echo(clients.get(i), i), "bytes echoed to client " + i);
        }
        for (Channel child : server.children) {
            assertTrue(child.isActive(), child + " is served and active");
        }
        for (Channel client : clients) {
            client.close().sync();
        }
        assertTrue(PipeTestSupport.eventually(10_000, server.children::isEmpty),
                "children still open after their clients closed: " + server.children);
    }

    /** The worker group stops first: every child closes, its client sees the end at once, then the boss stops. */
    @Test
    void childrenCloseWhenTheirGroupStopsFirst() throws Exception {
        for (int i = 0; i < CHILDREN; i++) {
            assertEquals(BYTES, echo(clients.get(i), i), "bytes echoed to client " + i);
        }
        PipeTestSupport.shutdownLeavingRelays(workers);
        assertTrue(PipeTestSupport.eventually(10_000, server.children::isEmpty),
                "children still open 10 s after their group stopped: " + server.children);
        for (Channel client : clients) {
            assertTrue(client.closeFuture().await(10, TimeUnit.SECONDS),
                    client + " did not see its server end close");
        }
        assertTrue(server.channel.isActive(), "the server lives on its own loop");
    }

    private static EchoServer newServer(NamedPipeEventLoopGroup boss, NamedPipeEventLoopGroup workers)
            throws InterruptedException {
        EchoServer server = new EchoServer(boss, workers, PipeTestSupport.uniqueAddress());
        // What Wine and Windows before 8.1 do: the children stay tied to the boss loop's port.
        ((NamedPipeServerChannel) server.channel).movePipesToChildPorts = false;
        return server;
    }

    private static List<Channel> connect(NamedPipeEventLoopGroup group, EchoServer server) throws Exception {
        List<Channel> clients = new ArrayList<>();
        NamedPipeAddress address = ((NamedPipeServerChannel) server.channel).localAddress();
        for (int i = 0; i < CHILDREN; i++) {
            clients.add(new Bootstrap().group(group).channel(NamedPipeChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel());
        }
        assertTrue(PipeTestSupport.eventually(10_000, () -> server.children.size() == CHILDREN),
                "children accepted: " + server.children.size());
        return clients;
    }

    /** Sends {@link #BYTES} bytes of a client's pattern and returns how many came back, checked, within 30 s. */
    private static long echo(Channel client, int seed) throws Exception {
        Promise<Long> done = client.eventLoop().newPromise();
        client.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            private long received;

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                buf.release();
                for (byte b : bytes) {
                    if (b != (byte) (received++ * 31 + seed)) {
                        done.tryFailure(new AssertionError("client " + seed + ": wrong byte at " + (received - 1)));
                    }
                }
                if (received == BYTES) {
                    done.trySuccess(received);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                done.tryFailure(new AssertionError("client " + seed + " closed after " + received + " bytes"));
            }
        });
        byte[] payload = new byte[BYTES];
        for (int i = 0; i < BYTES; i++) {
            payload[i] = (byte) (i * 31 + seed);
        }
        client.writeAndFlush(Unpooled.wrappedBuffer(payload));
        assertTrue(done.await(30, TimeUnit.SECONDS), "client " + seed + ": nothing echoed within 30 s");
        if (!done.isSuccess()) {
            throw new AssertionError(done.cause());
        }
        return done.getNow();
    }

    private static void assertResourcesBack(long handles, long blocks) throws InterruptedException {
        assertTrue(PipeTestSupport.eventually(10_000, () -> NativeResources.openHandles() == handles
                        && NativeResources.liveBlocks() == blocks),
                "handles " + NativeResources.openHandles() + " (were " + handles + "), native blocks "
                        + NativeResources.liveBlocks() + " (were " + blocks + ")");
        LeakRecorder.assertNoLeaks();
    }
}
