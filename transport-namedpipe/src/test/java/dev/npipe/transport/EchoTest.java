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
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many clients stream random-sized chunks through an echo server; every byte must come back in order. */
@Tag("win32")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class EchoTest {
    /** Chunks per client; the acceptance figure by default, fewer with -Dnpipe.test.echoChunks for a quick run. */
    private static final int CHUNKS = Integer.getInteger("npipe.test.echoChunks", 10_000);
    private static final int CLIENTS = Integer.getInteger("npipe.test.echoClients", 16);
    private static final int MAX_CHUNK = 64 * 1024;

    private NamedPipeEventLoopGroup serverGroup;
    private NamedPipeEventLoopGroup clientGroup;

    @BeforeEach
    void setUp() {
        serverGroup = PipeTestSupport.newGroup("echo-server", Integer.getInteger("npipe.test.serverThreads", 2));
        clientGroup = PipeTestSupport.newGroup("echo-client", Integer.getInteger("npipe.test.clientThreads", 2));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(clientGroup, serverGroup);
    }

    @Test
    void sixteenClientsGetEveryByteBackInOrder() throws Exception {
        echo(CHUNKS);
    }

    /** Children on another loop than the server, without moving their handles: completions are passed on. */
    @Test
    void completionsPassedOnBetweenLoopsKeepEveryByte() throws Exception {
        echo(Math.max(1, CHUNKS / 20), false);
    }

    /**
     * The move to a child's own port refused midway: the first half of the children may move (Windows 8.1+), the
     * rest are passed on through the server loop's port, and every byte of both halves comes back. (Under Wine
     * every move is refused by Wine itself, STATUS_NOT_IMPLEMENTED, so both halves are passed on there.)
     */
    @Test
    void aMoveRefusedMidwayFallsBackToPassingOnAndLosesNothing() throws Exception {
        echo(Math.max(1, CHUNKS / 20), true, CLIENTS / 2);
    }

    private void echo(int chunksPerClient) throws Exception {
        echo(chunksPerClient, true);
    }

    private void echo(int chunksPerClient, boolean movePipes) throws Exception {
        echo(chunksPerClient, movePipes, CLIENTS);
    }

    /** {@code movePipes} holds for the first {@code movedClients} children, then moving is refused. */
    private void echo(int chunksPerClient, boolean movePipes, int movedClients) throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        EchoServer server = new EchoServer(serverGroup, serverGroup, address);
        NamedPipeServerChannel serverChannel = (NamedPipeServerChannel) server.channel;
        serverChannel.movePipesToChildPorts = movePipes;
        List<Promise<Long>> results = new ArrayList<>();
        List<Channel> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            if (i == movedClients) {
                int registered = i;
                assertTrue(PipeTestSupport.eventually(10_000, () -> server.children.size() == registered),
                        "children registered before the move is refused: " + server.children.size());
                serverChannel.movePipesToChildPorts = false;
            }
            Promise<Long> done = clientGroup.next().newPromise();
            results.add(done);
            int client = i;
            clients.add(new Bootstrap().group(clientGroup).channel(NamedPipeChannel.class)
                    .handler(new ChannelInitializer<NamedPipeChannel>() {
                        @Override
                        protected void initChannel(NamedPipeChannel ch) {
                            ch.pipeline().addLast(new StreamingClient(client, chunksPerClient, done));
                        }
                    })
                    .connect(address).sync().channel());
        }
        List<StreamingClient> handlers = new ArrayList<>();
        for (Channel client : clients) {
            handlers.add(client.pipeline().get(StreamingClient.class));
        }
        for (int i = 0; i < CLIENTS; i++) {
            Promise<Long> done = results.get(i);
            int client = i;
            assertTrue(done.await(Long.getLong("npipe.test.echoMinutes", 15), TimeUnit.MINUTES), () -> "client " + client + " did not finish; bytes received per client: " + handlers);
            if (!done.isSuccess()) {
                throw new AssertionError("client " + i + " failed", done.cause());
            }
            assertEquals(StreamingClient.totalBytes(i, chunksPerClient), done.getNow(), "bytes echoed to client " + i);
        }
        for (Channel client : clients) {
            client.close().sync();
        }
        server.close();
        LeakRecorder.assertNoLeaks();
    }

    /** Writes chunks while the channel is writable and checks every echoed byte against the pattern. */
    static final class StreamingClient extends ChannelInboundHandlerAdapter {
        private final int client;
        private final int chunks;
        private final Promise<Long> done;
        private final Random sizes;
        private final long total;
        private int chunksSent;
        private long sent;
        private volatile long received;

        @Override
        public String toString() {
            return received + "/" + total;
        }

        StreamingClient(int client, int chunks, Promise<Long> done) {
            this.client = client;
            this.chunks = chunks;
            this.done = done;
            this.sizes = new Random(client);
            this.total = totalBytes(client, chunks);
        }

        static long totalBytes(int client, int chunks) {
            Random sizes = new Random(client);
            long total = 0;
            for (int i = 0; i < chunks; i++) {
                total += 1 + sizes.nextInt(MAX_CHUNK);
            }
            return total;
        }

        static byte patternByte(int client, long position) {
            long x = position * 0x9E3779B97F4A7C15L + client;
            return (byte) (x >>> 56 ^ position);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            writeMore(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writeMore(ctx);
        }

        private void writeMore(ChannelHandlerContext ctx) {
            while (chunksSent < chunks && ctx.channel().isWritable()) {
                int size = 1 + sizes.nextInt(MAX_CHUNK);
                // Bulk copies only: with PARANOID leak detection every per-byte access records a stack trace.
                byte[] bytes = new byte[size];
                for (int i = 0; i < size; i++) {
                    bytes[i] = patternByte(client, sent + i);
                }
                ByteBuf chunk = ctx.alloc().directBuffer(size).writeBytes(bytes);
                sent += size;
                chunksSent++;
                ctx.write(chunk);
            }
            ctx.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            try {
                for (int i = 0; i < bytes.length; i++) {
                    byte expected = patternByte(client, received);
                    if (bytes[i] != expected) {
                        done.tryFailure(new AssertionError("client " + client + ": byte " + received
                                + " is " + bytes[i] + ", expected " + expected + " (offset "
                                + i + " of a " + bytes.length + "-byte read)"));
                        ctx.close();
                        return;
                    }
                    received++;
                }
            } finally {
                buf.release();
            }
            if (received == total) {
                done.trySuccess(received);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.tryFailure(new AssertionError("client " + client + " closed after " + received + " of " + total
                    + " bytes"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.tryFailure(cause);
            ctx.close();
        }
    }
}
