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
package dev.npipe.transport.faults;

import dev.npipe.codec.message.PipeMessage;
import dev.npipe.codec.message.PipeMessageAggregator;
import dev.npipe.transport.EchoServer;
import dev.npipe.transport.LeakRecorder;
import dev.npipe.transport.NamedPipe;
import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeChannel;
import dev.npipe.transport.NamedPipeChannelOption;
import dev.npipe.transport.NamedPipeEventLoopGroup;
import dev.npipe.transport.NamedPipeMode;
import dev.npipe.transport.NamedPipeServerChannel;
import dev.npipe.transport.PipeTestSupport;
import dev.npipe.transport.Win32Exception;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault and load suite: peers killed mid-message, servers and loops stopped under load, a slow reader, many
 * connect cycles, many clients, a connect storm and bad input. Each test checks that every byte and message sent
 * arrives, in order, or that the failure is reported clearly, and that handles and native blocks go back to where
 * they started. The totals are printed once at the end; counts are scaled for CI unless soak mode is on.
 */
@Tag("win32")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.MethodName.class)
class FaultAndLoadTest {
    private static final int CHUNK = 64 * 1024;
    private NamedPipeEventLoopGroup serverGroup;
    private NamedPipeEventLoopGroup clientGroup;
    private long handlesBefore;
    private long blocksBefore;

    @BeforeEach
    void setUp() {
        handlesBefore = NamedPipe.openHandles();
        blocksBefore = NamedPipe.liveNativeBlocks();
        serverGroup = PipeTestSupport.newGroup("fault-server", 2);
        clientGroup = PipeTestSupport.newGroup("fault-client", 2);
    }

    @AfterEach
    void tearDown(TestInfo test) throws InterruptedException {
        PipeTestSupport.shutdown(clientGroup, serverGroup);
        boolean back = PipeTestSupport.eventually(10_000, () -> NamedPipe.openHandles() == handlesBefore
                && NamedPipe.liveNativeBlocks() == blocksBefore);
        String name = test.getTestMethod().map(m -> m.getName()).orElse("?")
                + (test.getDisplayName().startsWith("[") ? " " + test.getDisplayName() : "");
        FaultLedger.resources(name, handlesBefore, NamedPipe.openHandles(), blocksBefore,
                NamedPipe.liveNativeBlocks());
        assertTrue(back, "handles " + NamedPipe.openHandles() + " (were " + handlesBefore + "), native blocks "
                + NamedPipe.liveNativeBlocks() + " (were " + blocksBefore + ")");
        LeakRecorder.assertNoLeaks();
    }

    @AfterAll
    static void summary() {
        System.out.println(FaultLedger.summary(FaultScale.SOAK));
        assertEquals(0, FaultLedger.LOST.get(), "lost");
        assertEquals(0, FaultLedger.REORDERED.get(), "reordered");
    }

    // ---- peers killed

    /**
     * A native peer floods us and never reads; our end writes to it too, so both ends have a write in flight when
     * the peer's process is killed. The peer is our server's client or our client's server, on a byte or a message
     * pipe. Every whole message (or byte) that arrived is exact, our end closes, and every write promise completes.
     */
    @ParameterizedTest
    @CsvSource({"BYTE, client", "MESSAGE, client", "BYTE, server", "MESSAGE, server"})
    void peerKilledMidMessageAndMidWrite(NamedPipeMode mode, String peerRole) throws Exception {
        int size = 100_000;
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        FloodChecker checker = new FloodChecker(mode, size);
        Channel server = null;
        NativeFloodPeer peer;
        if (peerRole.equals("client")) {
            server = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                    .option(NamedPipeChannelOption.PIPE_MODE, mode)
                    .childHandler(checker.initializer()).bind(address).sync().channel();
            peer = new NativeFloodPeer("CONNECTED", "flood", address, size);
        } else {
            peer = new NativeFloodPeer("LISTENING", "flood-server", address, size, mode.name().toLowerCase());
            new Bootstrap().group(clientGroup).channel(NamedPipeChannel.class)
                    .option(NamedPipeChannelOption.READ_MODE, mode)
                    .handler(checker.initializer()).connect(address).sync();
            peer.expect("CONNECTED");
        }
        try (NativeFloodPeer killed = peer) {
            Channel ours = checker.channels.poll(10, TimeUnit.SECONDS);
            assertTrue(ours != null, "no connection to the native peer");
            assertTrue(PipeTestSupport.eventually(30_000, () -> checker.received.get() >= 3L * size),
                    "the native peer's writes did not arrive: " + checker.received.get() + " bytes");
            killed.kill();
            assertTrue(ours.closeFuture().await(10, TimeUnit.SECONDS), "our end stayed open after the peer died");
            List<ChannelFuture> writes = new ArrayList<>(checker.ourWrites);
            for (ChannelFuture write : writes) {
                assertTrue(write.await(10, TimeUnit.SECONDS), "a write promise never completed");
            }
            // The first 1 MiB write was waiting for room when the peer died, which closed its handle: Windows fails
            // such a write with ERROR_BROKEN_PIPE (Wine's kernel32/tests/pipe.c), whichever of our end's read and
            // write completions came first. The writes flushed behind it fail with that or with the close.
            Throwable first = writes.get(0).cause();
            assertInstanceOf(Win32Exception.class, first, "the write in flight when the peer died");
            assertEquals("ERROR_BROKEN_PIPE", ((Win32Exception) first).errorName(), first.getMessage());
            for (int i = 1; i < writes.size(); i++) {
                Throwable cause = writes.get(i).cause();
                assertTrue(cause == first || cause instanceof ClosedChannelException, "write " + i + ": " + cause);
            }
            assertEquals(0, checker.wrong.get(), "messages or bytes that arrived changed or cut (" + mode + ")");
        }
        FaultLedger.FAULTS.incrementAndGet();
        FaultLedger.CONNECTIONS.incrementAndGet();
        FaultLedger.BYTES.addAndGet(checker.received.get());
        FaultLedger.MESSAGES.addAndGet(mode == NamedPipeMode.MESSAGE ? checker.received.get() / size : 0);
        if (server != null) {
            server.close().sync();
        }
    }

    /** Our end of a flood: writes 8 MiB the peer never reads, and checks what the peer's flood brings. */
    private static final class FloodChecker extends ChannelInboundHandlerAdapter {
        final BlockingQueue<Channel> channels = new LinkedBlockingQueue<>();
        final List<ChannelFuture> ourWrites = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong received = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        private final NamedPipeMode mode;
        private final int size;

        FloodChecker(NamedPipeMode mode, int size) {
            this.mode = mode;
            this.size = size;
        }

        ChannelInitializer<NamedPipeChannel> initializer() {
            return new ChannelInitializer<NamedPipeChannel>() {
                @Override
                protected void initChannel(NamedPipeChannel ch) {
                    if (mode == NamedPipeMode.MESSAGE) {
                        ch.pipeline().addLast(new PipeMessageAggregator(1 << 20));
                    }
                    ch.pipeline().addLast(FloodChecker.this);
                }
            };
        }

        @Override
        public boolean isSharable() {
            return true; // one connection per test
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            for (int i = 0; i < 8; i++) {
                ourWrites.add(ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[1 << 20])));
            }
            channels.add(ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = msg instanceof PipeMessage ? ((PipeMessage) msg).content() : (ByteBuf) msg;
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            ReferenceCountUtil.release(msg);
            if (msg instanceof PipeMessage && bytes.length != size) {
                wrong.incrementAndGet();
            }
            long base = msg instanceof PipeMessage ? 0 : received.get();
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != floodPattern((base + i) % size)) {
                    wrong.incrementAndGet();
                    break;
                }
            }
            received.addAndGet(bytes.length);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** What msgpeer's flood writes at offset {@code i} of each write. */
    private static byte floodPattern(long i) {
        return (byte) (i * 7 + (i >> 8));
    }

    // ---- stopping under load

    /**
     * The server closes and its group shuts down while clients are connecting and connected clients have writes
     * and reads pending: every promise completes, the loops stop, nothing is left.
     */
    @Test
    void serverAndLoopsStopWhileClientsConnectAndIoIsPending() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                .childOption(ChannelOption.AUTO_READ, false) // the clients' writes stay in flight
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(address).sync().channel();
        List<Future<?>> promises = new ArrayList<>();
        List<Channel> clients = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Channel client = client(address, new ChannelInboundHandlerAdapter(), 10_000).sync().channel();
            clients.add(client);
            for (int w = 0; w < 4; w++) {
                promises.add(client.writeAndFlush(Unpooled.wrappedBuffer(new byte[1 << 20])));
            }
        }
        for (int i = 0; i < 32; i++) {
            promises.add(client(address, new ChannelInboundHandlerAdapter(), 3_000));
        }
        server.close();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        assertTrue(serverGroup.awaitTermination(10, TimeUnit.SECONDS), "the server's loops did not stop");
        int failed = 0;
        for (Future<?> promise : promises) {
            assertTrue(promise.await(15, TimeUnit.SECONDS), "a promise never completed");
            failed += promise.isSuccess() ? 0 : 1;
        }
        for (Channel client : clients) {
            assertTrue(client.closeFuture().await(10, TimeUnit.SECONDS), "a client stayed open: " + client);
        }
        FaultLedger.FAULTS.addAndGet(failed);
        FaultLedger.CONNECTIONS.addAndGet(clients.size());
    }

    // ---- slow reader

    /**
     * A writer pushes its bytes at a reader that takes 64 KiB every 2 ms: writability follows the watermarks, what
     * waits in the writer's outbound buffer stays under the high mark plus one chunk, and every byte arrives.
     */
    @Test
    void slowReaderGetsEveryByteWhileTheWriterStaysBounded() throws Exception {
        long total = (long) FaultScale.count("slowReaderMiB", "slow reader: MiB pushed", 1024, 256) << 20;
        int high = 256 * 1024;
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        CRC32 receivedCrc = new CRC32();
        AtomicLong received = new AtomicLong();
        Channel server = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(CHUNK))
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.executor().scheduleAtFixedRate(ctx::read, 2, 2, TimeUnit.MILLISECONDS);
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.addAndGet(update(receivedCrc, (ByteBuf) msg));
                    }
                })
                .bind(address).sync().channel();
        Promise<Void> sent = clientGroup.next().newPromise();
        CRC32 sentCrc = new CRC32();
        byte[] chunk = new byte[CHUNK];
        PacedSender writer = new PacedSender(sent, (int) (total / CHUNK), seq -> {
            stamp(chunk, seq);
            sentCrc.update(chunk);
            return Unpooled.copiedBuffer(chunk);
        });
        Channel client = new Bootstrap().group(clientGroup).channel(NamedPipeChannel.class)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 4, high))
                .handler(writer).connect(address).sync().channel();
        assertTrue(sent.await(8, TimeUnit.MINUTES), "the writer did not finish");
        assertTrue(PipeTestSupport.eventually(120_000, () -> received.get() == total),
                "received " + received.get() + " of " + total);
        assertEquals(sentCrc.getValue(), receivedCrc.getValue(), "checksum of the bytes received");
        assertTrue(writer.flips > 1, "writability never changed: " + writer.flips);
        assertTrue(writer.maxPending <= high + CHUNK, "outbound buffer held " + writer.maxPending + " bytes");
        System.out.printf("slow reader: %d MiB, writability changed %d times, at most %d bytes waited in the "
                + "writer%n", total >> 20, writer.flips, writer.maxPending);
        FaultLedger.CONNECTIONS.incrementAndGet();
        FaultLedger.BYTES.addAndGet(total);
        client.close().sync();
        server.close().sync();
    }

    private static void stamp(byte[] chunk, long index) {
        for (int i = 0; i < 8; i++) {
            chunk[i] = (byte) (index >>> (8 * i));
        }
    }

    private static int update(CRC32 crc, ByteBuf buf) {
        int n = buf.readableBytes();
        byte[] bytes = new byte[n];
        buf.readBytes(bytes);
        buf.release();
        crc.update(bytes);
        return n;
    }

    // ---- cycles

    /** Connect, write, read the echo, close, over and over: handles, blocks and buffers go back each time. */
    @Test
    void connectWriteCloseCyclesLeaveNothing() throws Exception {
        int cycles = FaultScale.count("cycles", "connect/write/close cycles", 10_000, 3_000);
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        EchoServer server = new EchoServer(serverGroup, serverGroup, address);
        long handles = NamedPipe.openHandles();
        long blocks = NamedPipe.liveNativeBlocks();
        for (int cycle = 0; cycle < cycles; cycle++) {
            BlockingQueue<Object> echoed = new LinkedBlockingQueue<>();
            Channel client = client(address, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    echoed.add(msg);
                }
            }, 10_000).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{(byte) cycle, 1, 2, 3})).sync();
            ByteBuf back = (ByteBuf) echoed.poll(10, TimeUnit.SECONDS);
            assertTrue(back != null, "no echo in cycle " + cycle);
            assertEquals((byte) cycle, back.getByte(back.readerIndex()), "cycle " + cycle);
            back.release();
            client.close().sync();
        }
        assertTrue(PipeTestSupport.eventually(10_000, () -> server.children.isEmpty()
                        && NamedPipe.openHandles() == handles && NamedPipe.liveNativeBlocks() == blocks),
                "after " + cycles + " cycles: handles " + NamedPipe.openHandles() + " (were " + handles
                        + "), blocks " + NamedPipe.liveNativeBlocks() + " (were " + blocks + ")");
        FaultLedger.CONNECTIONS.addAndGet(cycles);
        FaultLedger.MESSAGES.addAndGet(2L * cycles);
        server.close();
    }

    // ---- many clients

    /** 64 clients each send numbered messages of varying size; the server checks every one's number and size. */
    @Test
    void manyClientsKeepEveryMessageInOrder() throws Exception {
        int clients = 64;
        int messages = FaultScale.count("messagesPerClient", "messages per client (64 clients, message mode)",
                100_000, 1_000);
        long[] next = new long[clients];
        AtomicLong received = new AtomicLong();
        AtomicLong reordered = new AtomicLong();
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.PIPE_MODE, NamedPipeMode.MESSAGE)
                .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        ch.pipeline().addLast(new PipeMessageAggregator(1 << 16), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf m = ((PipeMessage) msg).content();
                                int client = m.getInt(m.readerIndex());
                                int seq = m.getInt(m.readerIndex() + 4);
                                if (seq != next[client] || m.readableBytes() != messageSize(seq)) {
                                    reordered.incrementAndGet();
                                }
                                next[client] = seq + 1;
                                ((PipeMessage) msg).release();
                                received.incrementAndGet();
                            }
                        });
                    }
                })
                .bind(address).sync().channel();
        List<Promise<Void>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Promise<Void> sent = clientGroup.next().newPromise();
            done.add(sent);
            client(address, new PacedSender(sent, messages, seq -> {
                ByteBuf m = Unpooled.buffer(messageSize(seq));
                m.writeInt(client).writeInt(seq).writeZero(messageSize(seq) - 8);
                return m;
            }), 10_000).sync();
        }
        awaitAll(done, "message sender");
        long total = (long) clients * messages;
        PipeTestSupport.eventually(120_000, () -> received.get() >= total);
        record(clients, total, received.get(), total, reordered.get(), 0);
        server.close().sync();
    }

    private static int messageSize(int seq) {
        return 8 + (seq * 977) % 2000;
    }

    /** 64 clients each stream bytes; the server checksums every client's stream and compares. */
    @Test
    void manyClientsGetEveryByteInOrder() throws Exception {
        int clients = 64;
        int chunks = FaultScale.count("chunksPerClient", "64 KiB chunks per client (64 clients, byte mode)",
                4096, 128);
        Map64 receivedCrc = new Map64();
        Map64 receivedBytes = new Map64();
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        ch.pipeline().addLast(new StreamChecker(receivedCrc, receivedBytes));
                    }
                })
                .bind(address).sync().channel();
        List<Promise<Void>> done = new ArrayList<>();
        long[] sentCrc = new long[clients];
        for (int c = 0; c < clients; c++) {
            int client = c;
            CRC32 crc = new CRC32();
            byte[] chunk = new byte[CHUNK];
            Promise<Void> sent = clientGroup.next().newPromise();
            done.add(sent);
            client(address, new PacedSender(sent, chunks + 1, seq -> {
                if (seq == 0) {
                    return Unpooled.buffer(4).writeInt(client); // which client's stream this is
                }
                stamp(chunk, (long) client << 32 | seq);
                crc.update(chunk);
                // Taken here, before the last write: a listener on the promise may run after await() returns.
                sentCrc[client] = crc.getValue();
                return Unpooled.copiedBuffer(chunk);
            }), 10_000).sync();
        }
        awaitAll(done, "byte sender");
        long perClient = (long) chunks * CHUNK;
        PipeTestSupport.eventually(120_000, () -> receivedBytes.sum() >= perClient * clients);
        long reordered = 0;
        for (int c = 0; c < clients; c++) {
            if (receivedBytes.get(c) == perClient && receivedCrc.get(c) != sentCrc[c]) {
                reordered++;
            }
        }
        record(clients, 0, 0, perClient * clients, reordered, perClient * clients - receivedBytes.sum());
        server.close().sync();
    }

    /** Per-client totals the server's children add to. */
    private static final class Map64 extends ConcurrentHashMap<Integer, Long> {
        long get(int client) {
            return getOrDefault(client, 0L);
        }

        long sum() {
            return values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Reads a client's id, then checksums the rest of its stream. */
    private static final class StreamChecker extends ChannelInboundHandlerAdapter {
        private final Map64 crcs;
        private final Map64 counts;
        private final CRC32 crc = new CRC32();
        private int headerLeft = 4;
        private int client;

        StreamChecker(Map64 crcs, Map64 counts) {
            this.crcs = crcs;
            this.counts = counts;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            while (headerLeft > 0 && buf.isReadable()) {
                client = client << 8 | buf.readUnsignedByte();
                headerLeft--;
            }
            int n = update(crc, buf);
            if (headerLeft == 0) {
                crcs.put(client, crc.getValue());
                counts.merge(client, (long) n, Long::sum);
            }
        }
    }

    /**
     * Writes {@code count} messages made by {@code next} while writable, then completes {@code done}; counts the
     * writability changes and the most bytes that waited in the outbound buffer.
     */
    private static final class PacedSender extends ChannelInboundHandlerAdapter {
        private final Promise<Void> done;
        private final int count;
        private final Function<Integer, ByteBuf> next;
        private int seq;
        volatile int flips;
        volatile long maxPending;

        PacedSender(Promise<Void> done, int count, Function<Integer, ByteBuf> next) {
            this.done = done;
            this.count = count;
            this.next = next;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            writeMore(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            flips++;
            writeMore(ctx);
        }

        private void writeMore(ChannelHandlerContext ctx) {
            while (seq < count && ctx.channel().isWritable()) {
                ChannelFuture f = ctx.write(next.apply(seq++));
                maxPending = Math.max(maxPending, ctx.channel().unsafe().outboundBuffer().totalPendingWriteBytes());
                if (seq == count) {
                    f.addListener(r -> {
                        if (r.isSuccess()) {
                            done.trySuccess(null);
                        } else {
                            done.tryFailure(r.cause());
                        }
                    });
                }
            }
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.tryFailure(cause);
        }
    }

    private static void record(int clients, long messagesSent, long messagesReceived, long bytes, long reordered,
                               long bytesLost) {
        FaultLedger.CONNECTIONS.addAndGet(clients);
        FaultLedger.MESSAGES.addAndGet(messagesReceived);
        FaultLedger.BYTES.addAndGet(bytes - bytesLost);
        FaultLedger.LOST.addAndGet(messagesSent - messagesReceived + bytesLost);
        FaultLedger.REORDERED.addAndGet(reordered);
        assertEquals(messagesSent, messagesReceived, "messages received");
        assertEquals(0, bytesLost, "bytes lost");
        assertEquals(0, reordered, "messages or streams out of order");
    }

    private static void awaitAll(List<Promise<Void>> promises, String what) throws InterruptedException {
        for (Promise<Void> p : promises) {
            assertTrue(p.await(8, TimeUnit.MINUTES), what + " did not finish");
            assertTrue(p.isSuccess(), () -> what + " failed: " + p.cause());
        }
    }

    // ---- connect storm

    /** 500 clients at once against MAX_INSTANCES 4: each connects or times out saying why; none hangs. */
    @Test
    void connectStormAgainstFourInstances() throws Exception {
        int clients = FaultScale.count("stormClients", "connect storm clients", 500, 500);
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.MAX_INSTANCES, 4)
                .childHandler(new ChannelInboundHandlerAdapter()) // children stay open: 4 at most get in
                .bind(address).sync().channel();
        List<ChannelFuture> connects = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            connects.add(client(address, new ChannelInboundHandlerAdapter(), 3_000));
        }
        int connected = 0;
        for (ChannelFuture connect : connects) {
            assertTrue(connect.await(30, TimeUnit.SECONDS), "a connect never completed");
            if (connect.isSuccess()) {
                connected++;
            } else {
                Throwable cause = connect.cause();
                assertTrue(cause instanceof ConnectTimeoutException && cause.getMessage().contains(address.path()),
                        "not a clear time-out: " + cause);
            }
        }
        assertTrue(connected >= 1 && connected <= 4, connected + " clients connected, MAX_INSTANCES is 4");
        System.out.printf("connect storm: %d of %d connected, %d timed out%n", connected, clients,
                clients - connected);
        FaultLedger.CONNECTIONS.addAndGet(connected);
        FaultLedger.FAULTS.addAndGet(clients - connected);
        server.close().sync();
    }

    // ---- bad input

    /** Names, options, message types and writes nobody should send: each refused clearly, nothing else lost. */
    @Test
    void badInputIsRefusedClearly() throws Exception {
        String longName = "x".repeat(300);
        for (String name : new String[]{"", longName, "a\0b", "a/b", "trailing.", "tab\there"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new NamedPipeAddress(name), "name " + name.replace("\0", "\\0"));
            assertFalse(e.getMessage().isEmpty());
            FaultLedger.BAD_INPUTS.incrementAndGet();
        }
        badServerOption(NamedPipeChannelOption.MAX_INSTANCES, 0, "MAX_INSTANCES");
        badServerOption(NamedPipeChannelOption.MAX_INSTANCES, 256, "MAX_INSTANCES");
        badServerOption(NamedPipeChannelOption.LISTENING_INSTANCES, 0, "LISTENING_INSTANCES");
        badServerOption(NamedPipeChannelOption.IN_BUFFER_SIZE, -1, "IN_BUFFER_SIZE");
        badServerOption(NamedPipeChannelOption.OUT_BUFFER_SIZE, 0, "OUT_BUFFER_SIZE");
        badServerOption(NamedPipeChannelOption.SECURITY_DESCRIPTOR, "not SDDL", "invalid security descriptor");

        Channel child = garbageFromANativePeer();
        assertFalse(child.isActive(), "the child of the killed garbage peer stayed active");

        PipeTestSupportPair pair = new PipeTestSupportPair(serverGroup, clientGroup);
        ChannelFuture wrongType = pair.client.writeAndFlush("a String is not bytes");
        assertTrue(wrongType.await(5, TimeUnit.SECONDS));
        assertTrue(wrongType.cause() instanceof UnsupportedOperationException
                && wrongType.cause().getMessage().contains("String"), "unsupported type: " + wrongType.cause());
        assertTrue(pair.client.isActive(), "a refused message closed the channel");
        pair.client.close().sync();
        ByteBuf late = Unpooled.buffer(4).writeInt(1);
        ChannelFuture afterClose = pair.client.writeAndFlush(late);
        assertTrue(afterClose.await(5, TimeUnit.SECONDS));
        assertTrue(afterClose.cause() instanceof ClosedChannelException, "write after close: " + afterClose.cause());
        assertEquals(0, late.refCnt(), "a write after close must release its buffer");
        FaultLedger.BAD_INPUTS.addAndGet(2);
        pair.close();
    }

    /** A bind with one option out of range fails, naming the option; the name stays free. */
    private <T> void badServerOption(ChannelOption<T> option, T value, String named) throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        ChannelFuture bind = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                .option(option, value).childHandler(new ChannelInboundHandlerAdapter()).bind(address);
        assertTrue(bind.await(10, TimeUnit.SECONDS), "bind with " + option + " " + value + " never completed");
        Throwable cause = bind.cause();
        assertTrue(cause instanceof IllegalArgumentException && cause.getMessage().contains(named),
                option + " " + value + ": " + cause);
        assertFalse(bind.channel().isOpen(), "a server refused at bind stayed open");
        FaultLedger.BAD_INPUTS.incrementAndGet();
    }

    /**
     * A native peer writes messages of random bytes, two in five over the reader's limit: each of those fails once
     * with TooLongFrameException, every other arrives whole, then the peer is killed.
     */
    private Channel garbageFromANativePeer() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger tooLong = new AtomicInteger();
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.PIPE_MODE, NamedPipeMode.MESSAGE)
                .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        children.add(ch);
                        ch.pipeline().addLast(new PipeMessageAggregator(1 << 16), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                sizes.add(((PipeMessage) msg).content().readableBytes());
                                ((PipeMessage) msg).release();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                if (cause instanceof TooLongFrameException) {
                                    tooLong.incrementAndGet();
                                } else {
                                    ctx.close();
                                }
                            }
                        });
                    }
                })
                .bind(address).sync().channel();
        Channel child;
        try (NativeFloodPeer peer = new NativeFloodPeer("SENT 10", "garbage", address, 10)) {
            child = children.poll(10, TimeUnit.SECONDS);
            assertTrue(PipeTestSupport.eventually(30_000, () -> sizes.size() + tooLong.get() >= 10),
                    "garbage messages handled: " + sizes + ", too long: " + tooLong.get());
            assertEquals(List.of(0, 1, 3, 0, 1, 3), sizes, "sizes of the messages within the limit");
            assertEquals(4, tooLong.get(), "messages over the limit, each refused once");
            assertTrue(child.isActive(), "garbage closed the channel");
            peer.kill();
            assertTrue(child.closeFuture().await(10, TimeUnit.SECONDS), "our end stayed open after the peer died");
        }
        FaultLedger.BAD_INPUTS.addAndGet(10);
        FaultLedger.FAULTS.incrementAndGet();
        server.close().sync();
        return child;
    }

    /** A plain server and one connected client, for the bad writes. */
    private static final class PipeTestSupportPair {
        final Channel server;
        final Channel client;

        PipeTestSupportPair(NamedPipeEventLoopGroup serverGroup, NamedPipeEventLoopGroup clientGroup)
                throws Exception {
            NamedPipeAddress address = PipeTestSupport.uniqueAddress();
            server = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter()).bind(address).sync().channel();
            client = new Bootstrap().group(clientGroup).channel(NamedPipeChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
        }

        void close() throws InterruptedException {
            client.close().sync();
            server.close().sync();
        }
    }

    private ChannelFuture client(NamedPipeAddress address, ChannelHandler handler, int timeoutMillis) {
        return new Bootstrap().group(clientGroup).channel(NamedPipeChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .handler(handler).connect(address);
    }
}
