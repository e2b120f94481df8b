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
package dev.npipe.examples.bench;

import dev.npipe.codec.message.PipeMessage;
import dev.npipe.codec.message.PipeMessageAggregator;
import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeChannel;
import dev.npipe.transport.NamedPipeChannelOption;
import dev.npipe.transport.NamedPipeMode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import org.HdrHistogram.Histogram;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Java load client: the same workload as npbench's client, on the transport. Each connection's handler keeps
 * its own counters and histogram on its loop thread; they are read after the channels are closed.
 */
final class BenchClient {
    /** Messages echoed to every client of this JVM since it started, warm-up included (JavaPeer's total=). */
    static final LongAdder TOTAL = new LongAdder();

    private final LoopProbe loops;

    BenchClient(LoopProbe loops) {
        this.loops = loops;
    }

    /**
     * Connects, warms up, measures, closes.
     *
     * @param javaServer the Java server on the other end, whose loops count too; null when the server is native
     */
    Figures run(NamedPipeAddress address, Workload w, long warmupMillis, long measureMillis, LoopProbe javaServer)
            throws InterruptedException {
        Bootstrap bootstrap = new Bootstrap()
                .group(loops.group())
                .channel(NamedPipeChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000)
                .option(NamedPipeChannelOption.READ_MODE, w.mode());
        return run(bootstrap, address, w, warmupMillis, measureMillis, loops, javaServer);
    }

    /**
     * The same load over any Netty transport (a peer, e.g. NIO over TCP): {@code bootstrap} has its group and
     * channel; {@code probe} counts the client's loops, or is null where they are not ours.
     */
    static Figures run(Bootstrap bootstrap, SocketAddress address, Workload w, long warmupMillis,
                       long measureMillis, LoopProbe probe, LoopProbe javaServer) throws InterruptedException {
        List<Load> loads = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < w.connections(); i++) {
                Load load = new Load(w);
                loads.add(load);
                ChannelFuture f = bootstrap.handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (w.mode() == NamedPipeMode.MESSAGE) {
                            ch.pipeline().addLast(new PipeMessageAggregator(BenchEchoServer.MAX_MESSAGE));
                        }
                        ch.pipeline().addLast(load);
                    }
                }).connect(address).sync();
                channels.add(f.channel());
            }
            for (Load load : loads) {
                load.ctx.executor().execute(load::start);
            }
            Thread.sleep(warmupMillis);
            LoopProbe.Sample before = sample(probe, javaServer);
            setMeasuring(loads, true);
            long t0 = System.nanoTime();
            Thread.sleep(measureMillis);
            setMeasuring(loads, false);
            long t1 = System.nanoTime();
            LoopProbe.Sample during = probe == null ? null : sample(probe, javaServer).minus(before);
            closeAll(channels);
            return figures(loads, w, (t1 - t0) / 1e9, during);
        } finally {
            for (Channel ch : channels) {
                ch.close();
            }
        }
    }

    /** Closes every channel, then waits up to 10 s for each to have closed. */
    static void closeAll(Collection<? extends Channel> channels) throws InterruptedException {
        for (Channel ch : channels) {
            ch.close();
        }
        for (Channel ch : channels) {
            ch.closeFuture().await(10, TimeUnit.SECONDS);
        }
    }

    private static LoopProbe.Sample sample(LoopProbe probe, LoopProbe javaServer) {
        if (probe == null) {
            return null;
        }
        LoopProbe.Sample s = probe.sample();
        return javaServer == null ? s : s.plus(javaServer.sample());
    }

    private static void setMeasuring(List<Load> loads, boolean on) {
        for (Load load : loads) {
            load.measuring = on;
        }
    }

    private static Figures figures(List<Load> loads, Workload w, double seconds, LoopProbe.Sample during) {
        long messages = 0;
        Histogram all = new Histogram(Load.HIGHEST_NANOS, 3);
        for (Load load : loads) {
            messages += load.measured;
            all.add(load.roundTrips);
        }
        boolean latency = w.test() == Workload.Test.LATENCY;
        double nan = Double.NaN;
        return new Figures(messages, seconds,
                latency ? all.getValueAtPercentile(50) / 1e3 : nan,
                latency ? all.getValueAtPercentile(99) / 1e3 : nan,
                latency ? all.getValueAtPercentile(99.9) / 1e3 : nan,
                messages == 0 || during == null ? nan : (double) during.allocatedBytes() / messages,
                during == null ? nan : during.batchSize(), during == null ? nan : during.atOncePer(messages));
    }

    /** One connection's load. Runs on its channel's loop; fields other than the flag are read after close. */
    private static final class Load extends ChannelInboundHandlerAdapter {
        static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(10);

        final Histogram roundTrips = new Histogram(HIGHEST_NANOS, 3);
        final Workload w;
        final boolean latency;
        volatile boolean measuring;
        ChannelHandlerContext ctx;
        ByteBuf payload;
        long sent;
        long done;
        long measured;
        long pendingBytes;
        long sentAt;
        boolean running;

        Load(Workload w) {
            this.w = w;
            this.latency = w.test() == Workload.Test.LATENCY;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void start() {
            payload = ctx.alloc().directBuffer(w.size()).writeZero(w.size());
            running = true;
            pump();
            ctx.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof PipeMessage) {
                ((PipeMessage) msg).release();
                messageDone();
            } else {
                ByteBuf buf = (ByteBuf) msg;
                pendingBytes += buf.readableBytes();
                buf.release();
                while (pendingBytes >= w.size()) {
                    pendingBytes -= w.size();
                    messageDone();
                }
            }
            pump();
        }

        private void messageDone() {
            done++;
            TOTAL.increment();
            if (measuring) {
                measured++;
                if (latency) {
                    roundTrips.recordValue(Math.min(System.nanoTime() - sentAt, HIGHEST_NANOS));
                }
            }
        }

        /**
         * One request at a time (latency) or a full window (throughput). Each message is a fresh pooled buffer, as
         * an application's encoder would make it; a derived buffer (duplicate, slice) would be garbage.
         */
        private void pump() {
            if (!running) {
                return;
            }
            long limit = latency ? 1 : w.window();
            while (sent - done < limit) {
                if (latency) {
                    sentAt = System.nanoTime();
                }
                ByteBuf message = ctx.alloc().directBuffer(w.size());
                message.writeBytes(payload, 0, w.size());
                ctx.write(message, ctx.voidPromise());
                sent++;
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            running = false;
            if (payload != null) {
                payload.release();
                payload = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
