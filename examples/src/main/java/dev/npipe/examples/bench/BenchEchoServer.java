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
import dev.npipe.examples.echo.EchoHandler;
import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeChannel;
import dev.npipe.transport.NamedPipeChannelOption;
import dev.npipe.transport.NamedPipeMode;
import dev.npipe.transport.NamedPipeServerChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;

import java.util.concurrent.atomic.LongAdder;

/**
 * The Java echo server of the benchmark: every read is written back at once (flushed when the read is complete),
 * whole messages on a message pipe. It counts what it echoes so a run can divide its loops' allocation by it.
 */
final class BenchEchoServer implements AutoCloseable {
    /** Largest message the benchmark sends: 64 KiB. */
    static final int MAX_MESSAGE = 64 * 1024;

    private final LongAdder messages = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final NamedPipeMode mode;
    private final Channel server;

    BenchEchoServer(EventLoopGroup group, NamedPipeAddress address, NamedPipeMode mode) throws InterruptedException {
        this.mode = mode;
        Echo echo = new Echo();
        server = new ServerBootstrap()
                .group(group)
                .channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.PIPE_MODE, mode)
                .option(NamedPipeChannelOption.LISTENING_INSTANCES, 16)
                .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        if (mode == NamedPipeMode.MESSAGE) {
                            ch.pipeline().addLast(new PipeMessageAggregator(MAX_MESSAGE));
                        }
                        ch.pipeline().addLast(echo);
                    }
                })
                .bind(address).sync().channel();
    }

    /** Messages echoed so far, for a workload whose messages are {@code size} bytes. */
    long messagesEchoed(int size) {
        return mode == NamedPipeMode.MESSAGE ? messages.sum() : bytes.sum() / size;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private final class Echo extends EchoHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof PipeMessage) {
                messages.increment();
            } else {
                bytes.add(((ByteBuf) msg).readableBytes());
            }
            super.channelRead(ctx, msg);
        }
    }
}
