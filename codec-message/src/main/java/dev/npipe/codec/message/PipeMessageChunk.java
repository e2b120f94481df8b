package dev.npipe.codec.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One read of a message-mode pipe: part of a message, and whether it ends the message. A read that filled its
 * buffer before the message ended (Win32 {@code ERROR_MORE_DATA}) is not last; the next chunk continues the same
 * message. A zero-length message is one empty chunk that is last.
 */
public class PipeMessageChunk extends DefaultByteBufHolder {
    private final boolean last;

    /** A chunk holding {@code content}, taking over the caller's reference. */
    public PipeMessageChunk(ByteBuf content, boolean last) {
        super(content);
        this.last = last;
    }

    /** True when this chunk ends its message. */
    public boolean isLast() {
        return last;
    }

    @Override
    public PipeMessageChunk copy() {
        return replace(content().copy());
    }

    @Override
    public PipeMessageChunk duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public PipeMessageChunk retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public PipeMessageChunk replace(ByteBuf content) {
        return new PipeMessageChunk(content, last);
    }

    @Override
    public PipeMessageChunk retain() {
        super.retain();
        return this;
    }

    @Override
    public PipeMessageChunk retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public PipeMessageChunk touch() {
        super.touch();
        return this;
    }

    @Override
    public PipeMessageChunk touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "PipeMessageChunk(" + content().readableBytes() + " bytes" + (last ? ", last)" : ")");
    }
}
