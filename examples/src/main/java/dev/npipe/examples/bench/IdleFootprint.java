package dev.npipe.examples.bench;

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeChannel;
import dev.npipe.transport.NamedPipeMode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What an idle connection costs: heap and direct memory held with {@code n} idle pipe connections open (our client
 * to our echo server, so both ends count), each with its read posted, divided by {@code n}.
 */
final class IdleFootprint {
    private IdleFootprint() {
    }

    static String measure(EventLoopGroup serverGroup, EventLoopGroup clientGroup, NamedPipeAddress address, int n)
            throws InterruptedException {
        try (BenchEchoServer server = new BenchEchoServer(serverGroup, address, NamedPipeMode.BYTE)) {
            long heap0 = usedHeap();
            long direct0 = usedDirect();
            List<Channel> channels = new ArrayList<>(n);
            long t0 = System.nanoTime();
            try {
                Bootstrap bootstrap = new Bootstrap().group(clientGroup).channel(NamedPipeChannel.class)
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                // idle: the transport's posted read is all there is
                            }
                        });
                for (int i = 0; i < n; i++) {
                    channels.add(bootstrap.connect(address).sync().channel());
                }
                double connectSeconds = (System.nanoTime() - t0) / 1e9;
                Thread.sleep(500); // every child registered and its read posted
                long heap = usedHeap() - heap0;
                long direct = usedDirect() - direct0;
                return String.format(Locale.ROOT, "- idle connections: %d open (client and server end each), per "
                                + "connection: heap %.0f B, direct (allocator's used memory, chunk-granular) %.0f B; "
                                + "opened one after another at %.0f connections/s%n",
                        n, (double) heap / n, (double) direct / n, n / connectSeconds);
            } finally {
                for (Channel ch : channels) {
                    ch.close();
                }
                for (Channel ch : channels) {
                    ch.closeFuture().await(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long usedDirect() {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        return alloc instanceof ByteBufAllocatorMetricProvider
                ? ((ByteBufAllocatorMetricProvider) alloc).metric().usedDirectMemory() : 0;
    }
}
