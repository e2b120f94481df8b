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
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A connect storm, as a new user meets it: {@code n} clients with default options connect at once to a server
 * that sets nothing but (optionally) LISTENING_INSTANCES. Reports accepts per second, the slowest connect and how
 * many failed (a client's default connect time-out is Netty's 30 s).
 */
final class ConnectStorm {
    private ConnectStorm() {
    }

    /**
     * One storm.
     *
     * @param listening LISTENING_INSTANCES for the server, or 0 for its default
     */
    static String run(EventLoopGroup serverGroup, EventLoopGroup clientGroup, NamedPipeAddress address, int n,
                      int listening) throws InterruptedException {
        ServerBootstrap sb = new ServerBootstrap().group(serverGroup).channel(NamedPipeServerChannel.class)
                .childHandler(QuietHandler.INSTANCE);
        if (listening > 0) {
            sb.option(NamedPipeChannelOption.LISTENING_INSTANCES, listening);
        }
        Channel server = sb.bind(address).sync().channel();
        int used = server.config().getOption(NamedPipeChannelOption.LISTENING_INSTANCES);
        List<ChannelFuture> connects = new ArrayList<>(n);
        ConcurrentLinkedQueue<Long> connectNanos = new ConcurrentLinkedQueue<>();
        try {
            Bootstrap b = new Bootstrap().group(clientGroup).channel(NamedPipeChannel.class)
                    .handler(QuietHandler.INSTANCE);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ChannelFuture f = b.connect(address);
                f.addListener(done -> {
                    if (done.isSuccess()) {
                        connectNanos.add(System.nanoTime() - t0);
                    }
                });
                connects.add(f);
            }
            int failed = 0;
            String firstFailure = "";
            for (ChannelFuture f : connects) {
                f.awaitUninterruptibly(60, TimeUnit.SECONDS);
                if (!f.isSuccess()) {
                    if (failed++ == 0) {
                        firstFailure = "; first failure: " + f.cause();
                    }
                }
            }
            long slowest = connectNanos.stream().mapToLong(Long::longValue).max().orElse(0);
            int ok = connectNanos.size();
            return String.format(Locale.ROOT, "- connect storm: %d clients at once, LISTENING_INSTANCES %d%s: "
                            + "%.0f accepts/s, slowest connect %.2f s, %d failed%s%n",
                    n, used, listening > 0 ? "" : " (default)", ok / Math.max(1e-9, slowest / 1e9), slowest / 1e9,
                    failed, firstFailure);
        } finally {
            // One whose registration failed has nothing to close (and closing it would throw).
            BenchClient.closeAll(connects.stream().map(ChannelFuture::channel).filter(Channel::isRegistered).toList());
            server.close().sync();
        }
    }
}
