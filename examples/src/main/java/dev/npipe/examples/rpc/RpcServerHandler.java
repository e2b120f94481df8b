/*
 * Copyright 2026 The npipe authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
 * on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
 * the specific language governing permissions and limitations under the License.
 */
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
    /** The largest frame the client reads; 0 for no limit. */
    private final int maxFrameLength;

    RpcServerHandler(RpcService service, int maxFrameLength) {
        this.service = service;
        this.maxFrameLength = maxFrameLength;
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
            byte[] result = service.call(RpcFrames.body(frame));
            if (RpcFrames.exceeds(result, maxFrameLength)) {
                // The client would drop it and wait out its timeout: tell it now instead.
                response = RpcFrames.error(ctx.alloc(), id, "the result of " + result.length + " bytes does not fit "
                        + "one frame of at most " + maxFrameLength + " bytes (" + RpcFrames.HEADER + " of them the "
                        + "header)");
            } else {
                response = RpcFrames.frame(ctx.alloc(), id, RpcFrames.OK, result);
            }
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
        // A too-long request is dropped (RpcClient never sends one; another client's caller times out).
        if (!(cause instanceof TooLongFrameException)) {
            ctx.close();
        }
    }
}
