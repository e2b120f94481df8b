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
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * The wire format: one {@link PipeMessage} per frame, an 8-byte call id, a 1-byte type, then the body. A request's
 * body is the argument; a response carries the request's id and either the result ({@link #OK}) or a UTF-8 error
 * message ({@link #ERROR}).
 */
final class RpcFrames {
    static final byte REQUEST = 0;
    static final byte OK = 1;
    static final byte ERROR = 2;
    /** Bytes before the body: id and type. */
    static final int HEADER = 9;

    private RpcFrames() {
    }

    static PipeMessage frame(ByteBufAllocator alloc, long id, byte type, byte[] body) {
        ByteBuf buf = alloc.buffer(HEADER + body.length);
        buf.writeLong(id).writeByte(type).writeBytes(body);
        return new PipeMessage(buf);
    }

    static PipeMessage error(ByteBufAllocator alloc, long id, String message) {
        return frame(alloc, id, ERROR, message.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a frame with {@code body} is longer than {@code maxFrameLength} (0: no limit). */
    static boolean exceeds(byte[] body, int maxFrameLength) {
        return maxFrameLength > 0 && HEADER + (long) body.length > maxFrameLength;
    }

    /** Whether {@code frame} is long enough to hold an id and a type. */
    static boolean isWellFormed(ByteBuf frame) {
        return frame.readableBytes() >= HEADER;
    }

    static long id(ByteBuf frame) {
        return frame.getLong(frame.readerIndex());
    }

    static byte type(ByteBuf frame) {
        return frame.getByte(frame.readerIndex() + 8);
    }

    static byte[] body(ByteBuf frame) {
        byte[] body = new byte[frame.readableBytes() - HEADER];
        frame.getBytes(frame.readerIndex() + HEADER, body);
        return body;
    }
}
