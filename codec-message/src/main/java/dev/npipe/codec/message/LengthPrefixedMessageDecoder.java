package dev.npipe.codec.message;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

import java.util.List;

/**
 * Byte streams (byte-mode pipes, sockets) to whole {@link PipeMessage}s, framed by a 4-byte big-endian length
 * prefix. The same user handlers then work in both modes. A frame longer than {@code maxMessageLength} fires one
 * {@link TooLongFrameException}, is skipped, and decoding goes on with the frames after it, even those that came
 * in the same read.
 */
public class LengthPrefixedMessageDecoder extends ByteToMessageDecoder {
    private final Frames frames;

    /** @param maxMessageLength the largest message payload, in bytes (the prefix not counted) */
    public LengthPrefixedMessageDecoder(int maxMessageLength) {
        frames = new Frames(maxMessageLength);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        for (;;) {
            try {
                ByteBuf frame = frames.next(ctx, in);
                if (frame != null) {
                    out.add(new PipeMessage(frame));
                }
                return;
            } catch (TooLongFrameException e) {
                // Netty's frame decoder would stop here until more bytes come; report and go on instead.
                ctx.fireExceptionCaught(e);
                if (!in.isReadable()) {
                    return;
                }
            }
        }
    }

    /** Netty's length-field framing (fail fast, prefix stripped), used as a frame extractor. */
    private static final class Frames extends LengthFieldBasedFrameDecoder {
        Frames(int maxMessageLength) {
            super(maxMessageLength + 4, 0, 4, 0, 4, true);
        }

        ByteBuf next(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
            return (ByteBuf) decode(ctx, in);
        }
    }
}
