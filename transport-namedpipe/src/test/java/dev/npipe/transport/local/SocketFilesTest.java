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
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Unix domain sockets need from the file system: a private directory, private sockets, stale files replaced
 * and live servers kept. POSIX only, so every test here is reported as skipped on the Windows JVM, where
 * {@link LocalPipesTest} covers named pipes through the same entry point.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SocketFilesTest {
    private final List<MultiThreadIoEventLoopGroup> groups = new ArrayList<>();
    private final List<Path> directories = new ArrayList<>();

    static List<LocalPipeKind> kinds() {
        return LocalPipes.availableKinds();
    }

    static boolean runsAsRoot() {
        return !OS.WINDOWS.isCurrentOs() && SocketDirectory.currentUid() == 0;
    }

    private MultiThreadIoEventLoopGroup group(LocalPipeTransport transport) {
        MultiThreadIoEventLoopGroup group = LocalPipeTestKit.newGroup(transport);
        groups.add(group);
        return group;
    }

    /** A directory path of this test's own, not created yet, under the system's temporary directory. */
    private Path newDirectory() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), LocalPipeTestKit.uniqueName());
        directories.add(dir);
        return dir;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (MultiThreadIoEventLoopGroup group : groups) {
            LocalPipeTestKit.shutdown(group);
        }
        for (Path dir : directories) {
            deleteTree(dir);
        }
        LeakRecorder.assertNoLeaks();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (var entries = Files.list(dir)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    Files.delete(entry);
                }
            }
        }
        Files.deleteIfExists(dir);
    }

    private static Channel bindEcho(LocalPipeTransport transport, MultiThreadIoEventLoopGroup group, String name)
            throws InterruptedException {
        return transport.bind(transport.serverBootstrap(group, new LocalPipeTestKit.Echo()), name).sync().channel();
    }

    private static void assertEchoes(LocalPipeTransport transport, MultiThreadIoEventLoopGroup group, String name)
            throws InterruptedException {
        LocalPipeTestKit.ByteSink sink = new LocalPipeTestKit.ByteSink();
        Channel client = transport.connect(transport.bootstrap(group, sink), name).sync().channel();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {4, 5, 6})).sync();
        assertArrayEquals(new byte[] {4, 5, 6}, sink.awaitBytes(3, 30));
        client.close().sync();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @DisabledOnOs(OS.WINDOWS)
    void directoryIsMadePrivateAndTheSocketToo(LocalPipeKind kind) throws Exception {
        Path dir = newDirectory();
        LocalPipeTransport transport = LocalPipes.transport(kind).withSocketDirectory(dir);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        Channel server = bindEcho(transport, group, name);
        Path socket = transport.socketFile(name).orElseThrow();
        assertEquals(dir.resolve(name + ".sock"), socket);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEchoes(transport, group, name);
        server.close().sync();
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "socket file left after the server closed");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @DisabledOnOs(OS.WINDOWS)
    void staleSocketFileIsReplaced(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind).withSocketDirectory(newDirectory());
        String name = LocalPipeTestKit.uniqueName();
        Path socket = transport.socketFile(name).orElseThrow();
        SocketDirectory.createPrivate(socket.getParent());
        // A server that went away without removing its socket file, as after a crash.
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket)).close();
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the stale file was not made");
        MultiThreadIoEventLoopGroup group = group(transport);
        Channel server = bindEcho(transport, group, name);
        assertEchoes(transport, group, name);
        server.close().sync();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @DisabledOnOs(OS.WINDOWS)
    void aLiveServerKeepsItsName(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        Channel first = bindEcho(transport, group, name);
        ChannelFuture second = transport.bind(transport.serverBootstrap(group, new LocalPipeTestKit.Echo()), name)
                .awaitUninterruptibly();
        assertFalse(second.isSuccess(), "a second server took the name of a live one");
        assertInstanceOf(BindException.class, second.cause());
        assertTrue(second.cause().getMessage().contains("already listens"), second.cause().getMessage());
        assertEchoes(transport, group, name);
        first.close().sync();
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aFileThatIsNotASocketIsNotRemoved() throws Exception {
        LocalPipeTransport transport = LocalPipes.transport().withSocketDirectory(newDirectory());
        String name = LocalPipeTestKit.uniqueName();
        Path file = transport.socketFile(name).orElseThrow();
        SocketDirectory.createPrivate(file.getParent());
        Files.writeString(file, "not a socket");
        ChannelFuture bind = transport.bind(transport.serverBootstrap(group(transport),
                new LocalPipeTestKit.Echo()), name).awaitUninterruptibly();
        assertInstanceOf(BindException.class, bind.cause());
        assertTrue(bind.cause().getMessage().contains("not a socket"), bind.cause().getMessage());
        assertEquals("not a socket", Files.readString(file));
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aDirectoryOthersMayEnterIsRefusedByServerAndClient() throws Exception {
        Path dir = newDirectory();
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        LocalPipeTransport transport = LocalPipes.transport().withSocketDirectory(dir);
        MultiThreadIoEventLoopGroup group = group(transport);
        ChannelFuture bind = transport.bind(transport.serverBootstrap(group, new LocalPipeTestKit.Echo()), "svc")
                .awaitUninterruptibly();
        assertFalse(bind.isSuccess());
        assertTrue(bind.cause().getMessage().contains("rwxr-xr-x"), bind.cause().getMessage());
        ChannelFuture connect = transport.connect(transport.bootstrap(group, new LocalPipeTestKit.Echo()), "svc")
                .awaitUninterruptibly();
        assertFalse(connect.isSuccess());
        assertTrue(connect.cause().getMessage().contains("rwxr-xr-x"), connect.cause().getMessage());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)),
                "the transport changed a directory it does not own the choice of");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aSymbolicLinkIsNotTakenForTheDirectory() throws Exception {
        Path real = newDirectory();
        SocketDirectory.createPrivate(real);
        Path link = newDirectory();
        Files.createSymbolicLink(link, real);
        LocalPipeTransport transport = LocalPipes.transport().withSocketDirectory(link);
        ChannelFuture bind = transport.bind(transport.serverBootstrap(group(transport),
                new LocalPipeTestKit.Echo()), "svc").awaitUninterruptibly();
        assertFalse(bind.isSuccess());
        assertTrue(bind.cause().getMessage().contains("symbolic link"), bind.cause().getMessage());
    }

    /** Only root can give a directory to another user, as a squatter would have made it. */
    @Test
    @EnabledIf("runsAsRoot")
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        Path dir = newDirectory();
        SocketDirectory.createPrivate(dir);
        Files.setAttribute(dir, "unix:uid", 4242);
        LocalPipeTransport transport = LocalPipes.transport().withSocketDirectory(dir);
        ChannelFuture connect = transport.connect(transport.bootstrap(group(transport),
                new LocalPipeTestKit.Echo()), "svc").awaitUninterruptibly();
        assertFalse(connect.isSuccess());
        assertTrue(connect.cause().getMessage().contains("belongs to uid 4242"), connect.cause().getMessage());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aMissingDirectoryMeansNoServer() {
        LocalPipeTransport transport = LocalPipes.transport().withSocketDirectory(newDirectory());
        ChannelFuture connect = transport.connect(transport.bootstrap(group(transport),
                new LocalPipeTestKit.Echo()), "svc").awaitUninterruptibly();
        assertInstanceOf(java.net.ConnectException.class, connect.cause());
        assertTrue(connect.cause().getMessage().contains("does not exist"), connect.cause().getMessage());
    }

    /**
     * On Linux and macOS the entry point works with no JNA on the class path (so it never loads a Win32 class): in a
     * class loader that has only this module, the codec and Netty, it picks NIO sockets and binds a server.
     */
    @Test
    @DisabledOnOs(OS.WINDOWS)
    void worksWithoutJnaOnTheClassPath() throws Exception {
        List<java.net.URL> urls = new ArrayList<>();
        for (Class<?> type : new Class<?>[] {LocalPipes.class, dev.npipe.codec.message.PipeMessage.class,
                io.netty.channel.Channel.class, io.netty.buffer.ByteBuf.class, io.netty.util.concurrent.Future.class,
                io.netty.handler.codec.ByteToMessageDecoder.class, io.netty.resolver.AddressResolver.class}) {
            java.net.URL url = type.getProtectionDomain().getCodeSource().getLocation();
            if (!urls.contains(url)) {
                urls.add(url);
            }
        }
        Path dir = newDirectory();
        try (java.net.URLClassLoader isolated = new java.net.URLClassLoader(urls.toArray(new java.net.URL[0]),
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> isolated.loadClass("com.sun.jna.Platform"));
            Class<?> entry = isolated.loadClass(LocalPipes.class.getName());
            Object transport = entry.getMethod("transport").invoke(null);
            transport = transport.getClass().getMethod("withSocketDirectory", Path.class).invoke(transport, dir);
            assertEquals("NIO_DOMAIN_SOCKET", transport.getClass().getMethod("kind").invoke(transport).toString());
            Object loopGroup = transport.getClass().getMethod("newEventLoopGroup", int.class).invoke(transport, 1);
            Class<?> bootstrapType = isolated.loadClass("io.netty.bootstrap.ServerBootstrap");
            Class<?> groupType = isolated.loadClass("io.netty.channel.EventLoopGroup");
            Class<?> handlerType = isolated.loadClass("io.netty.channel.ChannelHandler");
            // serverBootstrap(...) takes @Sharable handlers only; this one is, and needs nothing but our jars.
            Object handler = isolated.loadClass("dev.npipe.codec.message.LengthPrefixedMessageEncoder")
                    .getConstructor().newInstance();
            Object bootstrap = transport.getClass().getMethod("serverBootstrap", groupType, handlerType)
                    .invoke(transport, loopGroup, handler);
            Object future = transport.getClass().getMethod("bind", bootstrapType, String.class)
                    .invoke(transport, bootstrap, "svc");
            Class<?> futureType = isolated.loadClass("io.netty.util.concurrent.Future");
            futureType.getMethod("awaitUninterruptibly").invoke(future);
            assertEquals(Boolean.TRUE, futureType.getMethod("isSuccess").invoke(future),
                    () -> "bind failed: " + invokeQuietly(futureType, future, "cause"));
            assertTrue(Files.exists(dir.resolve("svc.sock"), LinkOption.NOFOLLOW_LINKS));
            Object shutdown = groupType.getMethod("shutdownGracefully").invoke(loopGroup);
            futureType.getMethod("awaitUninterruptibly").invoke(shutdown);
            assertFalse(Files.exists(dir.resolve("svc.sock"), LinkOption.NOFOLLOW_LINKS),
                    "socket left after the server's loop stopped");
        }
    }

    private static Object invokeQuietly(Class<?> type, Object target, String method) {
        try {
            return type.getMethod(method).invoke(target);
        } catch (ReflectiveOperationException e) {
            return e;
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @DisabledOnOs(OS.WINDOWS)
    void aClientSaysNoServerListensForAMissingDirectoryOrFileAndAStaleSocket(LocalPipeKind kind) throws Exception {
        Path dir = newDirectory();
        LocalPipeTransport transport = LocalPipes.transport(kind).withSocketDirectory(dir);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = LocalPipeTestKit.uniqueName();
        assertNoServer(transport, group, name, "the socket directory does not exist");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertNoServer(transport, group, name, "no such socket file");
        Path file = transport.socketFile(name).orElseThrow();
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(file));
        }
        assertTrue(Files.exists(file), "the JDK removed the socket file at close");
        assertNoServer(transport, group, name, "nothing accepts on the socket file");
    }

    private static void assertNoServer(LocalPipeTransport transport, MultiThreadIoEventLoopGroup group, String name,
                                       String why) {
        ChannelFuture connect = transport.connect(transport.bootstrap(group, new LocalPipeTestKit.Echo()), name)
                .awaitUninterruptibly();
        java.net.ConnectException e = assertInstanceOf(java.net.ConnectException.class, connect.cause());
        assertTrue(e.getMessage().startsWith("no server listens at " + name + " (" + transport.address(name) + ": "
                + why), e.getMessage());
    }
}
