package dev.npipe.transport;

import dev.npipe.transport.win32.Overlapped;
import io.netty.buffer.ByteBuf;

/**
 * What the reader and the writer of a channel share: the block of their one kind of overlapped operation, and the
 * buffer the kernel reads or writes while it is in flight. The buffer is released only once the kernel is done.
 */
abstract class OperationSlot {
    private Overlapped op;
    private ByteBuf buffer;

    /** The registration made the block. */
    final void registered(Overlapped block) {
        op = block;
    }

    final Overlapped block() {
        return op;
    }

    final boolean owns(Overlapped block) {
        return block == op;
    }

    /** From the call that started an operation until its completion was dequeued. */
    final boolean isBusy() {
        return op != null && op.isPending();
    }

    /** The buffer handed to the kernel with the operation just started. */
    final void hold(ByteBuf buf) {
        buffer = buf;
    }

    /** Takes the buffer back at the operation's completion; null if none was held. */
    final ByteBuf take() {
        ByteBuf buf = buffer;
        buffer = null;
        return buf;
    }

    /** Releases a held buffer once the kernel is done with it; at unregistration. */
    final void releaseIfIdle() {
        if (buffer != null && !isBusy()) {
            buffer.release();
            buffer = null;
        }
    }
}
