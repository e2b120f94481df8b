package dev.npipe.examples.echo;

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeEventLoopGroup;
import dev.npipe.transport.NamedPipeServerChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;

/** Echoes every byte back to the client: {@code java ... PipeEchoServer [pipe-name]}. */
public final class PipeEchoServer {
    private PipeEchoServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        NamedPipeAddress address = new NamedPipeAddress(args.length > 0 ? args[0] : "npipe-echo");
        EventLoopGroup group = new NamedPipeEventLoopGroup();
        try {
            new ServerBootstrap()
                    .group(group)
                    .channel(NamedPipeServerChannel.class)
                    .childHandler(new EchoHandler())
                    .bind(address).sync()
                    .channel().closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
