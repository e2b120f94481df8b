package dev.npipe.codec.message;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.internal.ObjectUtil;

import java.util.List;

/**
 * Joins {@link PipeMessageChunk}s into whole {@link PipeMessage}s. A message that grows past
 * {@code maxMessageLength} fires one {@link TooLongFrameException}; the rest of that message is discarded and the
 * next message is delivered as usual. Whole {@link PipeMessage}s pass through.
 */
public class PipeMessageAggregator extends MessageToMessageDecoder<Object> {
    private final int maxMessageLength;
    private CompositeByteBuf current;
    private boolean discarding;

    /** @param maxMessageLength the largest message delivered, in bytes */
    public PipeMessageAggregator(int maxMessageLength) {
        this.maxMessageLength = ObjectUtil.checkPositiveOrZero(maxMessageLength, "maxMessageLength");
    }

    /** The largest message delivered, in bytes. */
    public int maxMessageLength() {
        return maxMessageLength;
    }

    @Override
    public boolean acceptInboundMessage(Object msg) {
        return msg instanceof PipeMessageChunk || msg instanceof PipeMessage;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (msg instanceof PipeMessage) {
            out.add(((PipeMessage) msg).retain());
            return;
        }
        PipeMessageChunk chunk = (PipeMessageChunk) msg;
        if (discarding) {
            discarding = !chunk.isLast();
            return;
        }
        long length = (current == null ? 0 : current.readableBytes()) + (long) chunk.content().readableBytes();
        if (length > maxMessageLength) {
            if (current != null) {
                current.release();
                current = null;
            }
            discarding = !chunk.isLast();
            ctx.fireExceptionCaught(new TooLongFrameException("message of at least " + length
                    + " bytes is longer than maxMessageLength " + maxMessageLength + "; discarded"));
            return;
        }
        if (current == null && chunk.isLast()) {
            out.add(new PipeMessage(chunk.content().retain())); // one-chunk message: no copy
            return;
        }
        if (current == null) {
            current = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        }
        current.addComponent(true, chunk.content().retain());
        if (chunk.isLast()) {
            out.add(new PipeMessage(current));
            current = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseCurrent();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        releaseCurrent();
        super.handlerRemoved(ctx);
    }

    private void releaseCurrent() {
        if (current != null) {
            current.release();
            current = null;
        }
        discarding = false;
    }
}
