package dev.npipe.examples.echo;

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeEventLoopGroup;
import dev.npipe.transport.NamedPipeServerChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
                    .childHandler(new Echo())
                    .bind(address).sync()
                    .channel().closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Writes back what it reads, and stops reading while the client is not keeping up. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
