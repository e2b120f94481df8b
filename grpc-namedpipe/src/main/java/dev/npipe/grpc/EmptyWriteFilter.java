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
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseNotifier;

import java.nio.channels.ClosedChannelException;

/**
 * Completes empty writes without passing them to the pipe. HTTP/2 is a byte stream, and grpc-netty writes an empty
 * buffer now and then (to learn when earlier writes are flushed); on a message pipe each write is a message, and a
 * zero-length message means end of stream to go-winio (its {@code CloseWrite}), which then closes the connection.
 * Wine reports even go-winio's byte pipes as message pipes, so a grpc-go server on go-winio sees this under Wine.
 *
 * <p>An empty write is answered as the channel would answer it: after the write passed on before it (with that
 * write's outcome), and with a {@link ClosedChannelException} once the channel takes no more writes. One instance per
 * channel: it remembers that channel's last write.
 */
final class EmptyWriteFilter extends ChannelOutboundHandlerAdapter {
    /** The last write passed on; an empty write completes with it. Event loop only. */
    private ChannelFuture lastWrite;

    private EmptyWriteFilter() {
    }

    /** {@return a filter for one channel} */
    static EmptyWriteFilter newInstance() {
        return new EmptyWriteFilter();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ByteBuf content = msg instanceof ByteBuf ? (ByteBuf) msg
                : msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content() : null;
        if (content == null || content.isReadable()) {
            // A promise of our own, which the channel completes: the one given may be void, or complete only with
            // others (HTTP/2's frame writer passes one promise for several writes).
            ChannelPromise passed = ctx.newPromise();
            PromiseNotifier.cascade(passed, promise.isVoid() ? promise.unvoid() : promise);
            lastWrite = passed;
            ctx.write(msg, passed);
            return;
        }
        ReferenceCountUtil.release(msg);
        if (ctx.channel().unsafe().outboundBuffer() == null) {
            promise.tryFailure(new ClosedChannelException()); // closed, or its output shut down
            return;
        }
        ChannelFuture before = lastWrite;
        if (before == null || before.isDone()) {
            promise.trySuccess(); // everything before it is done
            return;
        }
        before.addListener(f -> {
            if (f.isSuccess()) {
                promise.trySuccess();
            } else {
                promise.tryFailure(f.cause());
            }
        });
    }
}
