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

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeChannel;
import dev.npipe.transport.NamedPipeChannelOption;
import dev.npipe.transport.NamedPipeServerChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an idle connection costs: heap and direct memory held with {@code n} idle pipe connections open (our client
 * to our server, so both ends count), each with its read waiting, divided by {@code n}. Both ends allocate from an
 * unpooled allocator of their own, so the direct figure is exact bytes, not pool chunks; it is taken after the
 * connections have idled past {@link NamedPipeChannelOption#IDLE_READ_BUFFER_MILLIS}'s default.
 */
final class IdleFootprint {
    /** Longer than the default IDLE_READ_BUFFER_MILLIS (1 s), after which waiting reads hold no buffer. */
    private static final long IDLE_MILLIS = 2000;

    private IdleFootprint() {
    }

    static String measure(EventLoopGroup serverGroup, EventLoopGroup clientGroup, NamedPipeAddress address, int n)
            throws InterruptedException {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
        Channel server = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.LISTENING_INSTANCES, 16)
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childHandler(QuietHandler.INSTANCE)
                .bind(address).sync().channel();
        try {
            long heap0 = usedHeap();
            List<Channel> channels = new ArrayList<>(n);
            long t0 = System.nanoTime();
            try {
                Bootstrap bootstrap = new Bootstrap().group(clientGroup).channel(NamedPipeChannel.class)
                        .option(ChannelOption.ALLOCATOR, alloc)
                        .handler(QuietHandler.INSTANCE); // idle: the transport's waiting read is all
                for (int i = 0; i < n; i++) {
                    channels.add(bootstrap.connect(address).sync().channel());
                }
                double connectSeconds = (System.nanoTime() - t0) / 1e9;
                long directBusy = alloc.metric().usedDirectMemory();
                Thread.sleep(IDLE_MILLIS);
                long heap = usedHeap() - heap0;
                long direct = alloc.metric().usedDirectMemory();
                return String.format(Locale.ROOT, "- idle connections: %d open (client and server end each), per "
                                + "connection after %d ms idle: heap %.0f B, direct %.0f B (%.0f B right after "
                                + "connecting, while reads held buffers); opened one after another at %.0f "
                                + "connections/s%n",
                        n, IDLE_MILLIS, (double) heap / n, (double) direct / n, (double) directBusy / n,
                        n / connectSeconds);
            } finally {
                BenchClient.closeAll(channels);
            }
        } finally {
            server.close().sync();
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

}
