package dev.npipe.codec.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/** One whole message, exactly as its sender wrote it. Reference counted: release it when done. */
public class PipeMessage extends DefaultByteBufHolder {
    /** A message holding {@code content}; takes over the caller's reference. */
    public PipeMessage(ByteBuf content) {
        super(content);
    }

    @Override
    public PipeMessage copy() {
        return replace(content().copy());
    }

    @Override
    public PipeMessage duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public PipeMessage retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public PipeMessage replace(ByteBuf content) {
        return new PipeMessage(content);
    }

    @Override
    public PipeMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public PipeMessage retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public PipeMessage touch() {
        super.touch();
        return this;
    }

    @Override
    public PipeMessage touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "PipeMessage(" + content().readableBytes() + " bytes)";
    }
}
