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
package dev.npipe.transport;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * What the reader and the writer of a channel share: the block of their one kind of overlapped operation, and the
 * buffer the kernel reads or writes while it is in flight. The buffer is released only once the kernel is done.
 */
abstract class PendingOperation {
    private PipeRegistration registration;
    private Overlapped op;
    private ByteBuf buffer;
    /** Every block this slot has used; more than one only where blocks wait for their packet (see below). */
    private final List<Overlapped> blocks = new ArrayList<>(1);

    /** Takes this slot's block from the channel's registration. */
    final void registered(PipeRegistration owner) {
        registration = owner;
        op = owner.newOverlapped();
        blocks.add(op);
    }

    /** The operation just started finished at once, and the port will not hear of it: the loop completes it soon. */
    final void finishedAtOnce() {
        registration.finishedAtOnce(op);
    }

    /** The operation just started finished at once, and is handled there and then: the block is free again. */
    final void handledAtOnce() {
        registration.handledAtOnce(op);
    }

    /**
     * The operation just started finished at once and is handled there and then, but its completion packet still
     * comes (a warning status on Windows 8+): that block waits for it, and the next operation takes another block,
     * one that is free or a new one, so a batch goes on as where no packet comes.
     */
    final void handledBeforeItsPacket() {
        registration.handledBeforeItsPacket(op);
        for (Overlapped block : blocks) {
            if (!block.isPending()) {
                op = block;
                return;
            }
        }
        op = registration.newOverlapped();
        blocks.add(op);
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
