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

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeChannel;
import dev.npipe.transport.NamedPipeChannelOption;
import dev.npipe.transport.NamedPipePeerAddress;
import dev.npipe.transport.NamedPipePeerCredentials;
import dev.npipe.transport.NamedPipeServerChannel;
import io.grpc.Grpc;
import io.grpc.ServerCall;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;

import java.net.SocketAddress;
import java.util.Optional;

/**
 * grpc-netty's builders set up for a named pipe, in one call each:
 *
 * <pre>{@code
 * EventLoopGroup group = new NamedPipeEventLoopGroup(2);
 * Server server = NamedPipeGrpc.serverBuilder("my-service", group).addService(new MyService()).build().start();
 * ManagedChannel channel = NamedPipeGrpc.channelBuilder("my-service", group).build();
 * }</pre>
 *
 * <p>What the builders get: the pipe channel types, {@code group} as every event loop group (grpc-netty's own
 * default groups are NIO and cannot run pipe channels), plaintext (a local pipe is not on the network; who may
 * open it is up to its security descriptor), the authority {@value #DEFAULT_AUTHORITY} (grpc-netty would derive
 * {@code \\.\pipe\name}, which is not a valid URI authority), a client whose empty writes (grpc-netty makes some)
 * never reach the pipe, where on a message pipe they would be zero-length messages that a go-winio peer reads as
 * the end of the stream, and a client that gives up on a pipe nobody serves
 * after {@value #DEFAULT_ABSENT_PIPE_TIMEOUT_MILLIS} ms, so a call fails with {@code UNAVAILABLE} at once rather
 * than after Netty's 30 s connect time-out. gRPC's flow control keeps its defaults (a 1 MiB window that grows
 * with the measured bandwidth-delay product), which suit a local pipe. The builders can be changed further before
 * {@code build()}; the group is the caller's to shut down after the server or channel.
 */
public final class NamedPipeGrpc {
    /** The {@code :authority} channels send by default; {@code overrideAuthority(...)} changes it. */
    public static final String DEFAULT_AUTHORITY = "localhost";
    /**
     * How long a channel waits for a pipe that does not exist before the connection attempt fails
     * ({@link NamedPipeChannelOption#ABSENT_PIPE_TIMEOUT_MILLIS}); gRPC then reconnects with its own back-off.
     * Short, but long enough for a server that is binding at the same moment.
     */
    public static final int DEFAULT_ABSENT_PIPE_TIMEOUT_MILLIS = 250;

    private NamedPipeGrpc() {
    }

    /**
     * A server builder listening on {@code pipe}, with {@code group} as boss and worker group.
     *
     * @param pipe {@code name} or {@code \\.\pipe\name}
     * @param group named-pipe event loops, the caller's to shut down after the server
     * @return grpc-netty's builder, set up for the pipe
     */
    public static NettyServerBuilder serverBuilder(String pipe, EventLoopGroup group) {
        return serverBuilder(new NamedPipeAddress(pipe), group);
    }

    /**
     * A server builder listening on {@code address}, with {@code group} as boss and worker group.
     *
     * @param address the pipe
     * @param group named-pipe event loops, the caller's to shut down after the server
     * @return grpc-netty's builder, set up for the pipe
     */
    public static NettyServerBuilder serverBuilder(NamedPipeAddress address, EventLoopGroup group) {
        return NettyServerBuilder.forAddress(address)
                .channelType(NamedPipeServerChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group);
    }

    /**
     * A plaintext channel builder for {@code pipe}.
     *
     * @param pipe {@code name}, {@code \\.\pipe\name} or {@code \\server\pipe\name}
     * @param group named-pipe event loops, the caller's to shut down after the channel
     * @return grpc-netty's builder, set up for the pipe
     */
    public static NettyChannelBuilder channelBuilder(String pipe, EventLoopGroup group) {
        return channelBuilder(new NamedPipeAddress(pipe), group);
    }

    /**
     * A plaintext channel builder for {@code address}, on {@code group}.
     *
     * @param address the pipe
     * @param group named-pipe event loops, the caller's to shut down after the channel
     * @return grpc-netty's builder, set up for the pipe
     */
    public static NettyChannelBuilder channelBuilder(NamedPipeAddress address, EventLoopGroup group) {
        return NettyChannelBuilder.forAddress(address)
                .channelType(NamedPipeChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .overrideAuthority(DEFAULT_AUTHORITY)
                .withOption(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS, DEFAULT_ABSENT_PIPE_TIMEOUT_MILLIS)
                .withOption(NamedPipeChannelOption.SKIP_EMPTY_WRITES, true);
    }

    /**
     * Who made this call: the client's process, session and Windows user, read when its connection was accepted.
     * Empty for calls that did not come over a named pipe, and when Windows did not tell (see
     * {@link NamedPipePeerAddress}).
     *
     * @param call the server call, e.g. in a {@code ServerInterceptor}
     * @return the caller's credentials, if known
     */
    public static Optional<NamedPipePeerCredentials> caller(ServerCall<?, ?> call) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return remote instanceof NamedPipePeerAddress ? ((NamedPipePeerAddress) remote).credentials()
                : Optional.empty();
    }
}
