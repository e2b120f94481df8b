package dev.npipe.codec.message;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.ArrayList;
import java.util.List;

/** Last inbound handler of a test pipeline: records every exception that reaches it. */
@ChannelHandler.Sharable
class Exceptions extends ChannelInboundHandlerAdapter {
    final List<Throwable> caught = new ArrayList<>();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        caught.add(cause);
    }
}
