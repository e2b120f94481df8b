package dev.npipe.transport.local;

import dev.npipe.codec.message.PipeMessage;
import dev.npipe.codec.message.PipeMessageChunk;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses {@code PipeMessage}s (and chunks) written to a byte-mode channel, on every kind. A named byte pipe would
 * take one as plain bytes and a Netty domain socket refuses it as an unsupported type; either way the receiver gets
 * bytes, not the message the writer meant, so the write fails and says how to get messages.
 */
@ChannelHandler.Sharable
final class ByteModeGuard extends ChannelOutboundHandlerAdapter {
    static final String NAME = "localPipeByteModeGuard";
    static final ByteModeGuard INSTANCE = new ByteModeGuard();

    private ByteModeGuard() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof PipeMessage || msg instanceof PipeMessageChunk)) {
            ctx.write(msg, promise);
            return;
        }
        String type = msg.getClass().getSimpleName();
        ReferenceCountUtil.release(msg);
        IllegalArgumentException e = new IllegalArgumentException(type + " written to " + ctx.channel()
                + ", a byte-mode local pipe: it carries plain ByteBufs, and the reader would get bytes, not messages."
                + " Use LocalPipes.transport().withMessageMode(maxMessageLength) on both ends, or write the"
                + " content ByteBuf");
        if (promise.isVoid()) {
            promise.tryFailure(e); // a void promise fires exceptionCaught itself
            return;
        }
        promise.tryFailure(e);
        // A failed write is seen only by whoever checks its future: tell the pipeline too, so that the mistake is
        // not silent (Netty logs an exceptionCaught that no handler takes).
        ctx.fireExceptionCaught(e);
    }
}
