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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** With AUTO_READ off nothing is read until read() is called, and each read() delivers one read's worth. */
@Tag("win32")
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ReadControlTest {
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("read-control", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void readOnlyWhenAsked() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        children.add(ch);
                    }
                })
                .bind(address).sync().channel();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Channel client = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        events.add("read " + ((ByteBuf) msg).readableBytes());
                        ((ByteBuf) msg).release();
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        events.add("complete");
                    }
                })
                .connect(address).sync().channel();
        Channel child = children.poll(5, TimeUnit.SECONDS);
        assertNotNull(child);
        child.writeAndFlush(Unpooled.wrappedBuffer(new byte[10])).sync();
        assertNull(events.poll(300, TimeUnit.MILLISECONDS), "read without read() while AUTO_READ is off");

        client.read();
        assertEquals("read 10", events.poll(5, TimeUnit.SECONDS));
        assertEquals("complete", events.poll(5, TimeUnit.SECONDS));
        child.writeAndFlush(Unpooled.wrappedBuffer(new byte[20])).sync();
        assertNull(events.poll(300, TimeUnit.MILLISECONDS), "a second read without a second read()");

        client.read();
        assertEquals("read 20", events.poll(5, TimeUnit.SECONDS));
        assertEquals("complete", events.poll(5, TimeUnit.SECONDS));

        client.config().setAutoRead(true);
        child.writeAndFlush(Unpooled.wrappedBuffer(new byte[30])).sync();
        assertEquals("read 30", events.poll(5, TimeUnit.SECONDS));
        client.close().sync();
        server.close().sync();
    }
}
