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

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipePeerAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketAddressesTest;
import org.junit.jupiter.api.Tag;

import java.net.SocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Netty's {@link SocketAddressesTest} on named pipes: every address, both ends, is a {@link NamedPipeAddress}, except
 * a server child's remote address, which is a {@link NamedPipePeerAddress} (the pipe, and who the client is).
 */
@Tag("win32")
@NettyTestsuite
public class NamedPipeAddressesTest extends SocketAddressesTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return NamedPipeSocketTestPermutation.INSTANCE.pipe();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return NamedPipeSocketTestPermutation.newPipeAddress();
    }

    @Override
    protected void assertAddress(SocketAddress address) {
        if (address instanceof NamedPipePeerAddress) {
            assertInstanceOf(NamedPipeAddress.class, ((NamedPipePeerAddress) address).pipe());
        } else {
            assertInstanceOf(NamedPipeAddress.class, address);
        }
    }
}
