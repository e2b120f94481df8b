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

import dev.npipe.examples.echo.EchoHandler;
import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeMode;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.HdrHistogram.Histogram;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a Java user on Windows would use instead of this transport, measured in the same run: Netty NIO over TCP
 * loopback (same echo handler, same load client), and a blocking client that opens the pipe with
 * {@link RandomAccessFile}, one thread per connection, against our Java server.
 */
final class Peers implements AutoCloseable {
    private final MultiThreadIoEventLoopGroup nio;
    private final Channel tcpServer;

    Peers(int threads) throws InterruptedException {
        nio = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        tcpServer = new ServerBootstrap().group(nio).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new EchoHandler())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    /** Netty NIO over TCP loopback, Java client to Java server; byte streams only (TCP keeps no boundaries). */
    Figures tcp(Workload w, long warmupMillis, long measureMillis) throws InterruptedException {
        Bootstrap bootstrap = new Bootstrap().group(nio).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true);
        return BenchClient.run(bootstrap, tcpServer.localAddress(), w, warmupMillis, measureMillis, null, null);
    }

    /**
     * A blocking client, one thread per connection, on {@code \\.\pipe\...} through RandomAccessFile (as Java
     * libraries that talk to Docker's pipe do): latency sends one message and reads its echo; throughput writes a
     * window and reads it back.
     */
    static Figures blocking(NamedPipeAddress address, Workload w, long warmupMillis, long measureMillis)
            throws IOException, InterruptedException {
        List<RandomAccessFile> files = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        long[] counts = new long[w.connections()];
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        try {
            for (int i = 0; i < w.connections(); i++) {
                files.add(open(address.path()));
            }
            for (int i = 0; i < w.connections(); i++) {
                int index = i;
                RandomAccessFile file = files.get(i);
                Histogram rt = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                Thread t = new Thread(() -> {
                    try {
                        drive(file, w, measuring, stop, counts, index, rt);
                    } catch (IOException e) {
                        if (!stop.get()) {
                            System.err.println("blocking client " + index + ": " + e);
                        }
                    }
                    synchronized (all) {
                        all.add(rt);
                    }
                }, "blocking-client-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            Thread.sleep(warmupMillis);
            measuring.set(true);
            long t0 = System.nanoTime();
            Thread.sleep(measureMillis);
            measuring.set(false);
            double seconds = (System.nanoTime() - t0) / 1e9;
            stop.set(true);
            for (RandomAccessFile f : files) {
                f.close(); // unblocks a thread waiting in a read
            }
            for (Thread t : threads) {
                t.join(10_000);
            }
            long messages = 0;
            for (long c : counts) {
                messages += c;
            }
            boolean latency = w.test() == Workload.Test.LATENCY;
            double nan = Double.NaN;
            return new Figures(messages, seconds,
                    latency ? all.getValueAtPercentile(50) / 1e3 : nan,
                    latency ? all.getValueAtPercentile(99) / 1e3 : nan,
                    latency ? all.getValueAtPercentile(99.9) / 1e3 : nan, nan, nan, nan);
        } finally {
            for (RandomAccessFile f : files) {
                f.close();
            }
        }
    }

    private static RandomAccessFile open(String path) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return new RandomAccessFile(path, "rw");
            } catch (FileNotFoundException busy) { // ERROR_PIPE_BUSY: every listening instance is taken
                if (System.nanoTime() > deadline) {
                    throw busy;
                }
                Thread.sleep(1);
            }
        }
    }

    private static void drive(RandomAccessFile file, Workload w, AtomicBoolean measuring, AtomicBoolean stop,
                              long[] counts, int index, Histogram rt) throws IOException {
        boolean latency = w.test() == Workload.Test.LATENCY;
        int batch = latency ? 1 : w.window();
        byte[] out = new byte[w.size() * (w.mode() == NamedPipeMode.MESSAGE ? 1 : batch)];
        byte[] in = new byte[w.size() * batch];
        while (!stop.get()) {
            long start = System.nanoTime();
            if (w.mode() == NamedPipeMode.MESSAGE) {
                for (int m = 0; m < batch; m++) {
                    file.write(out); // one WriteFile: one message
                }
            } else {
                file.write(out);
            }
            file.readFully(in);
            if (measuring.get()) {
                counts[index] += batch;
                if (latency) {
                    rt.recordValue(Math.min(System.nanoTime() - start, TimeUnit.SECONDS.toNanos(10)));
                }
            }
        }
    }

    /** Whether this JVM can bind an AF_UNIX socket (what Netty's NIO domain-socket channels need), and why not. */
    static String probeUnixDomainSockets() {
        Path dir = null;
        try {
            // Named by pid: the JDK's random temporary names need SecureRandom, which some Windows JVMs under Wine lack.
            dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"),
                    "npbench-uds-" + ProcessHandle.current().pid()));
            Path socket = dir.resolve("s");
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                return "AF_UNIX bind works on this JVM";
            } finally {
                Files.deleteIfExists(socket);
            }
        } catch (Exception | UnsatisfiedLinkError e) {
            return "AF_UNIX is not available on this JVM: " + e;
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temporary directory left behind is harmless
                }
            }
        }
    }

    @Override
    public void close() {
        tcpServer.close().syncUninterruptibly();
        nio.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
