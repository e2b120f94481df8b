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
