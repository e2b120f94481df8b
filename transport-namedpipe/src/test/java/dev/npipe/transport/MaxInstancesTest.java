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
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MAX_INSTANCES 2 and three clients: two connect, the third when one closes, nobody hangs. */
@Tag("win32")
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class MaxInstancesTest {
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("max-instances", 2);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        LeakRecorder.assertNoLeaks();
    }

    private ChannelFuture connect(NamedPipeAddress address) {
        return new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000)
                .handler(new ChannelInboundHandlerAdapter()).connect(address);
    }

    @Test
    void thirdClientConnectsWhenOneCloses() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.MAX_INSTANCES, 2)
                .childHandler(new EchoServer.EchoHandler())
                .bind(address).sync().channel();
        Channel first = connect(address).sync().channel();
        Channel second = connect(address).sync().channel();
        ChannelFuture third = connect(address);
        assertFalse(third.await(500, TimeUnit.MILLISECONDS), "a third client got in past MAX_INSTANCES 2");
        first.close().sync();
        assertTrue(third.await(10, TimeUnit.SECONDS), "third client did not connect after one closed");
        assertTrue(third.isSuccess(), () -> "third client failed: " + third.cause());
        second.close().sync();
        third.channel().close().sync();
        server.close().sync();
    }

    /** ABSENT_PIPE_TIMEOUT_MILLIS ends the wait for a pipe that does not exist, not for a busy one. */
    @Test
    void busyPipeIsStillRetriedWithAbsentPipeTimeoutZero() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.MAX_INSTANCES, 1)
                .childHandler(new EchoServer.EchoHandler())
                .bind(address).sync().channel();
        Channel first = connect(address).sync().channel();
        ChannelFuture second = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000)
                .option(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS, 0)
                .handler(new ChannelInboundHandlerAdapter()).connect(address);
        assertFalse(second.await(500, TimeUnit.MILLISECONDS),
                "the second client did not wait for the busy pipe: " + second.cause());
        first.close().sync();
        assertTrue(second.await(10, TimeUnit.SECONDS), "second client did not connect after the first closed");
        assertTrue(second.isSuccess(), () -> "second client failed: " + second.cause());
        second.channel().close().sync();
        server.close().sync();
    }

    @Test
    void maxInstancesIsValidated() {
        NamedPipeServerChannelConfig config = new NamedPipeServerChannel().config();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.setOption(NamedPipeChannelOption.MAX_INSTANCES, 0));
        assertTrue(e.getMessage().contains("MAX_INSTANCES"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> config.setOption(NamedPipeChannelOption.MAX_INSTANCES, 256));
    }
}
