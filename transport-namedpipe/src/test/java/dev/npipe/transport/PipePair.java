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
package dev.npipe.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A server, one client connected to it, and the server's child for that client; for tests of one connection. */
final class PipePair implements AutoCloseable {
    final NamedPipeAddress address = PipeTestSupport.uniqueAddress();
    final Channel server;
    final NamedPipeChannel client;
    final NamedPipeChannel child;

    /**
     * @param serverSetup options and a child handler for the server (the child handler may be null)
     * @param clientSetup options and a handler for the client (the handler may be null)
     */
    PipePair(EventLoopGroup group, Consumer<ServerBootstrap> serverSetup, Consumer<Bootstrap> clientSetup,
             ChannelHandler childHandler, ChannelHandler clientHandler) throws Exception {
        BlockingQueue<NamedPipeChannel> children = new LinkedBlockingQueue<>();
        ServerBootstrap sb = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        if (childHandler != null) {
                            ch.pipeline().addLast(childHandler);
                        }
                        children.add(ch);
                    }
                });
        serverSetup.accept(sb);
        server = sb.bind(address).sync().channel();
        Bootstrap b = new Bootstrap().channel(NamedPipeChannel.class)
                .handler(clientHandler != null ? clientHandler : new ChannelInboundHandlerAdapter());
        clientSetup.accept(b);
        if (b.config().group() == null) {
            b.group(group);
        }
        client = (NamedPipeChannel) b.connect(address).sync().channel();
        child = children.poll(5, TimeUnit.SECONDS);
        assertNotNull(child, "the server accepted no child within 5 s");
    }

    @Override
    public void close() throws InterruptedException {
        client.close().await(5, TimeUnit.SECONDS);
        child.close().await(5, TimeUnit.SECONDS);
        server.close().await(5, TimeUnit.SECONDS);
    }
}
