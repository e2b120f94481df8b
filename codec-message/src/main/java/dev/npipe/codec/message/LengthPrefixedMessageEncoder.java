package dev.npipe.codec.message;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * {@link PipeMessage}s (or plain {@code ByteBuf}s) to a byte stream with a 4-byte big-endian length prefix. The
 * prefix goes out as its own small buffer ahead of the payload, so the payload is never copied.
 */
@ChannelHandler.Sharable
public class LengthPrefixedMessageEncoder extends MessageToMessageEncoder<Object> {
    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof PipeMessage || msg instanceof ByteBuf;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        ByteBuf payload = msg instanceof PipeMessage ? ((PipeMessage) msg).content() : (ByteBuf) msg;
        out.add(ctx.alloc().buffer(4).writeInt(payload.readableBytes()));
        out.add(payload.retain());
    }
}
