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
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketHalfClosedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInfo;

import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@link SocketHalfClosedTest} on named pipes that can half-close (message pipes read as bytes, with
 * {@code ZERO_LENGTH_EOF}; see {@link NamedPipeSocketTestPermutation#halfClosablePipe()}): a peer that closes or
 * shuts its output down must reach a half-closure-allowing channel as exactly one {@code ChannelInputShutdownEvent}
 * and one {@code ChannelInputShutdownReadComplete}, after all data was read.
 *
 * <p>Three methods are overridden without {@code @Test}, so they do not run (docs/netty-testsuite.md): two need
 * TCP's SO_LINGER, and one expects the peer's half-close to be noticed with no read asked for.
 */
@Tag("win32")
@NettyTestsuite
public class NamedPipeHalfClosedTest extends SocketHalfClosedTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return NamedPipeSocketTestPermutation.INSTANCE.halfClosablePipe();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return NamedPipeSocketTestPermutation.newPipeAddress();
    }

    /**
     * Not run: with auto-read off and no {@code read()} outstanding, the client must still see the peer's
     * half-close. epoll and io_uring learn of it from EPOLLRDHUP/POLLRDHUP without reading; a pipe has no such
     * signal: the end of the stream is a message, and with overlapped I/O it is seen only by a read.
     */
    @Override
    public void testAllDataReadEventTriggeredAfterHalfClosure(TestInfo testInfo) {
    }

    /** Not run: casts the server child to {@code SocketChannel} to shut its output down, and sets SO_LINGER. */
    @Override
    public void testHalfClosureReceiveDataOnFinalWait2StateWhenSoLingerSet(TestInfo testInfo) {
    }

    /**
     * Not run: needs SO_LINGER=0 and {@code ChannelOutputShutdownEvent} after a failed write (TCP semantics); Netty
     * itself skips it on Windows ({@code assumeFalse(isWindows())}, which our suite would count as a failure).
     */
    @Override
    public void testAutoCloseFalseDoesShutdownOutput(TestInfo testInfo) {
    }
}
