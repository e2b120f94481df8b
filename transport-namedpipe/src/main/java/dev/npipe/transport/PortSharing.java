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

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One loop's completion port as other loops share it. A pipe handle stays tied to the port it was first
 * associated with; where Windows cannot move it to another port (Wine, Windows before 8.1, see
 * {@link #portPlan}) a server's child registered on another loop gets its completions through the server loop's
 * port for its whole life. This class is everything that follows from that:
 * <ul>
 * <li>passing such a completion on to the port of the loop that owns its block (PostQueuedCompletionStatus);</li>
 * <li>counting the pipes of other loops this port carries, and keeping this loop from being suspended by Netty's
 * auto-scaling while it must go on dequeuing for them (or for its own cancelled I/O in flight);</li>
 * <li>closing the port: at once when the loop stops and carries no such pipe, else a relay thread passes
 * completions on until the last of them has closed, so they keep working after the server's group stopped.</li>
 * </ul>
 */
final class PortSharing {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PortSharing.class);
    private static final AtomicInteger RELAY_THREADS = new AtomicInteger();
    /** Relays whose port is still open. */
    private static final AtomicInteger OPEN_RELAYS = new AtomicInteger();
    /** How often a relay checks whether its last pipe of another loop has gone. */
    private static final int RELAY_POLL_MILLIS = 100;

    private final NamedPipeIoHandler loop;
    private final ThreadAwareExecutor executor;
    private final long port;
    private final NamedPipeCompletionStats stats;
    /** Reads a block's owner port, which may be another loop's memory. */
    private final NativeBlock ownerPort = new NativeBlock(8);
    /** Guards the port handle against a post while it is closed, and the count of pipes of other loops. */
    private final Object portLock = new Object();
    private boolean portClosed;
    /** Pipes of other loops whose completions come to this port. The port is closed only when none is left. */
    private int otherLoopsPipes;
    /** The loop has stopped: the pipe of another loop that goes last wakes the relay, which closes the port. */
    private boolean loopStopped;
    /** Set once the port is closed: from then on no completion is passed on by it. Any thread. */
    private volatile boolean closed;
    /** Reasons to keep the loop from being suspended; loop thread only. */
    private int reasonsToStayAwake;
    private IoRegistration stayAwake;

    PortSharing(NamedPipeIoHandler loop, ThreadAwareExecutor executor, long port, NamedPipeCompletionStats stats) {
        this.loop = loop;
        this.executor = executor;
        this.port = port;
        this.stats = stats;
    }

    /** How a server child's completions reach its own loop. */
    enum PortPlan {
        /** The child's loop is the server's: the handle is on its port already. */
        SAME_LOOP,
        /** The handle was moved to the child's loop's port (Windows 8.1+). */
        MOVED,
        /** The server loop's port gets them and passes them on (Wine, Windows before 8.1, or moving turned off). */
        PASSED_ON
    }

    /** The decision, apart from the Win32 call that moves the handle ({@code move}: true when it moved). */
    static PortPlan portPlan(boolean sameLoop, boolean moveAllowed, BooleanSupplier move) {
        if (sameLoop) {
            return PortPlan.SAME_LOOP;
        }
        return moveAllowed && move.getAsBoolean() ? PortPlan.MOVED : PortPlan.PASSED_ON;
    }

    /** {@return how many relays have not closed their port yet} Tests wait for 0 before they count handles. */
    static int openRelays() {
        return OPEN_RELAYS.get();
    }

    /**
     * Posts a wake-up packet, unless the port is closed (its handle value may have been reused); false only when
     * the post failed (logged).
     */
    boolean postWakeup() {
        synchronized (portLock) {
            if (portClosed || Kernel32.PostQueuedCompletionStatus(port, 0, 0L, 0L) != 0) {
                return true;
            }
            logger.warn("Wake-up failed: PostQueuedCompletionStatus: {}", Win32Error.describe(Kernel32.lastError()));
            return false;
        }
    }

    /** Whether the port is closed: the loop has stopped, and its relay too. Any thread. */
    boolean isClosed() {
        return closed;
    }

    /**
     * A completion dequeued here for a block no registration of this loop owns: post it to the port the block names.
     */
    void passOn(long address, int bytes) {
        Kernel32.RtlMoveMemory(ownerPort.address(), address + Overlapped.OWNER_PORT_OFFSET, 8);
        long owner = ownerPort.view().getLong(0);
        if (owner == port || owner == 0L) {
            stats.recordDropped(); // e.g. a block its stopped loop left allocated for this very packet
            logger.warn("Dropping a completion for an unknown OVERLAPPED block at 0x{}", Long.toHexString(address));
            return;
        }
        stats.recordPassedOn();
        if (Kernel32.PostQueuedCompletionStatus(owner, bytes, 0L, address) == 0) {
            logger.warn("Cannot pass a completion on to its event loop: PostQueuedCompletionStatus failed: {}",
                    Win32Error.describe(Kernel32.lastError()));
        }
    }

    /**
     * A pipe of another loop gets its completions through this port from now on: the loop stays awake until
     * {@link #otherLoopsPipeGone()}. Fails once the port is closed. Any thread.
     */
    void addOtherLoopsPipe() {
        synchronized (portLock) {
            if (portClosed) {
                throw new IllegalStateException("the event loop of the server that accepted this pipe has shut "
                        + "down, and Windows cannot move the pipe to this loop's completion port: it cannot be served");
            }
            otherLoopsPipes++;
        }
        loop.execute(this::stayAwake);
    }

    /** The pipe {@link #addOtherLoopsPipe()} counted is gone. Any thread. */
    void otherLoopsPipeGone() {
        synchronized (portLock) {
            if (--otherLoopsPipes == 0 && loopStopped && !portClosed) {
                Kernel32.PostQueuedCompletionStatus(port, 0, 0L, 0L); // the relay closes the port at once
            }
        }
        loop.execute(this::maySuspend);
    }

    /**
     * One more reason to keep the loop from being suspended by Netty's auto-scaling, which suspends only a loop that
     * counts no registration: a suspended loop's thread is gone, so a completion due would wait in the port until a
     * task resumed the loop. The loop is kept with a registration of its own that does no I/O. Loop thread only.
     */
    void stayAwake() {
        if (reasonsToStayAwake++ == 0 && executor instanceof IoEventLoop
                && !((IoEventLoop) executor).isShuttingDown()) {
            // On its own thread the loop registers at once: the future is done here.
            Future<IoRegistration> f = ((IoEventLoop) executor).register(new NoIo());
            stayAwake = f.isSuccess() ? f.getNow() : null;
        }
    }

    /** One reason less; the loop may be suspended again when none is left. Loop thread only. */
    void maySuspend() {
        if (--reasonsToStayAwake == 0 && stayAwake != null) {
            IoRegistration held = stayAwake;
            stayAwake = null;
            held.cancel();
        }
    }

    /**
     * The loop has stopped and its own registrations are gone: closes the port now, or, while it carries pipes of
     * other loops, starts a relay thread that passes their completions on and closes it after the last.
     */
    void loopStopped() {
        if (closeUnlessShared()) {
            return;
        }
        Thread thread = new Thread(this::relay, "npipe-port-relay-" + RELAY_THREADS.incrementAndGet());
        thread.setDaemon(true); // a process that exits ends its pipes anyway
        OPEN_RELAYS.incrementAndGet();
        thread.start();
        logger.debug("A named-pipe event loop stopped while pipes of other loops still use its completion port; "
                + "{} passes their completions on until they close", thread.getName());
    }

    private void relay() {
        try {
            while (!closeUnlessShared()) {
                loop.passOnDequeued(RELAY_POLL_MILLIS);
            }
        } finally {
            OPEN_RELAYS.decrementAndGet();
        }
    }

    /**
     * Closes the port and frees the loop's dequeue buffers unless pipes of other loops still get their completions
     * through it; returns whether it did. Their handles stay tied to this port for good, so closing it would leave
     * them open and silent.
     */
    private boolean closeUnlessShared() {
        synchronized (portLock) {
            loopStopped = true;
            if (otherLoopsPipes > 0) {
                return false;
            }
            portClosed = true;
            closed = true;
            Win32Handle.close(port);
        }
        loop.freeDequeueBuffers();
        ownerPort.free();
        return true;
    }

    /** The handle of the stay-awake registration: no I/O, only a registration Netty counts. */
    private static final class NoIo implements NamedPipeIoHandle {
        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
        }

        @Override
        public void close() {
        }
    }
}
