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
