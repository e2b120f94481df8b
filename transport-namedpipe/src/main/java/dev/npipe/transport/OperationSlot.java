package dev.npipe.transport;

import dev.npipe.transport.win32.Overlapped;
import io.netty.buffer.ByteBuf;

/**
 * One kind of overlapped operation of a channel (its reads, or its writes): the block it uses and the buffer the
 * kernel reads or writes while it is in flight. The buffer is released only once the kernel is done with it.
 */
final class OperationSlot {
    private Overlapped op;
    private ByteBuf buffer;

    /** The registration made the block. */
    void registered(Overlapped block) {
        op = block;
    }

    Overlapped block() {
        return op;
    }

    boolean owns(Overlapped block) {
        return block == op;
    }

    /** From the call that started an operation until its completion was dequeued. */
    boolean isBusy() {
        return op != null && op.isPending();
    }

    /** The buffer handed to the kernel with the operation just started. */
    void hold(ByteBuf buf) {
        buffer = buf;
    }

    /** Takes the buffer back at the operation's completion; null if none was held. */
    ByteBuf take() {
        ByteBuf buf = buffer;
        buffer = null;
        return buf;
    }

    /** Releases a held buffer once the kernel is done with it; at unregistration. */
    void releaseIfIdle() {
        if (buffer != null && !isBusy()) {
            buffer.release();
            buffer = null;
        }
    }
}
