package dev.npipe.examples.echo;

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeChannel;
import dev.npipe.transport.NamedPipeEventLoopGroup;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;

import java.nio.charset.StandardCharsets;

/** Sends a line to the echo server and prints the answer: {@code java ... PipeEchoClient [pipe-name] [text]}. */
public final class PipeEchoClient {
    private PipeEchoClient() {
    }

    public static void main(String[] args) throws InterruptedException {
        NamedPipeAddress address = new NamedPipeAddress(args.length > 0 ? args[0] : "npipe-echo");
        String text = args.length > 1 ? args[1] : "hello over a named pipe";
        EventLoopGroup group = new NamedPipeEventLoopGroup(1);
        try {
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(NamedPipeChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                    .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                        private final StringBuilder answer = new StringBuilder();

                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                            answer.append(msg.toString(StandardCharsets.UTF_8));
                            if (answer.length() >= text.length()) {
                                System.out.println(answer);
                                ctx.close();
                            }
                        }
                    })
                    .connect(address).sync().channel();
            channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
            channel.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
