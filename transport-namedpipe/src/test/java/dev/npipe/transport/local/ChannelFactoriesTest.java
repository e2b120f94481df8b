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
package dev.npipe.transport.local;

import dev.npipe.transport.LeakRecorder;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.BindException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LocalPipeTransport#serverChannelFactory(String)} and {@link LocalPipeTransport#channelFactory(String)} in
 * plain Netty bootstraps (as grpc-netty makes them), on every system: their channels do at bind and connect what
 * {@code LocalPipeTransport.bind/connect} add.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ChannelFactoriesTest {
    private final List<MultiThreadIoEventLoopGroup> groups = new ArrayList<>();

    static List<LocalPipeKind> kinds() {
        return LocalPipes.availableKinds();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (MultiThreadIoEventLoopGroup group : groups) {
            LocalPipeTestKit.shutdown(group);
        }
        LeakRecorder.assertNoLeaks();
    }

    private static ChannelInitializer<Channel> echo(LocalPipeTransport transport) {
        return transport.initializer(new LocalPipeTestKit.Echo());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void plainBootstrapsWithTheFactoriesEchoAndKeepTheChecks(LocalPipeKind kind) throws Exception {
        LocalPipeTransport transport = LocalPipes.transport(kind);
        MultiThreadIoEventLoopGroup group = LocalPipeTestKit.newGroup(transport);
        groups.add(group);
        String name = LocalPipeTestKit.uniqueName();

        // No server yet: the same failure as LocalPipeTransport.connect's.
        Bootstrap client = new Bootstrap().group(group).channelFactory(transport.channelFactory(name))
                .handler(new LocalPipeTestKit.ByteSink());
        ChannelFuture absent = client.connect(transport.address(name)).await();
        ConnectException noServer = assertInstanceOf(ConnectException.class, absent.cause());
        assertTrue(noServer.getMessage().startsWith("no server listens at " + name), noServer.getMessage());

        Channel server = new ServerBootstrap().group(group).channelFactory(transport.serverChannelFactory(name))
                .childHandler(echo(transport)).bind(transport.address(name)).sync().channel();
        transport.socketFile(name).ifPresent(file -> assertEquals("rw-------", permissions(file)));

        // A second server on the name is refused, as by LocalPipeTransport.bind.
        ChannelFuture second = new ServerBootstrap().group(group)
                .channelFactory(transport.serverChannelFactory(name)).childHandler(echo(transport))
                .bind(transport.address(name)).await();
        assertInstanceOf(BindException.class, second.cause(), String.valueOf(second.cause()));

        LocalPipeTestKit.ByteSink sink = new LocalPipeTestKit.ByteSink();
        Channel channel = new Bootstrap().group(group).channelFactory(transport.channelFactory(name))
                .handler(sink).connect(transport.address(name)).sync().channel();
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        channel.writeAndFlush(Unpooled.wrappedBuffer(hello)).sync();
        assertArrayEquals(hello, sink.awaitBytes(hello.length, 10));
        channel.close().sync();

        // A factory made for one name refuses another address: its checks would not fit.
        ChannelFuture other = new Bootstrap().group(group).channelFactory(transport.channelFactory(name))
                .handler(new LocalPipeTestKit.ByteSink()).connect(transport.address(name + "-other")).await();
        assertInstanceOf(IllegalArgumentException.class, other.cause(), String.valueOf(other.cause()));
        assertTrue(other.cause().getMessage().contains("made for the local pipe " + name), other.cause().getMessage());
        server.close().sync();
    }

    private static String permissions(java.nio.file.Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
