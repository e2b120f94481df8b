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
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Writes a {@link PipeMessage} as its content: one {@link ByteBuf}, so one write, so one message on a message-mode
 * pipe. Plain {@code ByteBuf} writes, and anything else, pass through untouched. Stateless and sharable.
 */
@ChannelHandler.Sharable
public class PipeMessageEncoder extends MessageToMessageEncoder<PipeMessage> {
    /** Creates the encoder. */
    public PipeMessageEncoder() {
        super(PipeMessage.class);
    }

    /**
     * Replaces the message by its content.
     *
     * @param ctx this handler's context
     * @param msg the message; the caller releases it afterwards, so its content is retained here
     * @param out receives the content
     */
    @Override
    protected void encode(ChannelHandlerContext ctx, PipeMessage msg, List<Object> out) {
        out.add(msg.content().retain());
    }
}
