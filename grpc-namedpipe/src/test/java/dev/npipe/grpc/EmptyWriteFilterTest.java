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
        EmbeddedChannel channel = new EmbeddedChannel(EmptyWriteFilter.INSTANCE);
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
}
