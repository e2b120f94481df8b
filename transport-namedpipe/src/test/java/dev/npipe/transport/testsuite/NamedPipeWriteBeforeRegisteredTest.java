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
package dev.npipe.transport.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.WriteBeforeRegisteredTest;
import org.junit.jupiter.api.Tag;

import java.net.SocketAddress;
import java.util.List;

import static io.netty.testsuite.transport.TestsuitePermutation.randomBufferType;

/**
 * Netty's {@link WriteBeforeRegisteredTest} on named pipes: writing to a channel whose connect is still pending
 * must not throw. Copied because Netty's casts the channel to {@code SocketChannel}; here it is a {@link Channel}.
 * Nothing else changed.
 */
@Tag("win32")
@NettyTestsuite
public class NamedPipeWriteBeforeRegisteredTest extends WriteBeforeRegisteredTest {
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return NamedPipeSocketTestPermutation.INSTANCE.clientPipe();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return NamedPipeSocketTestPermutation.newPipeAddress();
    }

    @Override
    public void testWriteBeforeConnect(Bootstrap cb) throws Throwable {
        TestHandler h = new TestHandler();
        Channel ch = null; // Netty's: SocketChannel
        try {
            ch = cb.handler(h).connect(newSocketAddress()).channel(); // Netty's: (SocketChannel) cb...
            ch.writeAndFlush(randomBufferType(ch.alloc(), new byte[] { 1 }, 0, 1));
        } finally {
            if (ch != null) {
                ch.close();
            }
        }
    }

    /** Netty's (private there). */
    private static final class TestHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            cause.printStackTrace();
        }
    }
}
