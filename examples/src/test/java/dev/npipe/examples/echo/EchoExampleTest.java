package dev.npipe.examples.echo;

import dev.npipe.transport.local.LocalPipeTransport;
import dev.npipe.transport.local.LocalPipes;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The echo example runs natively here: on Linux through a Unix domain socket. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class EchoExampleTest {
    @Test
    void clientGetsItsTextBack() throws Exception {
        LocalPipeTransport transport = LocalPipes.transport();
        EventLoopGroup group = transport.newEventLoopGroup(2);
        try {
            String name = "echo-example-" + ProcessHandle.current().pid();
            Channel server = PipeEchoServer.bind(transport, group, name);
            assertEquals("héllo, echo", PipeEchoClient.call(transport, group, name, "héllo, echo"));
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
