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

import dev.npipe.transport.NamedPipe;
import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipePeerAddress;
import dev.npipe.transport.NamedPipePeerCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link NamedPipeGrpc}'s defaults promise: no warnings, a valid authority, fast failure for a pipe nobody
 * serves, and services that know their caller's Windows user.
 */
@Tag("win32")
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class GrpcPipeDefaultsTest extends GrpcPipeTest {

    @Test
    void defaultSetupLogsNoWarning() throws Exception {
        try (WarningCapture warnings = new WarningCapture()) {
            // The capture sees the warning an option the transport does not know provokes on a client channel.
            pipe = new GrpcPipe().start(new TestService(0).bindService());
            ManagedChannel unknownOption = NamedPipeGrpc.channelBuilder(pipe.address, pipe.group)
                    .withOption(ChannelOption.TCP_NODELAY, true).build();
            try {
                SimpleServiceGrpc.newBlockingStub(unknownOption).unaryRpc(TestService.request("x"));
            } finally {
                unknownOption.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            assertTrue(warnings.messages().stream().anyMatch(m -> m.contains("Unknown channel option 'TCP_NODELAY")),
                    "the capture missed Netty's warning about TCP_NODELAY: " + warnings.messages());
            warnings.clear();

            // Server, channel, a call on each side and the shutdown of both: no warning (grpc-netty sets
            // SO_KEEPALIVE on both ends).
            try (GrpcPipe plain = new GrpcPipe().start(new TestService(0).bindService())) {
                assertEquals("echo:y", SimpleServiceGrpc.newBlockingStub(plain.channel)
                        .unaryRpc(TestService.request("y")).getResponseMessage());
            }
            assertEquals(List.of(), warnings.messages(), "warnings of a default gRPC setup");
        }
    }

    @Test
    void callToAPipeNobodyServesFailsWithinOneSecondAndRecoversWhenTheServerComes() throws Exception {
        pipe = new GrpcPipe();
        pipe.channel = NamedPipeGrpc.channelBuilder(pipe.address, pipe.group).build();
        long start = System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> SimpleServiceGrpc.newBlockingStub(pipe.channel).unaryRpc(TestService.request("x")));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        assertTrue(millis < 1000, "failed after " + millis + " ms");
        String why = String.valueOf(e.getStatus().getDescription()) + " / " + e.getStatus().getCause();
        assertTrue(why.contains("ERROR_FILE_NOT_FOUND (2)"), why);

        // gRPC's own reconnect back-off finds the server once it is there.
        pipe.server = NamedPipeGrpc.serverBuilder(pipe.address, pipe.group)
                .addService(new TestService(0).bindService()).build().start();
        assertEquals("echo:later", SimpleServiceGrpc.newBlockingStub(pipe.channel).withWaitForReady()
                .withDeadlineAfter(20, TimeUnit.SECONDS).unaryRpc(TestService.request("later")).getResponseMessage());
    }

    @Test
    void authorityPassesAStrictCheck() throws Exception {
        CallRecorder recorder = new CallRecorder();
        pipe = new GrpcPipe().start(ServerInterceptors.intercept(new TestService(0), recorder));
        SimpleServiceGrpc.newBlockingStub(pipe.channel).unaryRpc(TestService.request("x"));
        String authority = recorder.authority.get();
        assertEquals(NamedPipeGrpc.DEFAULT_AUTHORITY, authority);
        assertEquals("localhost", strictHost(authority));
        // What grpc-netty derives on its own from the address is refused by the same check.
        assertThrows(URISyntaxException.class, () -> strictHost(pipe.address.toString()));
    }

    /** The host of {@code authority} parsed as an RFC 3986 server-based authority, refusing anything else. */
    private static String strictHost(String authority) throws URISyntaxException {
        URI uri = new URI("http://" + authority + "/").parseServerAuthority();
        if (!authority.equals(uri.getRawAuthority())) {
            throw new URISyntaxException(authority, "authority changed in parsing");
        }
        return uri.getHost();
    }

    @Test
    void servicesSeeTheCallersProcessAndUser() throws Exception {
        CallRecorder recorder = new CallRecorder();
        pipe = new GrpcPipe().start(ServerInterceptors.intercept(new TestService(0), recorder));
        SimpleServiceGrpc.newBlockingStub(pipe.channel).unaryRpc(TestService.request("x"));
        NamedPipePeerAddress remote = assertInstanceOf(NamedPipePeerAddress.class, recorder.remote.get());
        assertEquals(pipe.address, remote.pipe());
        NamedPipePeerCredentials caller = recorder.caller.get();
        assertEquals(remote.credentials().orElseThrow(), caller);
        assertEquals(ProcessHandle.current().pid(), caller.processId(), "caller pid");
        assertEquals(NamedPipe.currentUserSid(), caller.userSid(), "caller user");
        assertTrue(remote.toString().contains("(client pid " + ProcessHandle.current().pid() + ", session "),
                remote.toString());
    }

    @Test
    void interceptorAdmitsOnlyTheServersOwnUser() throws Exception {
        pipe = new GrpcPipe().start(
                ServerInterceptors.intercept(new TestService(0), AllowedUsersInterceptor.currentUserOnly()));
        assertEquals("echo:me", SimpleServiceGrpc.newBlockingStub(pipe.channel)
                .unaryRpc(TestService.request("me")).getResponseMessage());

        // The same client against a server that admits only LocalSystem is refused, and told why.
        String system = "S-1-5-18";
        assertNotEquals(system, NamedPipe.currentUserSid(), "these tests must not run as LocalSystem");
        try (GrpcPipe systemOnly = new GrpcPipe().start(
                ServerInterceptors.intercept(new TestService(0), AllowedUsersInterceptor.of(system)))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> SimpleServiceGrpc
                    .newBlockingStub(systemOnly.channel).unaryRpc(TestService.request("me")));
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.toString());
            assertTrue(e.getStatus().getDescription().contains("user " + NamedPipe.currentUserSid()),
                    e.getStatus().getDescription());
        }
        assertThrows(IllegalArgumentException.class, () -> AllowedUsersInterceptor.of("Administrators"));
    }

    /** Records what a service learns about its last call. */
    private static final class CallRecorder implements ServerInterceptor {
        final AtomicReference<String> authority = new AtomicReference<>();
        final AtomicReference<SocketAddress> remote = new AtomicReference<>();
        final AtomicReference<NamedPipePeerCredentials> caller = new AtomicReference<>();

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            authority.set(call.getAuthority());
            remote.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
            NamedPipeGrpc.caller(call).ifPresent(caller::set);
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
                messages.add(record.getLoggerName() + ": " + record.getMessage());
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
