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
package dev.npipe.grpc;

import com.sun.security.auth.module.UnixSystem;
import dev.npipe.transport.LeakRecorder;
import dev.npipe.transport.NamedPipe;
import dev.npipe.transport.local.LocalPipeKind;
import dev.npipe.transport.local.LocalPipePeer;
import dev.npipe.transport.local.LocalPipeTransport;
import dev.npipe.transport.local.LocalPipeUser;
import dev.npipe.transport.local.LocalPipes;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gRPC through {@link LocalGrpc}, the same code on every system: on the Linux JVM over Unix domain sockets (once per
 * kind available), in the Win32 suite over named pipes. Only what the systems tell differently (a SID or a uid)
 * is asserted by system.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalGrpcTest {
    private static final AtomicLong COUNTER = new AtomicLong();
    private final List<AutoCloseable> closing = new ArrayList<>();

    static List<LocalPipeKind> kinds() {
        return LocalPipes.availableKinds();
    }

    /** A service name no other test, and no other test run, uses (no UUID: Wine's Windows JVM cannot seed it). */
    private static String uniqueName() {
        return "lgrpc-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    }

    private MultiThreadIoEventLoopGroup group(LocalPipeTransport transport) {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                new DefaultThreadFactory("local-grpc-test", true), transport.ioHandlerFactory());
        closing.add(() -> {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            assertTrue(group.awaitTermination(10, TimeUnit.SECONDS), "event loop group did not terminate");
        });
        return group;
    }

    private Server start(String name, LocalPipeTransport transport, MultiThreadIoEventLoopGroup group,
                         ServerServiceDefinition service) throws IOException {
        Server server = LocalGrpc.serverBuilder(name, transport, group).addService(service).build().start();
        closing.add(() -> {
            server.shutdownNow();
            assertTrue(server.awaitTermination(10, TimeUnit.SECONDS), "server did not terminate");
        });
        return server;
    }

    private ManagedChannel channel(String name, LocalPipeTransport transport, MultiThreadIoEventLoopGroup group) {
        return track(LocalGrpc.channelBuilder(name, transport, group).build());
    }

    private ManagedChannel track(ManagedChannel channel) {
        closing.add(() -> {
            channel.shutdownNow();
            assertTrue(channel.awaitTermination(10, TimeUnit.SECONDS), "channel did not terminate");
        });
        return channel;
    }

    /** Channels first, then servers, then groups: the reverse of how a test makes them. */
    @AfterEach
    void closeAllAndCheckLeaks() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void defaultTransportIsTheSystemsOwn() {
        LocalPipeKind expected = OS.WINDOWS.isCurrentOs() ? LocalPipeKind.NAMED_PIPE : LocalPipes.transport().kind();
        assertEquals(expected, LocalPipes.transport().kind());
        if (!OS.WINDOWS.isCurrentOs()) {
            assertNotEquals(LocalPipeKind.NAMED_PIPE, expected);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalGrpc.serverBuilder(
                "x", LocalPipes.transport().withMessageMode(1024), group(LocalPipes.transport())));
        assertTrue(e.getMessage().contains("withByteMode()"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LocalGrpc.channelBuilder("a/b", LocalPipes.transport(), group(LocalPipes.transport())));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void unaryCallsAndAServerStream(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = uniqueName();
        start(name, transport, group, new TestService(0).bindService());
        ManagedChannel channel = channel(name, transport, group);
        SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) {
            assertEquals("echo:" + i, stub.unaryRpc(TestService.request(Integer.toString(i))).getResponseMessage());
        }
        // 200 responses of 10 KiB: more than HTTP/2's first 64 KiB window, so flow control takes part.
        int count = 0;
        for (Iterator<SimpleResponse> it = stub.serverStreamingRpc(TestService.request("200x10240"));
             it.hasNext(); ) {
            assertEquals(10240, it.next().getResponseMessage().length());
            count++;
        }
        assertEquals(200, count);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void servicesSeeTheCallersUserAsTheSystemTellsIt(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = uniqueName();
        CallerRecorder recorder = new CallerRecorder();
        start(name, transport, group, ServerInterceptors.intercept(new TestService(0), recorder));
        ManagedChannel channel = channel(name, transport, group);
        SimpleServiceGrpc.newBlockingStub(channel).unaryRpc(TestService.request("who"));
        LocalPipePeer caller = recorder.caller.get();
        assertTrue(caller != null, "no caller recorded");
        assertEquals(LocalPipeUser.current(), caller.user());
        if (kind == LocalPipeKind.NAMED_PIPE) {
            assertEquals(NamedPipe.currentUserSid(), caller.user().sid().orElseThrow());
            assertEquals(ProcessHandle.current().pid(), caller.processId().orElseThrow());
        } else {
            // Read another way than the transport reads it: the JDK's own view of this process's uid.
            assertEquals(new UnixSystem().getUid(), caller.user().uid().orElseThrow());
            assertEquals(Long.toString(new UnixSystem().getUid()), caller.user().getName());
            // NIO's SO_PEERCRED gives no process id; epoll's and kqueue's do.
            caller.processId().ifPresent(pid -> assertEquals(ProcessHandle.current().pid(), pid));
            assertEquals(kind != LocalPipeKind.NIO_DOMAIN_SOCKET, caller.processId().isPresent(), caller.toString());
        }
        // A second connection is told apart and seen the same way.
        ManagedChannel second = channel(name, transport, group);
        recorder.caller.set(null);
        SimpleServiceGrpc.newBlockingStub(second).unaryRpc(TestService.request("again"));
        assertEquals(LocalPipeUser.current(), recorder.caller.get().user());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void interceptorAdmitsTheServersOwnUserAndRefusesAnother(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String own = uniqueName();
        start(own, transport, group,
                ServerInterceptors.intercept(new TestService(0), AllowedUsersInterceptor.currentUserOnly()));
        assertEquals("echo:me", SimpleServiceGrpc.newBlockingStub(channel(own, transport, group))
                .unaryRpc(TestService.request("me")).getResponseMessage());

        LocalPipeUser me = LocalPipeUser.current();
        LocalPipeUser other = me.uid().isPresent() ? LocalPipeUser.ofUid(me.uid().getAsLong() + 1)
                : LocalPipeUser.ofSid("S-1-5-18"); // LocalSystem
        assertNotEquals(me, other, "these tests must not run as " + other);
        String othersOnly = uniqueName();
        TestService refused = new TestService(0);
        start(othersOnly, transport, group, ServerInterceptors.intercept(refused, AllowedUsersInterceptor.of(other)));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> SimpleServiceGrpc
                .newBlockingStub(channel(othersOnly, transport, group)).unaryRpc(TestService.request("me")));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.toString());
        String description = e.getStatus().getDescription();
        assertTrue(description.contains("refused for user " + me.getName()), description);
        assertTrue(description.contains("only [" + other.getName() + "]"), description);
        assertEquals(0, refused.started.get(), "the refused call reached the service");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aDefaultSetupLogsNoWarning(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = uniqueName();
        try (WarningCapture warnings = new WarningCapture()) {
            // The capture sees the warning of an option the channel does not know.
            start(name, transport, group, new TestService(0).bindService());
            ManagedChannel unknownOption = track(LocalGrpc.channelBuilder(name, transport, group)
                    .withOption(ChannelOption.TCP_NODELAY, true).build());
            SimpleServiceGrpc.newBlockingStub(unknownOption).unaryRpc(TestService.request("x"));
            assertTrue(warnings.messages().stream().anyMatch(m -> m.contains("Unknown channel option 'TCP_NODELAY")),
                    "the capture missed Netty's warning about TCP_NODELAY: " + warnings.messages());
            if (kind != LocalPipeKind.NAMED_PIPE) {
                // What grpc-netty's own SO_KEEPALIVE would log on every socket connection, were it not taken off.
                ManagedChannel keepAlive = track(LocalGrpc.channelBuilder(name, transport, group)
                        .withOption(ChannelOption.SO_KEEPALIVE, true).build());
                SimpleServiceGrpc.newBlockingStub(keepAlive).unaryRpc(TestService.request("k"));
                assertTrue(warnings.messages().stream()
                                .anyMatch(m -> m.contains("Unknown channel option 'SO_KEEPALIVE")),
                        "SO_KEEPALIVE was not refused by " + transport.channelClass() + ": " + warnings.messages());
            }
            warnings.clear();

            // Server, channel, calls both ways and the shutdown of both: no warning.
            String quiet = uniqueName();
            Server server = LocalGrpc.serverBuilder(quiet, transport, group)
                    .addService(new TestService(0).bindService()).build().start();
            ManagedChannel channel = LocalGrpc.channelBuilder(quiet, transport, group).build();
            SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(channel);
            assertEquals("echo:y", stub.unaryRpc(TestService.request("y")).getResponseMessage());
            stub.serverStreamingRpc(TestService.request("10x100")).forEachRemaining(r -> { });
            channel.shutdown();
            assertTrue(channel.awaitTermination(10, TimeUnit.SECONDS), "channel did not terminate");
            server.shutdown();
            assertTrue(server.awaitTermination(10, TimeUnit.SECONDS), "server did not terminate");
            assertEquals(List.of(), warnings.messages(), "warnings of a default gRPC setup on " + kind);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aCallWithNoServerFailsSayingSoAndRecoversWhenTheServerComes(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = uniqueName();
        ManagedChannel channel = channel(name, transport, group);
        long start = System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> SimpleServiceGrpc.newBlockingStub(channel).unaryRpc(TestService.request("x")));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        assertTrue(millis < 2000, "failed after " + millis + " ms");
        String why = e.getStatus().getDescription() + " / " + e.getStatus().getCause();
        assertTrue(why.contains("no server listens at " + name), why);

        start(name, transport, group, new TestService(0).bindService());
        assertEquals("echo:later", SimpleServiceGrpc.newBlockingStub(channel).withWaitForReady()
                .withDeadlineAfter(20, TimeUnit.SECONDS).unaryRpc(TestService.request("later")).getResponseMessage());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "socket files: named pipes have none")
    void theSocketDirectoryIsCheckedAsLocalPipeTransportChecksIt(LocalPipeKind kind) throws Exception {
        Path root = Files.createTempDirectory("local-grpc-test");
        closing.add(() -> deleteTree(root));
        LocalPipeTransport transport = LocalPipes.transport(kind).withSocketDirectory(root.resolve("sockets"));
        MultiThreadIoEventLoopGroup group = group(transport);
        String name = uniqueName();

        // A client finds no directory: no server listens.
        StatusRuntimeException absent = assertThrows(StatusRuntimeException.class, () -> SimpleServiceGrpc
                .newBlockingStub(channel(name, transport, group)).unaryRpc(TestService.request("x")));
        String why = absent.getStatus().getDescription() + " / " + absent.getStatus().getCause();
        assertTrue(why.contains("no server listens at " + name) && why.contains("socket directory does not exist"),
                why);

        // The server makes the directory 0700 and the socket 0600.
        start(name, transport, group, new TestService(0).bindService());
        Path directory = transport.socketDirectory().orElseThrow();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(transport.socketFile(name).orElseThrow())));

        // A second server on the name is refused; the first one goes on serving.
        IOException twice = assertThrows(IOException.class, () -> LocalGrpc.serverBuilder(name, transport, group)
                .addService(new TestService(0).bindService()).build().start());
        assertTrue(causes(twice).contains("a server already listens at"), causes(twice));
        ManagedChannel channel = channel(name, transport, group);
        assertEquals("echo:y", SimpleServiceGrpc.newBlockingStub(channel).unaryRpc(TestService.request("y"))
                .getResponseMessage());

        // A directory others may enter is refused by clients and servers.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        StatusRuntimeException open = assertThrows(StatusRuntimeException.class, () -> SimpleServiceGrpc
                .newBlockingStub(channel(name, transport, group)).unaryRpc(TestService.request("x")));
        String openWhy = open.getStatus().getDescription() + " / " + open.getStatus().getCause();
        assertTrue(openWhy.contains("other users may reach its sockets"), openWhy);
        IOException openServer = assertThrows(IOException.class, () -> LocalGrpc.serverBuilder(uniqueName(),
                transport, group).addService(new TestService(0).bindService()).build().start());
        assertTrue(causes(openServer).contains("other users may reach its sockets"), causes(openServer));
    }

    private static String causes(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append(" / ");
        }
        return all.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Records the caller of each call, as a service's interceptor would read it. */
    private static final class CallerRecorder implements ServerInterceptor {
        final AtomicReference<LocalPipePeer> caller = new AtomicReference<>();

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            LocalGrpc.caller(call).ifPresent(caller::set);
            return next.startCall(call, headers);
        }
    }

    /** Collects warnings logged through java.util.logging, where Netty and grpc-java log without SLF4J. */
    private static final class WarningCapture extends Handler implements AutoCloseable {
        private final Logger root = Logger.getLogger("");
        private final List<String> messages = new ArrayList<>();

        WarningCapture() {
            setLevel(Level.WARNING);
            root.addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (isLoggable(record)) {
                messages.add(record.getLoggerName() + ": " + record.getMessage()
                        + (record.getThrown() != null ? " (" + record.getThrown() + ")" : ""));
            }
        }

        synchronized List<String> messages() {
            return new ArrayList<>(messages);
        }

        synchronized void clear() {
            messages.clear();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            root.removeHandler(this);
        }
    }
}
