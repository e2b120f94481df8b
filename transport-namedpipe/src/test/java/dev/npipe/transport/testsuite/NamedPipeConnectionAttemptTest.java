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
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import io.netty.util.internal.logging.InternalLoggerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Netty's {@link SocketConnectionAttemptTest} on named pipes. Netty connects to an unreachable inet host
 * ({@code BAD_HOST:BAD_PORT}, 198.51.100.254:65535) to get a connect that stays pending. The pipe equivalent is a
 * pipe nobody serves: our client keeps retrying it until {@code CONNECT_TIMEOUT_MILLIS}. The two tests that need
 * such a pending connect are copied below and changed in exactly that (the address, and dropping the probe that
 * checks whether the inet host times out); everything else is Netty's code.
 *
 * <p>Not run: {@code testConnectRefused} and {@code testConnectRefusedHalfClosure} connect to an unassigned TCP
 * port and expect an immediate {@code ConnectException}. A missing pipe is not refused: the client waits for a
 * server to appear until its connect timeout (docs/netty-testsuite.md).
 */
@Tag("win32")
@NettyTestsuite
public class NamedPipeConnectionAttemptTest extends SocketConnectionAttemptTest {
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return NamedPipeSocketTestPermutation.INSTANCE.clientPipe();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return NamedPipeSocketTestPermutation.newPipeAddress();
    }

    /** Netty's, connecting to an unserved pipe instead of {@code BAD_HOST:BAD_PORT}. */
    @Override
    public void testConnectTimeout(Bootstrap cb) throws Throwable {
        cb.handler(new TestHandler()).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000);
        ChannelFuture future = cb.connect(newSocketAddress());
        try {
            assertTrue(future.await(3000));
        } finally {
            future.channel().close();
        }
    }

    /**
     * Netty's, without the check that {@code BAD_HOST} times out (an unserved pipe always keeps the connect
     * pending: nothing to probe).
     */
    @Test
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    @Override
    public void testConnectCancellation(TestInfo testInfo) throws Throwable {
        run(testInfo, this::testConnectCancellation);
    }

    /** Netty's, connecting to an unserved pipe instead of {@code BAD_HOST:BAD_PORT}. */
    @Override
    public void testConnectCancellation(Bootstrap cb) throws Throwable {
        cb.handler(new TestHandler()).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 4000);
        SocketAddress unserved = newSocketAddress();
        ChannelFuture future = cb.connect(unserved);
        try {
            if (future.await(1000)) {
                if (future.isSuccess()) {
                    fail("A connection attempt to " + unserved + " must not succeed.");
                } else {
                    throw future.cause();
                }
            }

            if (future.cancel(true)) {
                assertTrue(future.channel().closeFuture().await(500));
                assertTrue(future.isCancelled());
            } else {
                // Check if cancellation is supported or not.
                assertFalse(isConnectCancellationSupported(future.channel()), future.channel().getClass() +
                        " should support connect cancellation");
            }
        } finally {
            future.channel().close();
        }
    }

    /** Not run: expects an unassigned TCP port to refuse at once; an unserved pipe is waited for. */
    @Override
    public void testConnectRefused(TestInfo testInfo) {
    }

    /** Not run: as {@link #testConnectRefused(TestInfo)}, with half-closure allowed. */
    @Override
    public void testConnectRefusedHalfClosure(TestInfo testInfo) {
    }

    /** Netty's (private there). */
    private static final class TestHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            InternalLoggerFactory.getInstance(SocketConnectionAttemptTest.class).warn("Unexpected exception:", cause);
        }
    }
}
