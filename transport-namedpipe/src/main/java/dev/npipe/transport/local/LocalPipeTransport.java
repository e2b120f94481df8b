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

import dev.npipe.codec.message.LengthPrefixedMessageDecoder;
import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeChannelOption;
import dev.npipe.transport.NamedPipeMode;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@code Bootstrap} or {@code ServerBootstrap} needs to reach a local service by a logical name, on the
 * operating system at hand: Windows named pipes ({@code \\.\pipe\name}) or Unix domain sockets (a socket file in a
 * directory only this user may enter). Immutable; get one from {@link LocalPipes#transport()} and change it with
 * the {@code with...} methods, which return a new description.
 *
 * <p>In {@link NamedPipeMode#MESSAGE message mode} handlers read and write whole {@code PipeMessage}s on every kind:
 * {@link #addFraming(ChannelPipeline)} adds a {@code PipeMessageAggregator} on a named message pipe and
 * length-prefixed framing on a socket, both with the same size limit. In byte mode channels carry plain bytes, and
 * writing a {@code PipeMessage} fails on every kind, saying to use {@link #withMessageMode(int)}.
 *
 * <p>{@link #bind(ServerBootstrap, String)} and {@link #connect(Bootstrap, String)} add what the plain bootstrap
 * calls cannot: on named pipes, the pipe and read mode; on sockets, the private directory, removal of a stale socket
 * file, permissions 0600 on the socket, and the dropping of options that exist only on named pipes.
 */
public final class LocalPipeTransport {
    private final LocalPipeKind kind;
    private final NamedPipeMode mode;
    private final int maxMessageLength;
    private final Path socketDirectory;
    private final long serverWaitMillis;

    LocalPipeTransport(LocalPipeKind kind, NamedPipeMode mode, int maxMessageLength, Path socketDirectory,
                       long serverWaitMillis) {
        this.kind = kind;
        this.mode = mode;
        this.maxMessageLength = maxMessageLength;
        this.socketDirectory = kind.isUnixDomainSocket() ? socketDirectory.toAbsolutePath() : null;
        this.serverWaitMillis = serverWaitMillis;
    }

    /**
     * The kind of channel this transport makes.
     *
     * @return named pipes or one of Netty's domain socket transports
     */
    public LocalPipeKind kind() {
        return kind;
    }

    /**
     * Whether channels carry bytes or whole messages.
     *
     * @return {@link NamedPipeMode#BYTE} (the default) or {@link NamedPipeMode#MESSAGE}
     */
    public NamedPipeMode mode() {
        return mode;
    }

    /**
     * The largest message delivered in message mode; longer ones fire a {@code TooLongFrameException} and are
     * dropped, and the channel stays open.
     *
     * @return the limit in bytes (0 in byte mode)
     */
    public int maxMessageLength() {
        return maxMessageLength;
    }

    /**
     * Where the socket files are.
     *
     * @return the directory, or empty for named pipes
     */
    public Optional<Path> socketDirectory() {
        return Optional.ofNullable(socketDirectory);
    }

    /**
     * Returns this transport in message mode: handlers read and write whole {@code PipeMessage}s.
     *
     * @param maxMessageLength the largest message delivered, in bytes, 0 to
     *        {@link LengthPrefixedMessageDecoder#MAX_MESSAGE_LENGTH}
     * @return a transport like this one in message mode
     * @throws IllegalArgumentException if the limit is out of range
     */
    public LocalPipeTransport withMessageMode(int maxMessageLength) {
        if (maxMessageLength < 0 || maxMessageLength > LengthPrefixedMessageDecoder.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("maxMessageLength: " + maxMessageLength + " (expected: 0-"
                    + LengthPrefixedMessageDecoder.MAX_MESSAGE_LENGTH + ")");
        }
        return new LocalPipeTransport(kind, NamedPipeMode.MESSAGE, maxMessageLength, socketDirectory,
                serverWaitMillis);
    }

    /**
     * Returns this transport in byte mode (the default): channels read and write plain {@code ByteBuf}s.
     *
     * @return a transport like this one in byte mode
     */
    public LocalPipeTransport withByteMode() {
        return new LocalPipeTransport(kind, NamedPipeMode.BYTE, 0, socketDirectory, serverWaitMillis);
    }

    /**
     * Returns this transport with its socket files in {@code directory} instead of the default (see
     * {@link LocalPipes#defaultSocketDirectory()}). A server creates the directory with permissions 0700 if it is
     * missing; servers and clients refuse a directory that is not this user's or that others may enter. Named pipes
     * have no directory: there this setting changes nothing, so the same code runs everywhere.
     *
     * @param directory the directory; a relative path is taken from the working directory
     * @return a transport like this one, with its sockets in {@code directory}
     */
    public LocalPipeTransport withSocketDirectory(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return kind.isUnixDomainSocket()
                ? new LocalPipeTransport(kind, mode, maxMessageLength, directory, serverWaitMillis) : this;
    }

    /**
     * Returns this transport with {@link #connect(Bootstrap, String)} waiting up to {@code wait} for a server to
     * appear, on every kind, instead of failing at once (the default, {@link Duration#ZERO}): for a client that may
     * start before its server. The wait never goes beyond the bootstrap's {@code CONNECT_TIMEOUT_MILLIS}. On named
     * pipes it is {@link NamedPipeChannelOption#ABSENT_PIPE_TIMEOUT_MILLIS} (unless the bootstrap sets that);
     * on sockets the client polls for the socket file (1 ms doubling to 50 ms) and connects once it is there. A
     * socket file with nobody accepting on it (its server has gone without removing it) ends the wait at once.
     *
     * @param wait how long to wait for a server; {@link Duration#ZERO} to fail at once
     * @return a transport like this one, with that wait
     * @throws IllegalArgumentException if {@code wait} is negative or over {@link Integer#MAX_VALUE} ms
     */
    public LocalPipeTransport withServerWait(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative() || wait.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("wait: " + wait + " (expected: 0 to " + Integer.MAX_VALUE + " ms)");
        }
        return new LocalPipeTransport(kind, mode, maxMessageLength, socketDirectory, wait.toMillis());
    }

    /**
     * How long {@link #connect(Bootstrap, String)} waits for a server to appear.
     *
     * @return the wait; {@link Duration#ZERO} (the default) when a connect with no server fails at once
     */
    public Duration serverWait() {
        return Duration.ofMillis(serverWaitMillis);
    }

    /**
     * The factory of the I/O handlers that this transport's channels need, for
     * {@code new MultiThreadIoEventLoopGroup(transport.ioHandlerFactory())}.
     *
     * @return a new factory
     */
    public IoHandlerFactory ioHandlerFactory() {
        return KindBindings.ioHandlerFactory(kind);
    }

    /**
     * Creates an event loop group for this transport's channels.
     *
     * @param nThreads the number of loops; 0 for Netty's default
     * @return a new group; shut it down when done
     */
    public MultiThreadIoEventLoopGroup newEventLoopGroup(int nThreads) {
        return new MultiThreadIoEventLoopGroup(nThreads, ioHandlerFactory());
    }

    /**
     * The server channel class, for {@code ServerBootstrap.channel(...)}.
     *
     * @return the class
     */
    public Class<? extends ServerChannel> serverChannelClass() {
        return KindBindings.serverChannelClass(kind);
    }

    /**
     * The client channel class, for {@code Bootstrap.channel(...)}.
     *
     * @return the class
     */
    public Class<? extends Channel> channelClass() {
        return KindBindings.channelClass(kind);
    }

    /**
     * The address of the service called {@code name}: {@code \\.\pipe\name} for named pipes, the socket file
     * {@code <socket directory>/name.sock} for Unix domain sockets.
     *
     * @param name one to 80 letters, digits, {@code .}, {@code _} or {@code -}, not starting with {@code .}: a
     *        name that is valid on every system
     * @return a {@link NamedPipeAddress}, a {@code java.net.UnixDomainSocketAddress} (NIO) or a Netty
     *         {@code DomainSocketAddress} (epoll, kqueue)
     * @throws IllegalArgumentException if the name breaks these rules or makes too long a socket path
     */
    public SocketAddress address(String name) {
        ServiceNames.check(name);
        if (kind == LocalPipeKind.NAMED_PIPE) {
            return new NamedPipeAddress(name);
        }
        return KindBindings.socketAddress(kind, ServiceNames.socketFile(socketDirectory, name));
    }

    /**
     * The socket file of the service called {@code name}.
     *
     * @param name as for {@link #address(String)}
     * @return {@code <socket directory>/name.sock}, or empty for named pipes
     * @throws IllegalArgumentException as {@link #address(String)} does
     */
    public Optional<Path> socketFile(String name) {
        ServiceNames.check(name);
        return kind.isUnixDomainSocket() ? Optional.of(ServiceNames.socketFile(socketDirectory, name))
                : Optional.empty();
    }

    /**
     * Adds this transport's framing at the end of {@code pipeline}. In message mode, handlers added after it read and
     * write whole {@code PipeMessage}s (plain {@code ByteBuf} writes are sent as one message each). In byte mode they
     * read and write {@code ByteBuf}s, and a {@code PipeMessage} written fails its write with an
     * {@link IllegalArgumentException} that points to {@link #withMessageMode(int)} (also fired as
     * {@code exceptionCaught}), on every kind: a byte stream would not keep its boundaries.
     *
     * @param pipeline a pipeline of one of this transport's channels
     */
    public void addFraming(ChannelPipeline pipeline) {
        if (mode == NamedPipeMode.MESSAGE) {
            MessageFraming.addTo(pipeline, kind, maxMessageLength);
        } else {
            pipeline.addLast(ByteModeGuard.NAME, ByteModeGuard.INSTANCE);
        }
    }

    /**
     * An initializer that adds this transport's framing and then {@code handler} to each channel it sees, for
     * {@code handler(...)} or {@code childHandler(...)}. The same {@code handler} goes into every channel, so it
     * must be {@code @Sharable}, or itself a {@link ChannelInitializer}.
     *
     * @param handler the application's handler
     * @return the initializer, itself sharable
     * @throws IllegalArgumentException if {@code handler} is not {@code @Sharable}
     */
    public ChannelInitializer<Channel> initializer(ChannelHandler handler) {
        return initializer0(requireSharable(handler, "initializer(...)"));
    }

    /**
     * Refuses at once what Netty would refuse only at the second channel (on a socket server the second client's
     * channel fails with a stack trace; on a named-pipe server it stays open with no handler until it times out).
     */
    private static ChannelHandler requireSharable(ChannelHandler handler, String method) {
        Objects.requireNonNull(handler, "handler");
        boolean sharable = handler instanceof ChannelHandlerAdapter ? ((ChannelHandlerAdapter) handler).isSharable()
                : handler.getClass().isAnnotationPresent(ChannelHandler.Sharable.class);
        if (!sharable) {
            throw new IllegalArgumentException(handler.getClass().getName() + " is not @Sharable, but " + method
                    + " adds this one instance to every channel: annotate it @ChannelHandler.Sharable if it keeps no"
                    + " per-channel state, or pass a ChannelInitializer that adds a new one to each channel");
        }
        return handler;
    }

    private ChannelInitializer<Channel> initializer0(ChannelHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                addFraming(ch.pipeline());
                ch.pipeline().addLast(handler);
            }
        };
    }

    /**
     * A server bootstrap with this transport's channel class and, for each accepted channel, this transport's
     * framing followed by {@code childHandler}. Set further options on it, then {@link #bind(ServerBootstrap, String)}.
     *
     * @param group the event loops, from {@link #ioHandlerFactory()}; used for the server and its children
     * @param childHandler as for {@link #initializer(ChannelHandler)}: {@code @Sharable}, or a
     *        {@link ChannelInitializer} that adds new handlers to each accepted channel
     * @return a new bootstrap
     * @throws IllegalArgumentException if {@code childHandler} is not {@code @Sharable}
     */
    public ServerBootstrap serverBootstrap(EventLoopGroup group, ChannelHandler childHandler) {
        return new ServerBootstrap().group(group).channel(serverChannelClass())
                .childHandler(initializer0(requireSharable(childHandler, "serverBootstrap(...)")));
    }

    /**
     * A client bootstrap with this transport's channel class, framing and then {@code handler}. Set further options
     * on it, then {@link #connect(Bootstrap, String)}.
     *
     * @param group the event loops, from {@link #ioHandlerFactory()}
     * @param handler the application's handler; it may be one that is not {@code @Sharable} if the bootstrap
     *        connects once (as with Netty's own {@code Bootstrap}, a second connect then fails)
     * @return a new bootstrap
     */
    public Bootstrap bootstrap(EventLoopGroup group, ChannelHandler handler) {
        return new Bootstrap().group(group).channel(channelClass()).handler(initializer0(handler));
    }

    /**
     * Binds a server for the service {@code name}, with a copy of {@code bootstrap} ({@code bootstrap} itself is not
     * changed). Named pipes: the pipe is created in this transport's mode. Unix domain sockets: the socket directory
     * is created (0700) or checked, a socket file left by a server that has gone is removed, the bind fails with a
     * {@link java.net.BindException} if a server still listens there, the socket is made 0600, and options of
     * {@link NamedPipeChannelOption} are dropped with one debug log each. Netty deletes the socket file when the
     * server channel closes.
     *
     * @param bootstrap a server bootstrap with its group and handlers; its channel class is set if missing
     * @param name the service's name, as for {@link #address(String)}
     * @return the future of the bind; it fails with the reason if the directory or the name cannot be used
     * @throws IllegalArgumentException if the name is not valid
     */
    public ChannelFuture bind(ServerBootstrap bootstrap, String name) {
        SocketAddress address = address(name);
        ServerBootstrap copy = prepare(bootstrap.clone(), serverChannelClass());
        if (kind == LocalPipeKind.NAMED_PIPE) {
            if (mode == NamedPipeMode.MESSAGE) {
                copy.option(NamedPipeChannelOption.PIPE_MODE, NamedPipeMode.MESSAGE);
            }
            return copy.bind(address);
        }
        return SocketBinding.bind(copy, address, socketDirectory, ServiceNames.socketFile(socketDirectory, name));
    }

    /**
     * Connects a client to the service {@code name}, with a copy of {@code bootstrap} ({@code bootstrap} itself is
     * not changed). Named pipes: the pipe is read in this transport's mode. Unix domain sockets: the socket
     * directory must be this user's and private (so the server is this user's too: the counterpart of
     * {@link NamedPipeChannelOption#REQUIRED_SERVER_USER}), and options of {@link NamedPipeChannelOption} are dropped
     * with one debug log each.
     *
     * <p>With no server the connect fails at once on every kind, with a {@link java.net.ConnectException} that says
     * "no server listens at <i>name</i>" (and names the pipe or socket file), as a TCP connect to a closed port
     * does; connect again, or use {@link #withServerWait(Duration)}, to wait for a server. On named pipes this sets
     * {@link NamedPipeChannelOption#ABSENT_PIPE_TIMEOUT_MILLIS} to the server wait (0 by default) unless
     * {@code bootstrap} sets it (a busy pipe, whose server exists, is still retried until
     * {@code CONNECT_TIMEOUT_MILLIS}).
     *
     * @param bootstrap a bootstrap with its group and handler; its channel class is set if missing
     * @param name the service's name, as for {@link #address(String)}
     * @return the future of the connect
     * @throws IllegalArgumentException if the name is not valid
     */
    public ChannelFuture connect(Bootstrap bootstrap, String name) {
        SocketAddress address = address(name);
        Bootstrap copy = prepare(bootstrap.clone(), channelClass());
        if (kind == LocalPipeKind.NAMED_PIPE) {
            if (mode == NamedPipeMode.MESSAGE) {
                copy.option(NamedPipeChannelOption.READ_MODE, NamedPipeMode.MESSAGE);
            }
            // Fail fast as a socket client does (the raw channel's default waits the connect time-out), unless
            // the bootstrap asks otherwise with this Windows-only option.
            if (!copy.config().options().containsKey(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS)) {
                // Within the connect time-out, so that the pipe's own 'absent' error ends the wait, as on sockets.
                copy.option(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS,
                        (int) SocketBinding.boundedWait(copy, serverWaitMillis));
            }
            return AbsentServer.explain(copy.connect(address), name, address, null);
        }
        return SocketBinding.connect(copy, name, address, socketDirectory,
                ServiceNames.socketFile(socketDirectory, name), serverWaitMillis);
    }

    /**
     * A factory of server channels for the service {@code name}, for a bootstrap that binds by itself and so cannot
     * go through {@link #bind(ServerBootstrap, String)} (grpc-netty's {@code NettyServerBuilder.channelFactory}, for
     * one); bind them to {@link #address(String) address(name)}. Each channel does at its bind what
     * {@code bind(...)} adds: on sockets the directory created (0700) or checked, a stale socket file removed, a
     * {@link java.net.BindException} if a server still listens there, the socket made 0600; on named pipes the
     * pipe mode of this transport. It adds no framing: a pipeline that wants it calls
     * {@link #addFraming(ChannelPipeline)}. Options of {@link NamedPipeChannelOption} are not dropped here (the
     * bootstrap is not ours): do not set them on sockets, where Netty would warn about each.
     *
     * @param name the service's name, as for {@link #address(String)}
     * @return a factory of this transport's {@link #serverChannelClass()}
     * @throws IllegalArgumentException if the name is not valid
     */
    public ChannelFactory<ServerChannel> serverChannelFactory(String name) {
        return GuardedChannels.serverFactory(this, name);
    }

    /**
     * A factory of client channels for the service {@code name}, for a bootstrap that connects by itself and so
     * cannot go through {@link #connect(Bootstrap, String)} (grpc-netty's {@code NettyChannelBuilder.channelFactory},
     * for one); connect them to {@link #address(String) address(name)}. Each channel does at its connect what
     * {@code connect(...)} adds: on sockets the directory must be this user's and private; on every kind an absent
     * server fails the connect with a {@link java.net.ConnectException} "no server listens at <i>name</i>"; on
     * named pipes the read mode of this transport and {@link NamedPipeChannelOption#ABSENT_PIPE_TIMEOUT_MILLIS} set
     * to {@link #serverWait()} (a bootstrap's own value still wins). On sockets a connect does not wait for a server
     * ({@link #withServerWait(Duration)} needs {@code connect(...)}). As {@link #serverChannelFactory(String)}, it
     * adds no framing and drops no options.
     *
     * @param name the service's name, as for {@link #address(String)}
     * @return a factory of this transport's {@link #channelClass()}
     * @throws IllegalArgumentException if the name is not valid
     */
    public ChannelFactory<Channel> channelFactory(String name) {
        return GuardedChannels.clientFactory(this, name);
    }

    private <C extends Channel, B extends AbstractBootstrap<B, C>> B prepare(B copy, Class<? extends C> channelClass) {
        if (copy.config().channelFactory() == null) {
            copy.channel(channelClass);
        }
        if (kind.isUnixDomainSocket()) {
            NamedPipeOnlyOptions.strip(copy);
        }
        return copy;
    }

    @Override
    public String toString() {
        return "LocalPipeTransport(" + kind + ", " + mode
                + (mode == NamedPipeMode.MESSAGE ? " up to " + maxMessageLength + " bytes" : "")
                + (socketDirectory != null ? ", in " + socketDirectory : "")
                + (serverWaitMillis > 0 ? ", waiting " + serverWaitMillis + " ms for a server" : "") + ")";
    }
}
