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
package dev.npipe.examples.rpc;

import dev.npipe.transport.local.LocalPipeTransport;
import dev.npipe.transport.local.LocalPipes;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * An RPC server on a message-mode local pipe: a named pipe on Windows, a Unix domain socket on Linux and macOS
 * (see {@link LocalPipes}). Every request gets a response under its id: the {@link RpcService}'s result, or an
 * error response when the service throws. Clients may keep many requests in flight on one connection.
 *
 * <p>{@link #close()} closes the listening channel and then every accepted connection explicitly, through a
 * {@link ChannelGroup}, before it shuts the event loops down. Shutting the loops down is not enough to close the
 * connections: with a quiet period of 0, {@code shutdownGracefully} may end a loop without closing its channels,
 * and those connections then stay open with nobody reading them.
 */
public final class RpcServer implements AutoCloseable {
    /** The message size limit of the example's transport, both ways. */
    public static final int MAX_MESSAGE_LENGTH = 64 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;
    /** The listening channel and every accepted connection. */
    private final ChannelGroup channels;

    private RpcServer(EventLoopGroup group, Channel channel, ChannelGroup channels) {
        this.group = group;
        this.channel = channel;
        this.channels = channels;
    }

    /**
     * Starts a server for the service {@code name}, with two event loops of its own.
     *
     * @param transport a local pipe transport in message mode
     * @param name the service name
     * @param service answers the requests
     * @return the running server
     * @throws InterruptedException if interrupted while binding; when the bind fails, its exception (a
     *         {@code BindException} if the name is served already) is thrown as it is, and the loops are stopped
     */
    public static RpcServer start(LocalPipeTransport transport, String name, RpcService service)
            throws InterruptedException {
        EventLoopGroup group = transport.newEventLoopGroup(2);
        // stayClosed: a connection accepted just as close() runs is closed when it is added, not left open.
        ChannelGroup channels = new DefaultChannelGroup("rpc-" + name, GlobalEventExecutor.INSTANCE, true);
        RpcServerHandler handler = new RpcServerHandler(service, transport.maxMessageLength());
        try {
            Channel channel = transport.bind(transport.serverBootstrap(group, new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    channels.add(ch); // removed again when it closes
                    ch.pipeline().addLast(handler);
                }
            }), name).sync().channel();
            channels.add(channel);
            return new RpcServer(group, channel, channels);
        } catch (Throwable e) { // sync() rethrows the bind's checked BindException too: stop the loops for any
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * The listening channel.
     *
     * @return the server channel
     */
    public Channel channel() {
        return channel;
    }

    /**
     * Stops the server: no more connections, every open one closed (calls in flight on them fail at the client
     * with {@link RpcException.Reason#CONNECTION_LOST}), the event loops shut down.
     *
     * @throws InterruptedException if interrupted while waiting for that
     */
    @Override
    public void close() throws InterruptedException {
        channels.close().sync(); // the listening channel first, then the connections
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /**
     * Serves upper-casing, until the process is stopped: {@code java ... RpcServer [name]}. An argument that starts
     * with {@code !} is refused with an error response.
     *
     * @param args the service name, default {@code npipe-rpc}
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        String name = args.length > 0 ? args[0] : "npipe-rpc";
        LocalPipeTransport transport = LocalPipes.transport().withMessageMode(MAX_MESSAGE_LENGTH);
        RpcServer server = start(transport, name, argument -> {
            String text = new String(argument, StandardCharsets.UTF_8);
            if (text.startsWith("!")) {
                throw new IllegalArgumentException("refused: " + text);
            }
            return text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        });
        System.out.println("RPC server on " + server.channel().localAddress() + " (" + transport.kind() + ")");
        try {
            server.channel().closeFuture().sync();
        } finally {
            server.close();
        }
    }
}
