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

import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One channel's registration: the {@link Overlapped} blocks it owns live until it is cancelled AND none of
 * them has an operation in flight; only then are they freed and the handle told it is unregistered.
 */
final class PipeRegistration implements IoRegistration {
    private final NamedPipeIoHandler loop;
    final NamedPipeIoHandle handle;
    private final List<Overlapped> owned = new ArrayList<>(3);
    /** Blocks another loop's port may still hand on when this registration goes: never freed (see keepIfServed). */
    private final List<Overlapped> outliving = new ArrayList<>(0);
    /** Set by the first {@link #cancel()}, from any thread; the removal itself runs on the loop. */
    private final AtomicBoolean cancelled = new AtomicBoolean();
    /** Cancelled with I/O in flight: the loop is held until it has been released. Loop thread only. */
    private boolean holdsLoop;
    /** The port that gets this handle's completions and passes them on to ours; null when they come to ours. */
    private PortSharing passedOnBy;

    PipeRegistration(NamedPipeIoHandler loop, NamedPipeIoHandle handle) {
        this.loop = loop;
        this.handle = handle;
    }

    /** A new block for one kind of operation, owned by this registration. Loop thread only. */
    Overlapped newOverlapped() {
        if (cancelled.get()) {
            throw new IllegalStateException("registration was cancelled");
        }
        Overlapped block = loop.newBlock(this);
        owned.add(block);
        return block;
    }

    /**
     * The operation of {@code block} finished at once and no completion will be queued for it: this loop hands it
     * on in its current or next run, as if it had been dequeued, with no round trip into the kernel. The block
     * stays in use until then; if the loop stops first, {@link #completeWithoutPackets()} delivers it. Loop thread.
     */
    void finishedAtOnce(Overlapped block) {
        loop.finishedAtOnce(block);
    }

    /** The operation of {@code block} finished at once and its owner handled it there and then. */
    void handledAtOnce(Overlapped block) {
        loop.handledAtOnce(block);
    }

    /** As {@link #handledAtOnce}, but a packet for it still comes: the block stays in use until then. */
    void handledBeforeItsPacket(Overlapped block) {
        loop.handledBeforeItsPacket(block);
    }

    /**
     * Records that {@code other}'s port gets this handle's completions and passes them on to ours; {@code other}'s
     * loop stays awake until this registration is released.
     */
    void passedOnBy(PortSharing other) {
        other.addOtherLoopsPipe();
        passedOnBy = other;
    }

    /** Whether another loop's port gets this handle's completions and that port is closed now. */
    boolean isPassedOnByClosedPort() {
        return passedOnBy != null && passedOnBy.isClosed();
    }

    NamedPipeIoHandler handler() {
        return loop;
    }

    /** This registration itself: the event loop hands channels a wrapper, this unwraps it. */
    @SuppressWarnings("unchecked")
    @Override
    public <T> T attachment() {
        return (T) this;
    }

    /** Channels start their overlapped operations themselves, with the blocks of {@link #newOverlapped()}. */
    @Override
    public long submit(IoOps ops) {
        throw new UnsupportedOperationException("named-pipe channels start their I/O themselves");
    }

    @Override
    public boolean isValid() {
        return !cancelled.get();
    }

    /** True for the first call only, from whichever thread; the blocks are freed on the loop when idle. */
    @Override
    public boolean cancel() {
        if (!cancelled.compareAndSet(false, true)) {
            return false;
        }
        loop.execute(this::removeOrHold);
        return true;
    }

    private void removeOrHold() {
        removeIfIdle();
        if (!holdsLoop && loop.isRegistered(this)) {
            holdsLoop = true;
            loop.sharing().stayAwake();
        }
    }

    void afterCompletion() {
        if (cancelled.get()) {
            removeIfIdle();
        }
    }

    private void removeIfIdle() {
        for (Overlapped block : owned) {
            if (block.isPending()) {
                return;
            }
        }
        release();
    }

    /**
     * Delivers operations the kernel finished whose completion packet never reached this port (it went to a
     * port that is gone), so their owners release buffers as usual.
     */
    void completeWithoutPackets() {
        for (Overlapped block : new ArrayList<>(owned)) {
            if (block.isPending() && block.hasKernelFinished()) {
                keepIfServed(block);
                loop.completeWithoutPacket(block);
            }
        }
    }

    /**
     * The loop is stopping with I/O still in flight: free what the kernel has finished with, leak the rest (the
     * kernel may still write into it).
     */
    void releaseLeavingUnfinished() {
        owned.removeIf(block -> {
            if (block.isPending() && !block.hasKernelFinished()) {
                keepIfServed(block);
                loop.forgetBlock(block);
                return true;
            }
            return false;
        });
        release();
    }

    /**
     * A block whose completion goes to a port another loop serves: that loop may still dequeue its packet and read
     * the block to pass it on, so it must outlive this registration. It is left allocated and unknown to every
     * loop (its owner port reads 0, so it is dropped, not passed on to a port that is closed by then).
     */
    private void keepIfServed(Overlapped block) {
        if (passedOnBy != null && !passedOnBy.isClosed()) {
            outliving.add(block);
        }
    }

    private void release() {
        if (!loop.unregister(this)) {
            return;
        }
        for (Overlapped block : owned) {
            if (outliving.contains(block)) {
                loop.forgetBlock(block);
            } else {
                loop.freeBlock(block);
            }
        }
        owned.clear();
        outliving.clear();
        handle.unregistered();
        if (holdsLoop) {
            holdsLoop = false;
            loop.sharing().maySuspend();
        }
        PortSharing other = passedOnBy;
        if (other != null) {
            passedOnBy = null;
            other.otherLoopsPipeGone();
        }
    }
}
