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
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.internal.ObjectUtil;

import java.util.List;

/**
 * Joins the {@link PipeMessageChunk}s read from a message-mode pipe into whole {@link PipeMessage}s, and holds
 * every message to a size limit.
 *
 * <p>A message that fits in one read arrives from the transport as a {@link PipeMessage} already and passes on as
 * it is (a one-chunk message from elsewhere becomes a {@link PipeMessage} around that chunk's buffer, without a
 * copy). The chunks of a longer message are gathered in a {@link CompositeByteBuf}, again without a copy. A
 * message longer than
 * {@code maxMessageLength} fires exactly one {@link TooLongFrameException} down the pipeline, as soon as the chunk
 * that makes it too long arrives; what was gathered of it and the rest of its chunks are released unread, the channel
 * stays open, and the next message is delivered as usual. Objects other than chunks and messages pass through
 * untouched.
 *
 * <p>With auto-read off, a read that produced only part of a message (or only discarded chunks) asks the channel for
 * another read, as every Netty {@link MessageToMessageDecoder} does, so one {@code read()} yields one whole message.
 *
 * <p>This is not a Netty {@code MessageAggregator}: that class tells start messages from content messages by type,
 * cannot finish a message in its start message (a one-chunk message), and releases an oversized start message that
 * its caller releases again. Chunks carry their own position, so a direct decoder is simpler and exact.
 */
public class PipeMessageAggregator extends MessageToMessageDecoder<ByteBufHolder> {
    private final int maxMessageLength;
    /** The chunks so far of the message being gathered, or null between messages. */
    private CompositeByteBuf partial;
    /** True while the chunks of a too-long message are being dropped. */
    private boolean discarding;

    /**
     * Creates an aggregator for messages of at most {@code maxMessageLength} bytes.
     *
     * @param maxMessageLength the largest message delivered, in bytes; zero allows only empty messages
     * @throws IllegalArgumentException if {@code maxMessageLength} is negative
     */
    public PipeMessageAggregator(int maxMessageLength) {
        super(ByteBufHolder.class);
        this.maxMessageLength = ObjectUtil.checkPositiveOrZero(maxMessageLength, "maxMessageLength");
    }

    /**
     * Returns the largest message this aggregator delivers.
     *
     * @return the limit, in bytes
     */
    public int maxMessageLength() {
        return maxMessageLength;
    }

    /**
     * Takes chunks and whole messages; anything else passes on.
     *
     * @param msg an inbound object
     * @return whether it is a {@link PipeMessageChunk} or a {@link PipeMessage}
     */
    @Override
    public boolean acceptInboundMessage(Object msg) {
        return msg instanceof PipeMessageChunk || msg instanceof PipeMessage;
    }

    /**
     * Adds one chunk to the message being gathered, and delivers the message when the chunk is its last; a whole
     * message (a {@link PipeMessage}: one read) is its own last chunk, and passes on as it is when within the limit.
     *
     * @param ctx this handler's context
     * @param chunk the chunk or whole message; the caller releases it afterwards, so what is kept of it is retained
     *        here
     * @param out where a finished message goes
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBufHolder chunk, List<Object> out) {
        ByteBuf data = chunk.content();
        boolean last = !(chunk instanceof PipeMessageChunk) || ((PipeMessageChunk) chunk).isLast();
        if (discarding) {
            discarding = !last;
            return;
        }
        long length = (partial == null ? 0L : partial.readableBytes()) + data.readableBytes();
        if (length > maxMessageLength) {
            releasePartial();
            discarding = !last;
            // State is settled first: a handler may close the channel on this exception.
            ctx.fireExceptionCaught(new TooLongFrameException(last
                    ? "message of " + length + " bytes exceeds maxMessageLength " + maxMessageLength + "; discarded"
                    : "message exceeds maxMessageLength " + maxMessageLength + " (" + length
                            + " bytes so far); discarding the rest of it"));
            return;
        }
        if (partial == null) {
            if (last) {
                out.add(chunk instanceof PipeMessage ? chunk.retain() : new PipeMessage(data.retain()));
                return;
            }
            partial = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        }
        if (data.isReadable()) {
            partial.addComponent(true, data.retain());
        }
        if (last) {
            ByteBuf whole = partial;
            partial = null;
            out.add(new PipeMessage(whole));
        }
    }

    /**
     * Releases a partly gathered message before passing the event on.
     *
     * @param ctx this handler's context
     * @throws Exception if a later handler throws
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releasePartial();
        discarding = false;
        super.channelInactive(ctx);
    }

    /**
     * Releases a partly gathered message when this handler leaves the pipeline.
     *
     * @param ctx this handler's context
     * @throws Exception if the superclass throws
     */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        releasePartial();
        discarding = false;
        super.handlerRemoved(ctx);
    }

    private void releasePartial() {
        if (partial != null) {
            CompositeByteBuf gathered = partial;
            partial = null;
            gathered.release();
        }
    }
}
