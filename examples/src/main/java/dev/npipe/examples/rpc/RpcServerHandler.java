package dev.npipe.examples.rpc;

import dev.npipe.codec.message.PipeMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Answers each request with the {@link RpcService}'s result, or with an error response carrying what it threw,
 * under the request's id. Responses are flushed once per read; while the client does not take them (the channel is
 * not writable) the handler stops reading requests. Stateless apart from the service, so one instance serves
 * every connection.
 */
@ChannelHandler.Sharable
final class RpcServerHandler extends SimpleChannelInboundHandler<PipeMessage> {
    private final RpcService service;

    RpcServerHandler(RpcService service) {
        this.service = service;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PipeMessage msg) {
        ByteBuf frame = msg.content();
        if (!RpcFrames.isWellFormed(frame) || RpcFrames.type(frame) != RpcFrames.REQUEST) {
            ctx.close(); // not our protocol
            return;
        }
        long id = RpcFrames.id(frame);
        PipeMessage response;
        try {
            response = RpcFrames.frame(ctx.alloc(), id, RpcFrames.OK, service.call(RpcFrames.body(frame)));
        } catch (Exception e) {
            response = RpcFrames.error(ctx.alloc(), id, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        ctx.write(response, ctx.voidPromise()); // a failed write closes the channel: the client sees that
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof TooLongFrameException)) { // a too-long request is dropped; its caller times out
            ctx.close();
        }
    }
}
