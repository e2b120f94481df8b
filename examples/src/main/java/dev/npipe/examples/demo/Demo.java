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
package dev.npipe.examples.demo;

import dev.npipe.examples.echo.EchoHandler;
import dev.npipe.examples.grpc.HealthClient;
import dev.npipe.examples.grpc.HealthServer;
import dev.npipe.examples.rpc.RpcClient;
import dev.npipe.examples.rpc.RpcServer;
import dev.npipe.grpc.NamedPipeGrpc;
import dev.npipe.transport.NamedPipe;
import dev.npipe.transport.NamedPipeEventLoopGroup;
import dev.npipe.transport.NamedPipePeerCredentials;
import dev.npipe.transport.local.LocalPipePeer;
import dev.npipe.transport.local.LocalPipeTransport;
import dev.npipe.transport.local.LocalPipes;
import io.grpc.ManagedChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one-command demo ({@code scripts/demo.sh}): an echo server and the RPC example on local pipes (named pipes on
 * Windows), then grpc-java's health service on a named pipe (Windows only), a short load on each, and what a user
 * wants to see: the pipe's name, who the server sees at the other end, connections, messages, MB/s, calls/s, p50 and
 * p99. A progress line is printed every second.
 */
public final class Demo {
    private static final int ECHO_CONNECTIONS = 8;
    private static final int ECHO_BLOCK = 16 * 1024;
    /** Blocks in flight per connection: enough to keep the pipe busy while echoes travel back. */
    private static final int ECHO_WINDOW = 4;
    private static final int RPC_CLIENTS = 4;
    private static final int RPC_WINDOW = 32;
    private static final int GRPC_CHANNELS = 4;
    private static final int GRPC_WINDOW = 16;

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args {@code [seconds per phase]}, 5 by default
     * @throws Exception when a phase cannot start; the message says what failed
     */
    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
        LocalPipeTransport bytes = LocalPipes.transport().withByteMode();
        String name = "npipe-demo-" + ProcessHandle.current().pid();
        System.out.printf(Locale.ROOT, "npipe demo on %s %s, Java %s, pid %d%n", System.getProperty("os.name"),
                System.getProperty("os.version"), Runtime.version(), ProcessHandle.current().pid());
        if (runsOnWine()) {
            System.out.println("demo: this Windows is Wine: every call goes through wineserver, so the figures are "
                    + "Wine's, far below what Windows does (BENCHMARKS.md compares with a C program in the same run)");
        }
        System.out.println("demo: echo shows byte streams and round trips, rpc whole messages on a message pipe, "
                + "grpc grpc-java over a pipe; each says who the server sees at the other end");
        echo(bytes, name + "-echo", seconds);
        rpc(LocalPipes.transport().withMessageMode(RpcServer.MAX_MESSAGE_LENGTH), name + "-rpc", seconds);
        grpc(name + "-grpc", seconds);
        System.out.println("demo: done");
    }

    /** Whether this Windows is Wine (its ntdll has wine_get_version); false elsewhere. */
    private static boolean runsOnWine() {
        if (!NamedPipe.isAvailable()) {
            return false;
        }
        try {
            com.sun.jna.NativeLibrary.getInstance("ntdll").getFunction("wine_get_version");
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    /**
     * Writes made without a promise report a failure as an exception: when the demo closes a connection with
     * writes queued, each says the channel closed, which is what the demo asked for. Anything else is shown.
     */
    private static void closeQuietlyOnClosed(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof java.nio.channels.ClosedChannelException)) {
            System.out.println("demo: " + ctx.channel() + " failed: " + cause);
        }
        ctx.close();
    }

    /** Echo: connections stream 16 KiB blocks and count what comes back; one more measures round trips. */
    private static void echo(LocalPipeTransport transport, String name, long seconds) throws Exception {
        EventLoopGroup group = transport.newEventLoopGroup(2);
        CompletableFuture<Channel> firstChild = new CompletableFuture<>();
        try {
            Channel server = transport.bind(transport.serverBootstrap(group, new EchoHandler() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    firstChild.complete(ctx.channel());
                    ctx.fireChannelActive();
                }
            }), name).sync().channel();
            System.out.printf("echo: server on %s (%s)%n", transport.address(name), transport.kind());

            Throughput throughput = new Throughput();
            List<Channel> clients = new ArrayList<>();
            for (int i = 0; i < ECHO_CONNECTIONS; i++) {
                clients.add(transport.connect(transport.bootstrap(group, new Streamer(throughput)), name).sync()
                        .channel());
            }
            LocalPipePeer peer = LocalPipePeer.of(firstChild.get(10, TimeUnit.SECONDS));
            System.out.printf("echo: the server sees its first client as pid %s, user %s (this process: pid %d)%n",
                    peer.processId().isPresent() ? peer.processId().getAsLong() : "unknown", peer.user(),
                    ProcessHandle.current().pid());

            RoundTrips roundTrips = new RoundTrips();
            Channel pinger = transport.connect(transport.bootstrap(group, roundTrips), name).sync().channel();
            Phase phase = new Phase("echo", seconds);
            phase.run(() -> String.format(Locale.ROOT, "%d+1 connections, %.1f MB/s, round trip p50 %s p99 %s",
                    ECHO_CONNECTIONS, throughput.megabytesPerSecond(), roundTrips.latency.percentile(50),
                    roundTrips.latency.percentile(99)), () -> {
                throughput.reset();
                roundTrips.latency.reset();
            });
            pinger.close().sync();
            for (Channel c : clients) {
                c.close().sync();
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    /** RPC: clients keep 32 calls in flight each on a message pipe; the result of every call is checked. */
    private static void rpc(LocalPipeTransport transport, String name, long seconds) throws Exception {
        try (RpcServer server = RpcServer.start(transport, name, CallLoop::reversed)) {
            System.out.printf("rpc: server on %s (message pipe)%n", transport.address(name));
            Latency latency = new Latency();
            Throughput calls = new Throughput();
            List<RpcClient> clients = new ArrayList<>();
            List<CallLoop> loops = new ArrayList<>();
            try {
                for (int i = 0; i < RPC_CLIENTS; i++) {
                    RpcClient client = RpcClient.connect(transport, name, Duration.ofSeconds(10));
                    clients.add(client);
                    CallLoop loop = CallLoop.rpc(client, latency, calls);
                    loops.add(loop);
                    for (int w = 0; w < RPC_WINDOW; w++) {
                        loop.next();
                    }
                }
                Phase phase = new Phase("rpc", seconds);
                phase.run(() -> String.format(Locale.ROOT, "%d clients x %d in flight, %.0f calls/s, p50 %s p99 %s,"
                                + " %d failed", RPC_CLIENTS, RPC_WINDOW, calls.perSecond(),
                        latency.percentile(50), latency.percentile(99), CallLoop.failed(loops)),
                        () -> {
                            calls.reset();
                            latency.reset();
                        });
            } finally {
                for (CallLoop loop : loops) {
                    loop.stop();
                }
                for (RpcClient client : clients) {
                    client.close();
                }
            }
            if (CallLoop.failed(loops) > 0) {
                throw new IllegalStateException("rpc: " + CallLoop.failed(loops) + " calls failed, e.g. "
                        + CallLoop.firstFailure(loops));
            }
        }
    }

    /**
     * gRPC: channels keep unary health checks in flight on the example's {@link HealthServer}, which admits only this
     * user and reports who called. gRPC runs on the named pipe transport itself, so only where named pipes exist.
     */
    private static void grpc(String pipe, long seconds) throws Exception {
        if (!NamedPipe.isAvailable()) {
            System.out.println("grpc: skipped: named pipes are not available here (" + NamedPipe.unavailabilityCause()
                    + "); the gRPC example runs on the named pipe transport only");
            return;
        }
        EventLoopGroup group = new NamedPipeEventLoopGroup(2);
        AtomicReference<NamedPipePeerCredentials> caller = new AtomicReference<>();
        try (HealthServer server = HealthServer.start(pipe, group, caller::set)) {
            System.out.printf("grpc: health service on \\\\.\\pipe\\%s, this user only%n", pipe);
            Latency latency = new Latency();
            Throughput calls = new Throughput();
            List<ManagedChannel> channels = new ArrayList<>();
            List<CallLoop> loops = new ArrayList<>();
            try {
                long connecting = System.nanoTime();
                for (int i = 0; i < GRPC_CHANNELS; i++) {
                    // directExecutor: the call loop's callbacks never block, so they run on the event loop.
                    ManagedChannel channel = NamedPipeGrpc.channelBuilder(pipe, group).directExecutor().build();
                    channels.add(channel);
                    // One blocking call first: connects the channel, and loads gRPC's classes before the clock runs.
                    HealthClient.check(channel, "");
                }
                System.out.printf(Locale.ROOT, "grpc: %d channels connected, first calls answered in %d ms%n",
                        GRPC_CHANNELS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connecting));
                for (ManagedChannel channel : channels) {
                    CallLoop loop = CallLoop.healthChecks(channel, latency, calls);
                    loops.add(loop);
                    for (int w = 0; w < GRPC_WINDOW; w++) {
                        loop.next();
                    }
                }
                Phase phase = new Phase("grpc", seconds);
                phase.run(() -> String.format(Locale.ROOT, "%d channels x %d in flight, %.0f calls/s, p50 %s p99 %s,"
                                + " %d failed, caller %s", GRPC_CHANNELS, GRPC_WINDOW, calls.perSecond(),
                        latency.percentile(50), latency.percentile(99), CallLoop.failed(loops),
                        caller.get() == null ? "none yet" : "pid " + caller.get().processId() + " user "
                                + caller.get().userSid()), () -> {
                    calls.reset();
                    latency.reset();
                });
            } finally {
                for (CallLoop loop : loops) {
                    loop.stop();
                }
                for (ManagedChannel channel : channels) {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
            if (CallLoop.failed(loops) > 0) {
                throw new IllegalStateException("grpc: " + CallLoop.failed(loops) + " calls failed, e.g. "
                        + CallLoop.firstFailure(loops));
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    /** Keeps {@link #ECHO_WINDOW} blocks in flight: each block's worth of echo that comes back sends another. */
    private static final class Streamer extends ChannelInboundHandlerAdapter {
        /**
         * One block for all connections, kept for the life of the process: writes may still hold it when a
         * connection ends, and a per-connection buffer that was never released was reported as a leak once collected.
         */
        private static final ByteBuf BLOCK = Unpooled.unreleasableBuffer(Unpooled.directBuffer(ECHO_BLOCK)
                .writeZero(ECHO_BLOCK));
        private final Throughput throughput;
        private long received;

        Streamer(Throughput throughput) {
            this.throughput = throughput;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            for (int i = 0; i < ECHO_WINDOW; i++) {
                ctx.write(BLOCK.duplicate(), ctx.voidPromise());
            }
            ctx.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            int n = buf.readableBytes();
            buf.release();
            throughput.add(n);
            for (received += n; received >= ECHO_BLOCK; received -= ECHO_BLOCK) {
                ctx.writeAndFlush(BLOCK.duplicate(), ctx.voidPromise());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeQuietlyOnClosed(ctx, cause);
        }
    }

    /** Sends 64 bytes, waits for them, records the round trip, repeats. */
    private static final class RoundTrips extends ChannelInboundHandlerAdapter {
        private static final int SIZE = 64;
        final Latency latency = new Latency();
        private long sentAt;
        private int owed;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ping(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeQuietlyOnClosed(ctx, cause);
        }

        private void ping(ChannelHandlerContext ctx) {
            owed = SIZE;
            sentAt = System.nanoTime();
            ctx.writeAndFlush(ctx.alloc().buffer(SIZE).writeZero(SIZE), ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            owed -= buf.readableBytes();
            buf.release();
            if (owed == 0) {
                latency.record((System.nanoTime() - sentAt) / 1000);
                ping(ctx);
            }
        }
    }
}
