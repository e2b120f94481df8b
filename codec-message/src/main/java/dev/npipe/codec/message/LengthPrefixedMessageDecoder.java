package dev.npipe.codec.message;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Byte streams (byte-mode pipes, sockets) to whole {@link PipeMessage}s, framed by a 4-byte big-endian length
 * prefix. The same user handlers then work in both modes. A frame longer than {@code maxMessageLength} fires one
 * {@link io.netty.handler.codec.TooLongFrameException}, is skipped, and decoding goes on with the next frame.
 */
public class LengthPrefixedMessageDecoder extends LengthFieldBasedFrameDecoder {
    /** @param maxMessageLength the largest message payload, in bytes (the prefix not counted) */
    public LengthPrefixedMessageDecoder(int maxMessageLength) {
        super(maxMessageLength + 4, 0, 4, 0, 4, true);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        return frame == null ? null : new PipeMessage(frame);
    }
}
