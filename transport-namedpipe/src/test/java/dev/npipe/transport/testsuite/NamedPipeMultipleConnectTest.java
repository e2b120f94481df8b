package dev.npipe.transport.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketMultipleConnectTest;
import org.junit.jupiter.api.Tag;

import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@link SocketMultipleConnectTest} on named pipes: a second connect of a connected channel fails with
 * {@link AlreadyConnectedException}. Copied because Netty's binds the server to {@code NetUtil.LOCALHOST, 0}; here
 * it binds to the bootstrap's pipe address. Nothing else changed.
 */
@Tag("win32")
@NettyTestsuite
public class NamedPipeMultipleConnectTest extends SocketMultipleConnectTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return NamedPipeSocketTestPermutation.INSTANCE.pipe();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return NamedPipeSocketTestPermutation.newPipeAddress();
    }

    @Override
    public void testMultipleConnect(ServerBootstrap sb, Bootstrap cb) throws Exception {
        Channel sc = null;
        Channel cc = null;
        try {
            sb.childHandler(new ChannelInboundHandlerAdapter());
            sc = sb.bind().syncUninterruptibly().channel(); // Netty's: sb.bind(NetUtil.LOCALHOST, 0)

            cb.handler(new ChannelInboundHandlerAdapter());
            cc = cb.register().syncUninterruptibly().channel();
            cc.connect(sc.localAddress()).syncUninterruptibly();
            ChannelFuture connectFuture2 = cc.connect(sc.localAddress()).await();
            assertTrue(connectFuture2.cause() instanceof AlreadyConnectedException);
        } finally {
            if (cc != null) {
                cc.close();
            }
            if (sc != null) {
                sc.close();
            }
        }
    }
}
