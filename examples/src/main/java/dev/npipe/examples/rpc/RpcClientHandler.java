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
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The calls in flight on one connection, by id: one instance per channel (not sharable), touched only on the
 * channel's event loop, so it needs no locks. It numbers each outgoing {@link RpcCall}, starts its timer, completes
 * it from the response with the same id, and fails every call still in flight when the connection closes. A
 * response that comes after its call timed out is dropped.
 */
final class RpcClientHandler extends ChannelDuplexHandler {
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    /** The largest frame the server reads; 0 for no limit. */
    private final int maxFrameLength;
    private long lastId;

    RpcClientHandler(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    /** A call that was written, and the timer that fails it if no response comes. */
    private static final class InFlight {
        final RpcCall call;
        final ScheduledFuture<?> timer;

        InFlight(RpcCall call, ScheduledFuture<?> timer) {
            this.call = call;
            this.timer = timer;
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof RpcCall)) {
            ctx.write(msg, promise);
            return;
        }
        RpcCall call = (RpcCall) msg;
        if (RpcFrames.exceeds(call.argument(), maxFrameLength)) {
            // The server would drop it and the caller wait out its timeout: fail the call now, unsent.
            String message = "a call of " + call.argument().length + " bytes does not fit one frame of at most "
                    + maxFrameLength + " bytes (" + RpcFrames.HEADER + " of them the header); it was not sent";
            call.fail(RpcException.Reason.NOT_SENT, message);
            promise.setFailure(new RpcException(RpcException.Reason.NOT_SENT, message));
            return;
        }
        long id = ++lastId;
        long timeoutMillis = call.timeout().toMillis();
        ScheduledFuture<?> timer = ctx.executor().schedule(() -> fail(id, RpcException.Reason.TIMED_OUT,
                "call " + id + " on " + ctx.channel() + " timed out after " + timeoutMillis
                        + " ms; the server may still run it"), timeoutMillis, TimeUnit.MILLISECONDS);
        inFlight.put(id, new InFlight(call, timer));
        promise.addListener(f -> {
            if (!f.isSuccess()) {
                fail(id, RpcException.Reason.NOT_SENT, "call " + id + " could not be written: " + f.cause());
            }
        });
        ctx.write(RpcFrames.frame(ctx.alloc(), id, RpcFrames.REQUEST, call.argument()), promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof PipeMessage)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            ByteBuf frame = ((PipeMessage) msg).content();
            if (!RpcFrames.isWellFormed(frame)) {
                ctx.close(); // not our protocol: the calls in flight fail as the channel closes
                return;
            }
            InFlight call = inFlight.remove(RpcFrames.id(frame));
            if (call == null) {
                return; // it timed out already
            }
            call.timer.cancel(false);
            if (RpcFrames.type(frame) == RpcFrames.OK) {
                call.call.result().complete(RpcFrames.body(frame));
            } else {
                call.call.fail(RpcException.Reason.ERROR_RESPONSE, "server error: "
                        + new String(RpcFrames.body(frame), StandardCharsets.UTF_8));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        List<Long> ids = new ArrayList<>(inFlight.keySet());
        for (long id : ids) {
            fail(id, RpcException.Reason.CONNECTION_LOST, "connection " + ctx.channel() + " closed with call " + id
                    + " in flight; the server may or may not have run it");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A too-long response is dropped (RpcServer answers an error instead; another server's call times out).
        if (!(cause instanceof TooLongFrameException)) {
            ctx.close();
        }
    }

    private void fail(long id, RpcException.Reason reason, String message) {
        InFlight call = inFlight.remove(id);
        if (call != null) {
            call.timer.cancel(false);
            call.call.fail(reason, message);
        }
    }
}
