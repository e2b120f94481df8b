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
package dev.npipe.codec.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Writes {@link PipeMessage}s, or plain {@link ByteBuf}s, to a byte stream as a 4-byte big-endian length and the
 * payload, for {@link LengthPrefixedMessageDecoder} at the other end.
 *
 * <p>Each message goes out as one {@link CompositeByteBuf} of a new 4-byte prefix and the payload itself: the payload
 * is not copied here, and one message stays one outbound buffer, so one write promise and one write. A socket
 * transport writes the two parts with one gathering write; the named-pipe transport copies the composite into one
 * native buffer for its single {@code WriteFile}, a copy it would make of a heap payload anyway. Stateless and
 * sharable.
 */
@ChannelHandler.Sharable
public class LengthPrefixedMessageEncoder extends MessageToMessageEncoder<Object> {
    /** Creates the encoder. */
    public LengthPrefixedMessageEncoder() {
        super(Object.class);
    }

    /**
     * Accepts {@link PipeMessage}s and {@link ByteBuf}s; anything else passes by.
     *
     * @param msg an outbound object
     * @return {@code true} for what this encoder frames
     */
    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof PipeMessage || msg instanceof ByteBuf;
    }

    /**
     * Frames one message.
     *
     * @param ctx this handler's context
     * @param msg a {@link PipeMessage} or {@link ByteBuf}; the caller releases it afterwards, so its payload is
     *        retained here
     * @param out receives the framed message
     */
    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        ByteBuf payload = msg instanceof PipeMessage ? ((PipeMessage) msg).content() : (ByteBuf) msg;
        ByteBuf prefix = ctx.alloc().buffer(LengthPrefixedMessageDecoder.PREFIX_LENGTH)
                .writeInt(payload.readableBytes());
        out.add(ctx.alloc().compositeBuffer(2).addComponents(true, prefix, payload.retain()));
    }
}
