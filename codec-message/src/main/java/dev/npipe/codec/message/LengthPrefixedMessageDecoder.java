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
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;

import java.nio.ByteOrder;
import java.util.List;

/**
 * Turns a byte stream (a byte-mode pipe, a socket) framed by {@link LengthPrefixedMessageEncoder} into whole
 * {@link PipeMessage}s, so the handlers after it are the same as after a {@link PipeMessageAggregator} on a
 * message-mode pipe. Each message is a 4-byte big-endian unsigned length, then that many bytes of payload; the
 * delivered message holds the payload only, as a slice of the received bytes.
 *
 * <p>The framing is Netty's {@link LengthFieldBasedFrameDecoder} with fail-fast on. A message longer than
 * {@code maxMessageLength} fires exactly one {@link TooLongFrameException} as soon as its length is read; its
 * payload is skipped as it arrives, the channel stays open, and decoding goes on with the next message, also when it
 * came in the same read.
 */
public class LengthPrefixedMessageDecoder extends ByteToMessageDecoder {
    /** Bytes in the length prefix. */
    static final int PREFIX_LENGTH = 4;
    /** The largest {@code maxMessageLength}: Netty's frame limit is an {@code int} and counts the prefix. */
    public static final int MAX_MESSAGE_LENGTH = Integer.MAX_VALUE - PREFIX_LENGTH;

    private final int maxMessageLength;
    private final Frames frames;

    /**
     * Creates a decoder for messages of at most {@code maxMessageLength} payload bytes.
     *
     * @param maxMessageLength the largest payload delivered, in bytes, the prefix not counted; from zero to
     *        {@link #MAX_MESSAGE_LENGTH}
     * @throws IllegalArgumentException if {@code maxMessageLength} is out of range
     */
    public LengthPrefixedMessageDecoder(int maxMessageLength) {
        if (maxMessageLength < 0 || maxMessageLength > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("maxMessageLength: " + maxMessageLength + " (expected: 0-"
                    + MAX_MESSAGE_LENGTH + ")");
        }
        this.maxMessageLength = maxMessageLength;
        frames = new Frames(maxMessageLength + PREFIX_LENGTH);
    }

    /**
     * Returns the largest payload this decoder delivers.
     *
     * @return the limit, in bytes, the prefix not counted
     */
    public int maxMessageLength() {
        return maxMessageLength;
    }

    /**
     * Takes the next whole message out of {@code in}, if it is all there.
     *
     * @param ctx this handler's context
     * @param in the received bytes not yet decoded
     * @param out where a whole message goes
     * @throws Exception if the frame decoder fails otherwise than with a too-long message
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        ByteBuf payload;
        try {
            payload = frames.next(ctx, in);
        } catch (TooLongFrameException e) {
            // Netty's frame decoder has skipped what it could of the message and skips the rest as it comes.
            // Report it once, and return: ByteToMessageDecoder calls again for any bytes after it.
            ctx.fireExceptionCaught(new TooLongFrameException("message of " + frames.lastLength
                    + " bytes exceeds maxMessageLength " + maxMessageLength + "; discarded", e));
            return;
        }
        if (payload != null) {
            out.add(new PipeMessage(payload));
        }
    }

    /** Netty's length-field framing (4-byte prefix, fail fast, prefix stripped), used as a frame extractor. */
    private static final class Frames extends LengthFieldBasedFrameDecoder {
        /** The payload length in the last prefix read. */
        long lastLength;

        Frames(int maxFrameLength) {
            super(maxFrameLength, 0, PREFIX_LENGTH, 0, PREFIX_LENGTH, true);
        }

        ByteBuf next(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
            return (ByteBuf) decode(ctx, in);
        }

        @Override
        protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
            lastLength = super.getUnadjustedFrameLength(buf, offset, length, order);
            return lastLength;
        }
    }
}
