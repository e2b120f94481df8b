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

import dev.npipe.transport.NamedPipeChannelOption;
import dev.npipe.transport.NamedPipeMode;
import dev.npipe.transport.NamedPipePeerAddress;
import dev.npipe.transport.local.LocalPipeKind;
import dev.npipe.transport.local.LocalPipePeer;
import dev.npipe.transport.local.LocalPipeTransport;
import dev.npipe.transport.local.LocalPipeUser;
import dev.npipe.transport.local.LocalPipes;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ServerCall;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ServerChannel;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * grpc-netty's builders for a local service on every system, in one call each: Windows named pipes on Windows,
 * Unix domain sockets on Linux and macOS, through a {@link LocalPipeTransport} (by default
 * {@link LocalPipes#transport()}), with the same code and the same security on each:
 *
 * <pre>{@code
 * LocalPipeTransport transport = LocalPipes.transport();
 * EventLoopGroup group = transport.newEventLoopGroup(2);
 * Server server = LocalGrpc.serverBuilder("my-service", transport, group)
 *         .addService(ServerInterceptors.intercept(new MyService(), AllowedUsersInterceptor.currentUserOnly()))
 *         .build().start();
 * ManagedChannel channel = LocalGrpc.channelBuilder("my-service", transport, group).build();
 * }</pre>
 *
 * <p>What the builders get, on every kind: the transport's channels on {@code group} (grpc-netty's default groups
 * are NIO and cannot run named pipes or epoll), plaintext (a local pipe is not on the network: who may open it
 * is decided by the named pipe's security descriptor, or by the private socket directory), the authority
 * {@value #DEFAULT_AUTHORITY} (grpc-netty would derive one from the pipe or socket path, which is no valid URI
 * authority), and the checks of {@link LocalPipeTransport#bind}/{@link LocalPipeTransport#connect} through
 * {@link LocalPipeTransport#serverChannelFactory(String)} and {@link LocalPipeTransport#channelFactory(String)}:
 * on sockets the directory only this user may enter (made 0700 by the server, refused by both sides if it is
 * another user's or open to others), a stale socket file replaced, a second server refused, the socket 0600.
 * Services learn who called with {@link #caller(ServerCall)}, a {@link LocalPipeUser} on every kind, and
 * {@link AllowedUsersInterceptor} admits calls by user on every kind.
 *
 * <p>By kind: on named pipes the client keeps grpc-netty's empty writes off the pipe
 * ({@link NamedPipeChannelOption#SKIP_EMPTY_WRITES})
 * and waits up to {@value NamedPipeGrpc#DEFAULT_ABSENT_PIPE_TIMEOUT_MILLIS} ms for a pipe nobody serves, as
 * {@link NamedPipeGrpc} does; a socket client fails at once when no server listens. Either way the call fails
 * with {@code UNAVAILABLE} saying "no server listens at <i>name</i>", and gRPC's reconnect back-off finds the
 * server once it is there. On sockets the builders take off the {@code SO_KEEPALIVE} grpc-netty sets on both ends
 * (domain sockets have no such option, and Netty would warn about it for every connection); named pipes accept
 * it silently.
 *
 * <p>The builders can be changed further before {@code build()}; do not set {@link NamedPipeChannelOption}s on a
 * socket transport (Netty warns about each). The group is the caller's to shut down after the server or channel.
 */
public final class LocalGrpc {
    /** The {@code :authority} channels send by default; {@code overrideAuthority(...)} changes it. */
    public static final String DEFAULT_AUTHORITY = NamedPipeGrpc.DEFAULT_AUTHORITY;

    /** Where the server's transport filter leaves the caller for {@link #caller(ServerCall)}. */
    static final Attributes.Key<LocalPipePeer> CALLER = Attributes.Key.create("dev.npipe.grpc.caller");

    private LocalGrpc() {
    }

    /**
     * A server builder for the service {@code name} on {@link LocalPipes#transport()}.
     *
     * @param name the service's name, as for {@link LocalPipeTransport#address(String)}
     * @param group event loops of {@code LocalPipes.transport().ioHandlerFactory()}, used as boss and worker
     *        group; the caller's to shut down after the server
     * @return grpc-netty's builder, set up for the service
     * @throws IllegalArgumentException if the name is not valid
     */
    public static NettyServerBuilder serverBuilder(String name, EventLoopGroup group) {
        return serverBuilder(name, LocalPipes.transport(), group);
    }

    /**
     * A server builder for the service {@code name} on {@code transport}.
     *
     * @param name the service's name, as for {@link LocalPipeTransport#address(String)}
     * @param transport a transport in byte mode (gRPC frames its own messages)
     * @param group event loops of {@code transport.ioHandlerFactory()}, used as boss and worker group; the caller's
     *        to shut down after the server
     * @return grpc-netty's builder, set up for the service
     * @throws IllegalArgumentException if the name is not valid, or the transport is in message mode
     */
    public static NettyServerBuilder serverBuilder(String name, LocalPipeTransport transport, EventLoopGroup group) {
        checkByteMode(transport);
        Objects.requireNonNull(group, "group");
        CallerRegistry callers = new CallerRegistry();
        ChannelFactory<ServerChannel> channels = transport.serverChannelFactory(name);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(transport.address(name))
                .channelFactory(() -> callers.recordChildren(channels.newChannel()))
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .addTransportFilter(callers);
        if (transport.kind() != LocalPipeKind.NAMED_PIPE) {
            // A null value takes the option off grpc-netty's bootstrap (its own are set first, then these).
            builder.withChildOption(ChannelOption.SO_KEEPALIVE, null);
        }
        return builder;
    }

    /**
     * A plaintext channel builder for the service {@code name} on {@link LocalPipes#transport()}.
     *
     * @param name the service's name, as for {@link LocalPipeTransport#address(String)}
     * @param group event loops of {@code LocalPipes.transport().ioHandlerFactory()}; the caller's to shut down after
     *        the channel
     * @return grpc-netty's builder, set up for the service
     * @throws IllegalArgumentException if the name is not valid
     */
    public static NettyChannelBuilder channelBuilder(String name, EventLoopGroup group) {
        return channelBuilder(name, LocalPipes.transport(), group);
    }

    /**
     * A plaintext channel builder for the service {@code name} on {@code transport}.
     *
     * @param name the service's name, as for {@link LocalPipeTransport#address(String)}
     * @param transport a transport in byte mode (gRPC frames its own messages)
     * @param group event loops of {@code transport.ioHandlerFactory()}; the caller's to shut down after the channel
     * @return grpc-netty's builder, set up for the service
     * @throws IllegalArgumentException if the name is not valid, or the transport is in message mode
     */
    public static NettyChannelBuilder channelBuilder(String name, LocalPipeTransport transport,
                                                     EventLoopGroup group) {
        checkByteMode(transport);
        Objects.requireNonNull(group, "group");
        ChannelFactory<Channel> channels = transport.channelFactory(name);
        boolean namedPipe = transport.kind() == LocalPipeKind.NAMED_PIPE;
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(transport.address(name))
                .channelFactory(channels)
                .eventLoopGroup(group)
                .usePlaintext()
                .overrideAuthority(DEFAULT_AUTHORITY);
        if (namedPipe) {
            builder.withOption(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS,
                    NamedPipeGrpc.DEFAULT_ABSENT_PIPE_TIMEOUT_MILLIS)
                    .withOption(NamedPipeChannelOption.SKIP_EMPTY_WRITES, true);
        } else {
            builder.withOption(ChannelOption.SO_KEEPALIVE, null); // as on the server: grpc-netty's, taken off
        }
        return builder;
    }

    private static void checkByteMode(LocalPipeTransport transport) {
        Objects.requireNonNull(transport, "transport");
        if (transport.mode() != NamedPipeMode.BYTE) {
            throw new IllegalArgumentException(transport + " is in message mode, but gRPC frames its own messages"
                    + " over a byte stream: use transport.withByteMode()");
        }
    }

    /**
     * Who made this call: the client's user (a SID on Windows, a uid on Linux and macOS) and, where the system tells
     * it, its process id, as the system reported them when the connection was accepted. For servers made with
     * {@link #serverBuilder(String, LocalPipeTransport, EventLoopGroup)} on every kind, and for
     * {@link NamedPipeGrpc} servers.
     *
     * @param call the server call, e.g. in a {@code ServerInterceptor}
     * @return the caller, or empty when the call came another way or the system did not tell
     */
    public static Optional<LocalPipePeer> caller(ServerCall<?, ?> call) {
        Attributes attributes = call.getAttributes();
        LocalPipePeer peer = attributes.get(CALLER);
        if (peer != null) {
            return Optional.of(peer);
        }
        SocketAddress remote = attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return remote instanceof NamedPipePeerAddress
                ? ((NamedPipePeerAddress) remote).credentials().map(LocalPipePeer::of) : Optional.empty();
    }
}
