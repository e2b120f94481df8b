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
import io.netty.testsuite.transport.socket.SocketExceptionHandlingTest;
import org.junit.jupiter.api.Tag;

import java.net.SocketAddress;
import java.util.List;

/** Netty's {@link SocketExceptionHandlingTest} on named pipes, unchanged. */
@Tag("win32")
@NettyTestsuite
public class NamedPipeExceptionHandlingTest extends SocketExceptionHandlingTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return NamedPipeSocketTestPermutation.INSTANCE.pipe();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return NamedPipeSocketTestPermutation.newPipeAddress();
    }
}
