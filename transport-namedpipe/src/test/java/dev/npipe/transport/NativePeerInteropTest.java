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

import dev.npipe.codec.message.PipeMessage;
import dev.npipe.codec.message.PipeMessageAggregator;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Message mode against a peer that is not ours: src/test/c/msgpeer.c, plain Win32 C built with mingw-w64 by the
 * test command, as server and as client.
 */
@Tag("win32")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NativePeerInteropTest {
    private static final File PEER = new File("target/win32/msgpeer.exe");
    private static final int MESSAGES = 300;
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        assertTrue(PEER.isFile(), "native peer missing at " + PEER.getAbsolutePath()
                + ": scripts/build-native-peers.sh builds it before the Win32 suite");
        group = PipeTestSupport.newGroup("interop", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void nativeClientTalksToOurMessageServer() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.PIPE_MODE, NamedPipeMode.MESSAGE)
                .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        ch.pipeline().addLast(new PipeMessageAggregator(1 << 20),
                                new SimpleChannelInboundHandler<PipeMessage>(false) {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, PipeMessage msg) {
                                        ctx.writeAndFlush(msg);
                                    }
                                });
                    }
                })
                .bind(address).sync().channel();
        Process peer = PipeTestSupport.startPeer(PEER.getAbsolutePath(), "client", address.path(),
                String.valueOf(MESSAGES));
        String last = lastLine(peer);
        assertTrue(peer.waitFor(60, TimeUnit.SECONDS), "native client did not finish");
        assertEquals("OK " + MESSAGES, last, "native client's verdict");
        assertEquals(0, peer.exitValue());
        server.close().sync();
    }

    @Test
    void ourMessageClientTalksToANativeServer() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Process peer = PipeTestSupport.startPeer(PEER.getAbsolutePath(), "server", address.path());
        BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("LISTENING", out.readLine());
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        Channel client = new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(NamedPipeChannelOption.READ_MODE, NamedPipeMode.MESSAGE)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        ch.pipeline().addLast(new PipeMessageAggregator(1 << 20),
                                new MessageCollector(received));
                    }
                })
                .connect(address).sync().channel();
        for (int m = 0; m < MESSAGES; m++) {
            byte[] sent = MessageModeTest.payload((m * 977) % 70000, m);
            client.writeAndFlush(Unpooled.wrappedBuffer(sent));
            byte[] back = received.poll(30, TimeUnit.SECONDS);
            assertNotNull(back, "no echo of message " + m);
            assertArrayEquals(sent, back, "message " + m);
        }
        client.close().sync();
        String last = null;
        for (String line; (line = out.readLine()) != null; ) {
            last = line;
        }
        assertTrue(peer.waitFor(30, TimeUnit.SECONDS), "native server did not finish");
        assertEquals("OK " + MESSAGES, last, "native server's count of messages echoed");
    }

    private static String lastLine(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String last = null;
        for (String line; (line = out.readLine()) != null; ) {
            last = line;
        }
        return last;
    }
}
