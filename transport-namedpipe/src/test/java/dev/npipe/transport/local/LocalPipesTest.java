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
package dev.npipe.transport.local;

import dev.npipe.transport.LeakRecorder;
import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeChannelOption;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same code on every system: these tests run on the Linux JVM, where the entry point gives Unix domain sockets
 * (once per kind available: NIO, and epoll when its native library loads), and in the Win32 suite, where it gives
 * named pipes. Only the assertions about the entry point's choice differ by system.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalPipesTest {
    private static final int MAX_MESSAGE = 16 << 20;
    private final List<MultiThreadIoEventLoopGroup> groups = new ArrayList<>();

    static List<LocalPipeKind> kinds() {
        return LocalPipes.availableKinds();
    }

    private MultiThreadIoEventLoopGroup group(LocalPipeTransport transport) {
        MultiThreadIoEventLoopGroup group = LocalPipeTestKit.newGroup(transport);
        groups.add(group);
        return group;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (MultiThreadIoEventLoopGroup group : groups) {
            LocalPipeTestKit.shutdown(group);
        }
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void entryPointPicksNamedPipesOnWindowsAndSocketsElsewhere() {
        LocalPipeTransport transport = LocalPipes.transport();
        SocketAddress address = transport.address("my-service");
        if (OS.WINDOWS.isCurrentOs()) {
            assertEquals(LocalPipeKind.NAMED_PIPE, transport.kind());
            assertEquals(new NamedPipeAddress("\\\\.\\pipe\\my-service"), address);
            assertFalse(transport.socketDirectory().isPresent());
            assertFalse(transport.socketFile("my-service").isPresent());
            assertFalse(LocalPipeKind.NIO_DOMAIN_SOCKET.isAvailable(), "NIO sockets offered on Windows");
            assertEquals("dev.npipe.transport.NamedPipeServerChannel", transport.serverChannelClass().getName());
            assertEquals("dev.npipe.transport.NamedPipeChannel", transport.channelClass().getName());
        } else {
            LocalPipeKind expected = LocalPipeKind.EPOLL_DOMAIN_SOCKET.isAvailable()
                    ? LocalPipeKind.EPOLL_DOMAIN_SOCKET
                    : LocalPipeKind.KQUEUE_DOMAIN_SOCKET.isAvailable()
                            ? LocalPipeKind.KQUEUE_DOMAIN_SOCKET : LocalPipeKind.NIO_DOMAIN_SOCKET;
            assertEquals(expected, transport.kind());
            assertTrue(LocalPipeKind.NIO_DOMAIN_SOCKET.isAvailable());
            assertTrue(LocalPipeKind.NAMED_PIPE.unavailabilityCause().getMessage().contains("Windows"));
            assertEquals(LocalPipes.defaultSocketDirectory(), transport.socketDirectory().orElseThrow());
            assertEquals(transport.socketDirectory().orElseThrow().resolve("my-service.sock"),
                    transport.socketFile("my-service").orElseThrow());
            assertTrue(address.toString().contains("my-service.sock"), address.toString());
            assertTrue(transport.serverChannelClass().getSimpleName().endsWith("ServerDomainSocketChannel"),
                    transport.serverChannelClass().getName());
            assertTrue(transport.channelClass().getSimpleName().endsWith("DomainSocketChannel"),
                    transport.channelClass().getName());
            String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
            String directory = LocalPipes.defaultSocketDirectory().toString();
            assertTrue(directory.endsWith("/npipe") && runtimeDir != null && directory.startsWith(runtimeDir)
                    || directory.contains("npipe-" + SocketDirectory.currentUid()), directory);
        }
        assertEquals(transport.kind(), LocalPipes.availableKinds().get(0));
    }

    @Test
    void namesThatAreNotValidEverywhereAreRefused() {
        LocalPipeTransport transport = LocalPipes.transport();
        for (String name : new String[] {"", "a/b", "a\\b", "..", ".hidden", "with space", "x".repeat(81)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> transport.address(name));
            assertTrue(e.getMessage().contains("not valid"), e.getMessage());
        }
        assertNotNull(transport.address("x".repeat(80)));
        assertThrows(IllegalArgumentException.class, () -> transport.withMessageMode(-1));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void echoesBytes(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        Channel server = transport.bind(transport.serverBootstrap(group, new LocalPipeTestKit.Echo()), name)
                .sync().channel();
        LocalPipeTestKit.ByteSink sink = new LocalPipeTestKit.ByteSink();
        Channel client = transport.connect(transport.bootstrap(group, sink), name).sync().channel();
        byte[] sent = LocalPipeTestKit.payload(100_000, 3);
        client.writeAndFlush(Unpooled.wrappedBuffer(sent)).sync();
        assertArrayEquals(sent, sink.awaitBytes(sent.length, 30));
        client.close().sync();
        server.close().sync();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aPipeMessageWrittenInByteModeFailsNamingMessageMode(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        Channel server = transport.bind(transport.serverBootstrap(group, new LocalPipeTestKit.Echo()), name)
                .sync().channel();
        BlockingQueue<Throwable> caught = new LinkedBlockingQueue<>();
        LocalPipeTestKit.ByteSink sink = new LocalPipeTestKit.ByteSink() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                caught.add(cause);
            }
        };
        Channel client = transport.connect(transport.bootstrap(group, sink), name).sync().channel();
        io.netty.buffer.ByteBuf content = io.netty.buffer.ByteBufAllocator.DEFAULT.directBuffer().writeInt(42);
        ChannelFuture write = client.writeAndFlush(new dev.npipe.codec.message.PipeMessage(content))
                .awaitUninterruptibly();
        assertFalse(write.isSuccess(), "a PipeMessage was written on a byte-mode " + kind);
        IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, write.cause());
        assertTrue(e.getMessage().startsWith("PipeMessage written to ") && e.getMessage().contains("withMessageMode"),
                e.getMessage());
        assertEquals(e, caught.poll(10, TimeUnit.SECONDS), "the failure was not fired as exceptionCaught");
        assertEquals(0, content.refCnt(), "the refused message was not released");
        // Written with a void promise: one exceptionCaught, as Netty's void promises report failures.
        client.writeAndFlush(new dev.npipe.codec.message.PipeMessage(Unpooled.wrappedBuffer(new byte[1])),
                client.voidPromise());
        Throwable viaVoid = caught.poll(10, TimeUnit.SECONDS);
        assertInstanceOf(IllegalArgumentException.class, viaVoid, String.valueOf(viaVoid));
        assertEquals(null, caught.poll(200, TimeUnit.MILLISECONDS), "reported twice");
        // The channel goes on carrying bytes.
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync();
        assertArrayEquals(new byte[] {1, 2, 3}, sink.awaitBytes(3, 30));
        client.close().sync();
        server.close().sync();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void messagesFromEmptyTo16MiBArriveWhole(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind).withMessageMode(MAX_MESSAGE);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        Channel server = transport.bind(transport.serverBootstrap(group, new LocalPipeTestKit.Echo()), name)
                .sync().channel();
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        Channel client = transport.connect(transport.bootstrap(group, new LocalPipeTestKit.MessageSink(received)),
                name).sync().channel();
        for (int size : new int[] {0, 1, 4095, 64 * 1024, 1 << 20, MAX_MESSAGE}) {
            byte[] sent = LocalPipeTestKit.payload(size, size);
            client.writeAndFlush(new dev.npipe.codec.message.PipeMessage(Unpooled.wrappedBuffer(sent))).sync();
            byte[] back = received.poll(60, TimeUnit.SECONDS);
            assertNotNull(back, "no echo of the " + size + "-byte message");
            assertArrayEquals(sent, back, "the " + size + "-byte message");
        }
        assertTrue(received.isEmpty(), "extra messages: " + received.size());
        client.close().sync();
        server.close().sync();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void messageOverTheLimitFailsOnceAndTheNextArrives(LocalPipeKind kind) throws Exception {
        int limit = 10_000;
        LocalPipeTransport transport = LocalPipes.transport(kind).withMessageMode(limit);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        BlockingQueue<byte[]> serverGot = new LinkedBlockingQueue<>();
        LocalPipeTestKit.MessageSink serverSink = new LocalPipeTestKit.MessageSink(serverGot);
        Channel server = transport.bind(transport.serverBootstrap(group, serverSink), name).sync().channel();
        Channel client = transport.connect(transport.bootstrap(group, new LocalPipeTestKit.MessageSink(
                new LinkedBlockingQueue<>())), name).sync().channel();
        byte[] next = LocalPipeTestKit.payload(limit, 2);
        client.write(Unpooled.wrappedBuffer(LocalPipeTestKit.payload(limit + 1, 1)));
        client.writeAndFlush(Unpooled.wrappedBuffer(next)).sync();
        byte[] got = serverGot.poll(30, TimeUnit.SECONDS);
        assertNotNull(got, "the message after the too-long one never arrived");
        assertArrayEquals(next, got);
        assertEquals(1, serverSink.tooLong.get(), "TooLongFrameException count");
        assertTrue(client.isActive(), "the client's channel closed");
        client.close().sync();
        server.close().sync();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void sixteenClientsAtOnceKeepEveryMessage(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind).withMessageMode(1 << 20);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        Channel server = transport.bind(transport.serverBootstrap(group, new LocalPipeTestKit.Echo()), name)
                .sync().channel();
        int clients = 16;
        int messages = 100;
        List<Channel> channels = new ArrayList<>();
        List<BlockingQueue<byte[]>> queues = new ArrayList<>();
        List<ChannelFuture> connects = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
            queues.add(queue);
            connects.add(transport.connect(transport.bootstrap(group, new LocalPipeTestKit.MessageSink(queue)),
                    name));
        }
        for (ChannelFuture connect : connects) {
            channels.add(connect.sync().channel());
        }
        for (int m = 0; m < messages; m++) {
            for (int c = 0; c < clients; c++) {
                channels.get(c).write(Unpooled.wrappedBuffer(LocalPipeTestKit.payload(size(c, m), c * 1000 + m)));
            }
        }
        for (Channel channel : channels) {
            channel.flush();
        }
        for (int c = 0; c < clients; c++) {
            for (int m = 0; m < messages; m++) {
                byte[] back = queues.get(c).poll(60, TimeUnit.SECONDS);
                assertNotNull(back, "client " + c + " lacks message " + m);
                assertArrayEquals(LocalPipeTestKit.payload(size(c, m), c * 1000 + m), back,
                        "client " + c + ", message " + m);
            }
        }
        for (Channel channel : channels) {
            channel.close().sync();
        }
        server.close().sync();
    }

    private static int size(int client, int message) {
        return (client * 7919 + message * 104_729) % 9000;
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void connectingToNoServerFailsAtOnceSayingNoServerListens(LocalPipeKind kind) {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        // Netty's default connect time-out (30 s): the raw named-pipe client would wait all of it.
        Bootstrap bootstrap = transport.bootstrap(group(transport), new LocalPipeTestKit.Echo());
        String name = LocalPipeTestKit.uniqueName();
        long start = System.nanoTime();
        ChannelFuture connect = transport.connect(bootstrap, name).awaitUninterruptibly();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(connect.isSuccess(), "connected to nobody");
        java.net.ConnectException e = assertInstanceOf(java.net.ConnectException.class, connect.cause());
        assertTrue(e.getMessage().startsWith("no server listens at " + name + " ("
                + transport.address(name) + ": "), e.getMessage());
        assertNotNull(e.getCause(), "the system's own error is not attached");
        assertTrue(millis < 10_000, "took " + millis + " ms to fail");
        // The connect fails first and the channel closes right after, as Netty's NIO channels do: wait for it.
        assertTrue(connect.channel().closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS),
                "the failed channel is still open");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void withServerWaitAClientStartedBeforeItsServerConnectsWhenItComes(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind).withServerWait(java.time.Duration.ofSeconds(20));
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        LocalPipeTestKit.ByteSink sink = new LocalPipeTestKit.ByteSink();
        ChannelFuture connect = transport.connect(transport.bootstrap(group, sink), name);
        Thread.sleep(500);
        assertFalse(connect.isDone(), "did not wait for the server: " + connect.cause());
        Channel server = transport.bind(transport.serverBootstrap(group, new LocalPipeTestKit.Echo()), name)
                .sync().channel();
        Channel client = connect.sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {4, 5, 6})).sync();
        assertArrayEquals(new byte[] {4, 5, 6}, sink.awaitBytes(3, 30));
        client.close().sync();
        server.close().sync();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void withServerWaitNoServerFailsAfterTheWaitOrTheConnectTimeOutSayingSo(LocalPipeKind kind) {
        LocalPipeTransport waiting = LocalPipes.transport(kind).withServerWait(java.time.Duration.ofMillis(700));
        MultiThreadIoEventLoopGroup group = group(waiting);
        assertNoServerAfter(waiting, waiting.bootstrap(group, new LocalPipeTestKit.Echo()), 700);
        // The wait never goes beyond the connect time-out.
        LocalPipeTransport long_ = waiting.withServerWait(java.time.Duration.ofSeconds(60));
        assertNoServerAfter(long_, long_.bootstrap(group, new LocalPipeTestKit.Echo())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 600), 600);
        // Cancelling a waiting connect ends it and closes its channel.
        ChannelFuture cancelled = long_.connect(long_.bootstrap(group, new LocalPipeTestKit.Echo()),
                LocalPipeTestKit.uniqueName());
        assertTrue(cancelled.cancel(false), "the waiting connect could not be cancelled");
        assertTrue(cancelled.channel().closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS),
                "the channel of a cancelled connect stayed open");
        assertThrows(IllegalArgumentException.class, () -> waiting.withServerWait(java.time.Duration.ofMillis(-1)));
        assertEquals(java.time.Duration.ZERO, LocalPipes.transport(kind).serverWait());
        assertEquals(java.time.Duration.ofSeconds(60), long_.withMessageMode(10).serverWait());
    }

    private static void assertNoServerAfter(LocalPipeTransport transport, Bootstrap bootstrap, long waitMillis) {
        String name = LocalPipeTestKit.uniqueName();
        long start = System.nanoTime();
        ChannelFuture connect = transport.connect(bootstrap, name).awaitUninterruptibly();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        java.net.ConnectException e = assertInstanceOf(java.net.ConnectException.class, connect.cause());
        assertTrue(e.getMessage().startsWith("no server listens at " + name + " ("
                + transport.address(name) + ": "), e.getMessage());
        assertTrue(millis >= waitMillis - 100 && millis < waitMillis + 10_000, "failed after " + millis + " ms");
        // The connect fails first and the channel closes right after, as Netty's NIO channels do: wait for it.
        assertTrue(connect.channel().closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS),
                "the failed channel is still open");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aBootstrapsOwnAbsentPipeTimeoutStillWaitsForTheServer(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        Bootstrap bootstrap = transport.bootstrap(group, new LocalPipeTestKit.Echo())
                .option(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS, 20_000);
        if (kind != LocalPipeKind.NAMED_PIPE) {
            // A Windows-only option: sockets ignore it and fail at once as without it.
            ChannelFuture connect = transport.connect(bootstrap, name).awaitUninterruptibly();
            assertTrue(connect.cause().getMessage().startsWith("no server listens at " + name),
                    String.valueOf(connect.cause()));
            return;
        }
        ChannelFuture connect = transport.connect(bootstrap, name);
        Thread.sleep(500);
        assertFalse(connect.isDone(), "did not wait for the server: " + connect.cause());
        Channel server = transport.bind(transport.serverBootstrap(group, new LocalPipeTestKit.Echo()), name)
                .sync().channel();
        connect.sync().channel().close().sync();
        server.close().sync();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void namedPipeOptionsRunEverywhereAndTheBootstrapIsLeftAlone(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        ServerBootstrap serverBootstrap = transport.serverBootstrap(group, new LocalPipeTestKit.Echo())
                .option(NamedPipeChannelOption.LISTENING_INSTANCES, 2)
                .option(NamedPipeChannelOption.REJECT_REMOTE_CLIENTS, true);
        Channel server = transport.bind(serverBootstrap, name).sync().channel();
        assertEquals(2, serverBootstrap.config().options().get(NamedPipeChannelOption.LISTENING_INSTANCES));
        LocalPipeTestKit.ByteSink sink = new LocalPipeTestKit.ByteSink();
        Channel client = transport.connect(transport.bootstrap(group, sink)
                .option(NamedPipeChannelOption.READ_MODE, dev.npipe.transport.NamedPipeMode.BYTE), name)
                .sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync();
        assertArrayEquals(new byte[] {1, 2, 3}, sink.awaitBytes(3, 30));
        client.close().sync();
        server.close().sync();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void serverSeesWhoTheClientIs(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = transport.bind(transport.serverBootstrap(group, new ChannelInboundHandlerAdapter() {
            @Override
            public boolean isSharable() {
                return true;
            }

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                children.add(ctx.channel());
            }
        }), name).sync().channel();
        Channel client = transport.connect(transport.bootstrap(group, new LocalPipeTestKit.Echo()), name)
                .sync().channel();
        Channel child = children.poll(30, TimeUnit.SECONDS);
        assertNotNull(child, "no child channel");
        LocalPipePeer peer = LocalPipePeer.of(child);
        long pid = ProcessHandle.current().pid();
        // One type on every kind: this process's own user, as a SID on Windows and a uid elsewhere.
        assertEquals(LocalPipeUser.current(), peer.user(), peer.toString());
        if (kind == LocalPipeKind.NAMED_PIPE) {
            assertTrue(peer.user().getName().startsWith("S-1-"), peer.toString());
            assertEquals(peer.user().getName(), peer.user().sid().orElseThrow());
            assertFalse(peer.user().uid().isPresent(), peer.toString());
        } else {
            assertEquals(SocketDirectory.currentUid(), peer.user().uid().orElseThrow(), peer.toString());
            assertEquals(Long.toString(SocketDirectory.currentUid()), peer.user().getName());
            assertFalse(peer.user().sid().isPresent(), peer.toString());
        }
        if (kind == LocalPipeKind.NIO_DOMAIN_SOCKET) {
            assertFalse(peer.processId().isPresent(), peer.toString());
        } else {
            assertEquals(pid, peer.processId().orElseThrow(), peer.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> LocalPipePeer.of(server));
        client.close().sync();
        server.close().sync();
    }

    @Test
    void aHandlerThatIsNotSharableIsRefusedByServerBootstrap() throws Exception {
        LocalPipeTransport transport = LocalPipes.transport();
        MultiThreadIoEventLoopGroup group = group(transport);
        ChannelInboundHandlerAdapter notSharable = new ChannelInboundHandlerAdapter();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> transport.serverBootstrap(group, notSharable));
        assertTrue(e.getMessage().startsWith(ChannelInboundHandlerAdapter.class.getName() + " is not @Sharable, but"
                + " serverBootstrap(...) adds this one instance to every channel"), e.getMessage());
        assertTrue(e.getMessage().contains("ChannelInitializer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> transport.initializer(notSharable));
        // What it says to do instead works, and a client's handler for one connect may be unsharable, as in Netty.
        String name = LocalPipeTestKit.uniqueName();
        Channel server = transport.bind(transport.serverBootstrap(group, new io.netty.channel.ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new LocalPipeTestKit.Echo());
            }
        }), name).sync().channel();
        for (int i = 0; i < 2; i++) {
            transport.connect(transport.bootstrap(group, new ChannelInboundHandlerAdapter()), name).sync().channel()
                    .close().sync();
        }
        server.close().sync();
    }

    @Test
    void aUserHasOneStableStringFormAndItsRawValue() {
        LocalPipeUser sid = LocalPipeUser.ofSid("S-1-5-21-1-2-3-1001");
        assertEquals("S-1-5-21-1-2-3-1001", sid.getName());
        assertEquals("S-1-5-21-1-2-3-1001", sid.toString());
        assertEquals("S-1-5-21-1-2-3-1001", sid.sid().orElseThrow());
        assertFalse(sid.uid().isPresent());
        LocalPipeUser uid = LocalPipeUser.ofUid(4_000_000_000L);
        assertEquals("4000000000", uid.getName());
        assertEquals(4_000_000_000L, uid.uid().orElseThrow());
        assertFalse(uid.sid().isPresent());
        assertEquals(LocalPipeUser.ofUid(1000), LocalPipeUser.ofUid(1000));
        assertEquals(LocalPipeUser.ofUid(1000).hashCode(), LocalPipeUser.ofUid(1000).hashCode());
        assertFalse(LocalPipeUser.ofUid(1000).equals(LocalPipeUser.ofUid(1001)));
        assertThrows(IllegalArgumentException.class, () -> LocalPipeUser.ofUid(-1));
        assertThrows(IllegalArgumentException.class, () -> LocalPipeUser.ofUid(1L << 32));
        assertThrows(IllegalArgumentException.class, () -> LocalPipeUser.ofSid("1000"));
        LocalPipeUser self = LocalPipeUser.current();
        assertEquals(OS.WINDOWS.isCurrentOs(), self.sid().isPresent(), self.toString());
        assertEquals(!OS.WINDOWS.isCurrentOs(), self.uid().isPresent(), self.toString());
    }

    @Test
    void namedPipeOptionsAreStrippedFromASocketBootstrapOnly() {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .option(NamedPipeChannelOption.SECURITY_DESCRIPTOR, "D:P(A;;GA;;;SY)")
                .option(ChannelOption.SO_BACKLOG, 7)
                .childOption(NamedPipeChannelOption.IN_BUFFER_SIZE, 4096)
                .childOption(ChannelOption.AUTO_READ, false);
        NamedPipeOnlyOptions.strip(bootstrap);
        assertEquals(java.util.Map.of(ChannelOption.SO_BACKLOG, 7), bootstrap.config().options());
        assertEquals(java.util.Map.of(ChannelOption.AUTO_READ, false), bootstrap.config().childOptions());
        assertTrue(NamedPipeOnlyOptions.contains(NamedPipeChannelOption.REQUIRED_SERVER_USER));
        assertFalse(NamedPipeOnlyOptions.contains(ChannelOption.CONNECT_TIMEOUT_MILLIS));
    }
}
