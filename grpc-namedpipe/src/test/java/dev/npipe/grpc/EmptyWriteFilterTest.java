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
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Empty writes are completed and released without reaching the channel; others pass unchanged. */
class EmptyWriteFilterTest {
    @Test
    void emptyWritesStopHereAndSucceed() {
        EmbeddedChannel channel = new EmbeddedChannel(EmptyWriteFilter.newInstance());
        ByteBuf empty = Unpooled.buffer(0);
        ChannelFuture emptyWrite = channel.writeAndFlush(empty);
        DefaultByteBufHolder emptyHolder = new DefaultByteBufHolder(Unpooled.buffer(0));
        ChannelFuture holderWrite = channel.writeAndFlush(emptyHolder);
        assertTrue(emptyWrite.isSuccess() && holderWrite.isSuccess());
        assertEquals(0, empty.refCnt(), "empty buffer released");
        assertEquals(0, emptyHolder.refCnt(), "empty holder released");
        assertNull(channel.readOutbound(), "an empty write reached the channel");

        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        ByteBuf passed = channel.readOutbound();
        assertEquals(3, passed.readableBytes());
        passed.release();
        channel.finishAndReleaseAll();
    }

    /**
     * Issue 18, item 10: an empty write completes after the writes before it (grpc-netty uses it to learn that they
     * are done), and fails on a closed channel, as a write reaching the channel would.
     */
    @Test
    void anEmptyWriteCompletesInOrderAndFailsOnAClosedChannel() {
        java.util.List<io.netty.channel.ChannelPromise> held = new java.util.ArrayList<>();
        // Stands for a transport still writing: it takes the writes and completes none yet.
        io.netty.channel.ChannelOutboundHandlerAdapter slow = new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
                              io.netty.channel.ChannelPromise promise) {
                io.netty.util.ReferenceCountUtil.release(msg);
                held.add(promise);
            }
        };
        EmbeddedChannel channel = new EmbeddedChannel(slow, EmptyWriteFilter.newInstance());
        ChannelFuture data = channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
        ChannelFuture empty = channel.writeAndFlush(Unpooled.buffer(0));
        assertTrue(!empty.isDone(), "the empty write completed before the write ahead of it");
        held.get(0).setSuccess();
        assertTrue(data.isSuccess() && empty.isSuccess(), "the empty write completes with the one ahead of it");

        ChannelFuture failing = channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {2}));
        ChannelFuture afterFailure = channel.writeAndFlush(Unpooled.buffer(0));
        held.get(1).setFailure(new java.io.IOException("broken pipe (test)"));
        assertTrue(failing.isDone() && afterFailure.cause() instanceof java.io.IOException,
                "an empty write after a failed one fails with it: " + afterFailure.cause());

        // Closed, its handlers still in place until the deregistration runs: the filter must not answer success.
        channel.unsafe().close(channel.unsafe().voidPromise());
        ByteBuf late = Unpooled.buffer(0);
        ChannelFuture onClosed = channel.writeAndFlush(late);
        assertTrue(onClosed.cause() instanceof java.nio.channels.ClosedChannelException,
                "an empty write on a closed channel: " + onClosed.cause());
        assertEquals(0, late.refCnt(), "empty buffer released");
        channel.finishAndReleaseAll();
    }
}
