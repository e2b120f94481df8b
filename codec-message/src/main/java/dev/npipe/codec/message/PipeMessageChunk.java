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
 * One completed read of a message-mode pipe that holds part of a longer message, and whether that part ends it. A
 * read that filled its buffer before the message ended (Win32 {@code ERROR_MORE_DATA}) is not last, and the next
 * chunk continues the same message; the read that takes the rest of the message is last. A message that fits in one
 * read (a zero-length one too) arrives from the transport as a whole {@link PipeMessage} instead, one object and no
 * chunk. {@link PipeMessageAggregator} joins chunks into {@link PipeMessage}s. Reference counted like the
 * {@link ByteBuf} it holds.
 */
public class PipeMessageChunk extends DefaultByteBufHolder {
    private final boolean last;

    /**
     * Creates a chunk around {@code content}, taking over the caller's reference to it.
     *
     * @param content the bytes this read returned, from its reader index to its writer index; may be empty
     * @param last {@code true} when this read completed the message, {@code false} when it ended with
     *        {@code ERROR_MORE_DATA}
     */
    public PipeMessageChunk(ByteBuf content, boolean last) {
        super(content);
        this.last = last;
    }

    /**
     * Tells whether this chunk ends its message.
     *
     * @return {@code true} when this chunk ends its message
     */
    public boolean isLast() {
        return last;
    }

    /**
     * Returns a chunk with a deep copy of this content and the same {@link #isLast()}.
     *
     * @return a new chunk that has its own reference count
     */
    @Override
    public PipeMessageChunk copy() {
        return replace(content().copy());
    }

    /**
     * Returns a chunk sharing this content, without retaining it.
     *
     * @return a new chunk whose content is a duplicate of this one's
     */
    @Override
    public PipeMessageChunk duplicate() {
        return replace(content().duplicate());
    }

    /**
     * Returns a chunk sharing this content, which it retains.
     *
     * @return a new chunk whose content is a retained duplicate of this one's
     */
    @Override
    public PipeMessageChunk retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    /**
     * Returns a chunk holding {@code content} instead of this content, with the same {@link #isLast()}.
     *
     * @param content the content of the new chunk; its reference passes to the new chunk
     * @return a new chunk
     */
    @Override
    public PipeMessageChunk replace(ByteBuf content) {
        return new PipeMessageChunk(content, last);
    }

    /**
     * Increases the reference count by one.
     *
     * @return this chunk
     */
    @Override
    public PipeMessageChunk retain() {
        super.retain();
        return this;
    }

    /**
     * Increases the reference count by {@code increment}.
     *
     * @param increment how much to add to the reference count
     * @return this chunk
     */
    @Override
    public PipeMessageChunk retain(int increment) {
        super.retain(increment);
        return this;
    }

    /**
     * Records this place for the leak detector.
     *
     * @return this chunk
     */
    @Override
    public PipeMessageChunk touch() {
        super.touch();
        return this;
    }

    /**
     * Records this place and {@code hint} for the leak detector.
     *
     * @param hint extra information for a leak report
     * @return this chunk
     */
    @Override
    public PipeMessageChunk touch(Object hint) {
        super.touch(hint);
        return this;
    }

    /**
     * Compares content and {@link #isLast()}.
     *
     * @param o the object to compare with
     * @return {@code true} for a chunk with equal content and the same last flag
     */
    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((PipeMessageChunk) o).last == last;
    }

    /**
     * Hashes content and {@link #isLast()}.
     *
     * @return a hash consistent with {@link #equals(Object)}
     */
    @Override
    public int hashCode() {
        return 31 * super.hashCode() + (last ? 1 : 0);
    }

    /**
     * Describes the chunk by its size and last flag; safe to call after the chunk was released.
     *
     * @return for example {@code PipeMessageChunk(5 bytes, last)}
     */
    @Override
    public String toString() {
        String size = refCnt() == 0 ? "released" : content().readableBytes() + " bytes";
        return "PipeMessageChunk(" + size + (last ? ", last)" : ")");
    }
}
