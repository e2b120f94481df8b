package dev.npipe.codec.message;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/** Writes a {@link PipeMessage} as its content: one buffer, so one write, so one message on a message pipe. */
@ChannelHandler.Sharable
public class PipeMessageEncoder extends MessageToMessageEncoder<PipeMessage> {
    @Override
    protected void encode(ChannelHandlerContext ctx, PipeMessage msg, List<Object> out) {
        out.add(msg.content().retain());
    }
}
