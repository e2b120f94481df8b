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
package dev.npipe.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * Completes empty writes without passing them to the pipe. HTTP/2 is a byte stream, and grpc-netty writes an empty
 * buffer now and then (to learn when earlier writes are flushed); on a message pipe each write is a message, and a
 * zero-length message means end of stream to go-winio (its {@code CloseWrite}), which then closes the connection.
 * Wine reports even go-winio's byte pipes as message pipes, so a grpc-go server on go-winio sees this under Wine.
 */
@ChannelHandler.Sharable
final class EmptyWriteFilter extends ChannelOutboundHandlerAdapter {
    static final EmptyWriteFilter INSTANCE = new EmptyWriteFilter();

    private EmptyWriteFilter() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ByteBuf content = msg instanceof ByteBuf ? (ByteBuf) msg
                : msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content() : null;
        if (content != null && !content.isReadable()) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
            return;
        }
        ctx.write(msg, promise);
    }
}
