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
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One whole message, exactly as its sender wrote it: what {@link PipeMessageAggregator} and
 * {@link LengthPrefixedMessageDecoder} deliver, and what a handler writes to send one message. It is reference
 * counted like the {@link ByteBuf} it holds; whoever ends up with it releases it.
 */
public class PipeMessage extends DefaultByteBufHolder {
    /**
     * Creates a message around {@code content}, taking over the caller's reference to it.
     *
     * @param content the bytes of the message, from its reader index to its writer index
     */
    public PipeMessage(ByteBuf content) {
        super(content);
    }

    /**
     * Returns a message with a deep copy of this content.
     *
     * @return a new message that has its own reference count
     */
    @Override
    public PipeMessage copy() {
        return replace(content().copy());
    }

    /**
     * Returns a message sharing this content, without retaining it.
     *
     * @return a new message whose content is a duplicate of this one's
     */
    @Override
    public PipeMessage duplicate() {
        return replace(content().duplicate());
    }

    /**
     * Returns a message sharing this content, which it retains.
     *
     * @return a new message whose content is a retained duplicate of this one's
     */
    @Override
    public PipeMessage retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    /**
     * Returns a message holding {@code content} instead of this content.
     *
     * @param content the content of the new message; its reference passes to the new message
     * @return a new message
     */
    @Override
    public PipeMessage replace(ByteBuf content) {
        return new PipeMessage(content);
    }

    /**
     * Increases the reference count by one.
     *
     * @return this message
     */
    @Override
    public PipeMessage retain() {
        super.retain();
        return this;
    }

    /**
     * Increases the reference count by {@code increment}.
     *
     * @param increment how much to add to the reference count
     * @return this message
     */
    @Override
    public PipeMessage retain(int increment) {
        super.retain(increment);
        return this;
    }

    /**
     * Records this place for the leak detector.
     *
     * @return this message
     */
    @Override
    public PipeMessage touch() {
        super.touch();
        return this;
    }

    /**
     * Records this place and {@code hint} for the leak detector.
     *
     * @param hint extra information for a leak report
     * @return this message
     */
    @Override
    public PipeMessage touch(Object hint) {
        super.touch(hint);
        return this;
    }

    /**
     * Describes the message by its size; safe to call after the message was released.
     *
     * @return for example {@code PipeMessage(5 bytes)}
     */
    @Override
    public String toString() {
        return refCnt() == 0 ? "PipeMessage(released)" : "PipeMessage(" + content().readableBytes() + " bytes)";
    }
}
