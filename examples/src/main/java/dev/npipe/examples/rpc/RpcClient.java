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
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A client of an {@link RpcServer}: one connection, many calls in flight on it, each matched to its response by id
 * and failed by its own timeout. Every call's future completes: with the result, or with an {@link RpcException}
 * whose {@link RpcException#reason() reason} says whether the server ran it. When the connection closes (the server
 * stopped or restarted) the calls in flight fail and the client connects again, every {@value #RECONNECT_DELAY_MILLIS}
 * ms until it succeeds or the client is closed; calls made while it is not connected fail at once
 * ({@link RpcException.Reason#NOT_SENT}), and {@link #whenConnected()} tells when to go on.
 *
 * <p>The client has one event loop of its own; the connection's state changes only there. It does not limit the
 * calls in flight: callers should (the test keeps 64 per client).
 */
public final class RpcClient implements AutoCloseable {
    /** The pause between connection attempts. */
    public static final long RECONNECT_DELAY_MILLIS = 100;

    private final LocalPipeTransport transport;
    private final String name;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    /** The open connection, or null; written on {@link #loop} only. */
    private volatile Channel channel;
    /** Completes when a connection is up; replaced by an incomplete one when it closes. Written on the loop only. */
    private volatile CompletableFuture<Void> connected = new CompletableFuture<>();
    private volatile boolean closed;
    /** Why the last connection attempt failed, for the error of {@link #connect}. */
    private volatile Throwable lastConnectFailure;

    private RpcClient(LocalPipeTransport transport, String name) {
        this.transport = transport;
        this.name = name;
        group = transport.newEventLoopGroup(1);
        loop = group.next();
        bootstrap = transport.bootstrap(loop, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                // A new one per connection: its calls are its own.
                ch.pipeline().addLast(new RpcClientHandler(transport.maxMessageLength()));
            }
        }).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000);
    }

    /**
     * Connects to the service {@code name} and keeps connected until {@link #close()}.
     *
     * @param transport a local pipe transport in message mode, like the server's
     * @param name the service name
     * @param timeout how long to wait for the first connection
     * @return the client, connected
     * @throws RpcException if the first connection is not up within {@code timeout}; the client is closed then
     * @throws InterruptedException if interrupted while waiting
     */
    public static RpcClient connect(LocalPipeTransport transport, String name, Duration timeout)
            throws RpcException, InterruptedException {
        RpcClient client = new RpcClient(transport, name);
        client.loop.execute(client::connectNow);
        try {
            client.whenConnected().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return client;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            client.close();
            RpcException failure = new RpcException(RpcException.Reason.NOT_SENT, "cannot connect to " + name
                    + " within " + timeout.toMillis() + " ms: " + client.lastConnectFailure);
            failure.initCause(client.lastConnectFailure);
            throw failure;
        }
    }

    /**
     * Calls the service.
     *
     * @param argument the request's body
     * @param timeout how long to wait for the response, from when the call is written
     * @return a future of the result; it fails with an {@link RpcException}
     */
    public CompletableFuture<byte[]> call(byte[] argument, Duration timeout) {
        RpcCall call = new RpcCall(argument, timeout);
        Channel ch = channel;
        if (ch == null) {
            call.fail(RpcException.Reason.NOT_SENT, closed ? "the client is closed"
                    : "not connected to " + name + " (reconnecting); the call was not sent");
        } else {
            ch.writeAndFlush(call).addListener(f -> {
                if (!f.isSuccess()) { // also when the channel closed before the call reached RpcClientHandler
                    call.fail(RpcException.Reason.NOT_SENT, "the call could not be written to " + ch + ": "
                            + f.cause());
                }
            });
        }
        return call.result();
    }

    /**
     * A future that completes when the client is connected: at once if it is, else when it has reconnected.
     *
     * @return the future; it never fails, and stays incomplete after {@link #close()}
     */
    public CompletableFuture<Void> whenConnected() {
        return connected;
    }

    /**
     * Tells whether calls can be sent now.
     *
     * @return whether a connection is up
     */
    public boolean isConnected() {
        return channel != null;
    }

    /**
     * Closes the connection and stops reconnecting: calls in flight fail with
     * {@link RpcException.Reason#CONNECTION_LOST}, later ones with {@link RpcException.Reason#NOT_SENT}.
     *
     * @throws InterruptedException if interrupted while waiting for the connection and the event loop to end
     */
    @Override
    public void close() throws InterruptedException {
        loop.submit(() -> {
            closed = true;
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }).sync();
        Channel ch = channel;
        if (ch != null) {
            ch.closeFuture().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Runs on the loop. */
    private void connectNow() {
        if (closed) {
            return;
        }
        transport.connect(bootstrap, name).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                lastConnectFailure = f.cause();
                scheduleReconnect();
                return;
            }
            Channel ch = f.channel();
            if (closed) {
                ch.close();
                return;
            }
            ch.closeFuture().addListener(c -> {
                connected = new CompletableFuture<>(); // first: who sees no channel must see this future
                channel = null;
                scheduleReconnect();
            });
            channel = ch;
            connected.complete(null);
        });
    }

    /** Runs on the loop. */
    private void scheduleReconnect() {
        if (!closed) {
            loop.schedule(this::connectNow, RECONNECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Calls a server started with {@link RpcServer#main(String[])} and prints the answers:
     * {@code java ... RpcClient [name] [argument...]}.
     *
     * @param args the service name (default {@code npipe-rpc}), then the arguments, one call each
     * @throws Exception if the client cannot connect
     */
    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "npipe-rpc";
        LocalPipeTransport transport = LocalPipes.transport().withMessageMode(RpcServer.MAX_MESSAGE_LENGTH);
        try (RpcClient client = connect(transport, name, Duration.ofSeconds(5))) {
            for (int i = 1; i < Math.max(args.length, 2); i++) {
                String argument = i < args.length ? args[i] : "hello over a local pipe";
                try {
                    byte[] result = client.call(argument.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5))
                            .get();
                    System.out.println(argument + " -> " + new String(result, StandardCharsets.UTF_8));
                } catch (ExecutionException e) {
                    System.out.println(argument + " -> " + e.getCause().getMessage());
                }
            }
        }
    }
}
