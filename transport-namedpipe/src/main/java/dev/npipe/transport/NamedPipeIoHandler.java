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

import io.netty.channel.Channel;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.ObjectUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link IoHandler} around one I/O completion port. It dequeues completions in batches
 * (GetQueuedCompletionStatusEx) and hands each to the channel whose {@link Overlapped} block it carries. Wake-ups
 * are posted packets, so one sent between the check and the wait is never lost.
 *
 * <p>A pipe handle stays tied to the port it was first associated with: a server's listening instance is tied to
 * the server's loop, and its child may be registered on another loop. Completions of such a child are passed on
 * to the child's port with PostQueuedCompletionStatus; the block records which port owns it.
 */
public final class NamedPipeIoHandler implements IoHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NamedPipeIoHandler.class);
    private static final long DESTROY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ThreadAwareExecutor executor;
    private final int maxCompletionsPerRun;
    private final long port;
    private final NativeBlock entries;
    private final NativeBlock removed;
    private final NativeBlock scratch;
    private final LongObjectHashMap<Overlapped> blocks = new LongObjectHashMap<>();
    private final Set<PipeRegistration> registrations = new LinkedHashSet<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final NamedPipeIoEvent event = new NamedPipeIoEvent();
    private final NamedPipeCompletionStats stats = new NamedPipeCompletionStats();
    /** Operations that finished at once (no completion was queued for them), handed on by this run. Loop only. */
    private final ArrayDeque<Overlapped> finishedAtOnce = new ArrayDeque<>();
    /** Guards the port handle against a wake-up posted while {@link #destroy()} closes it. */
    private final Object portLock = new Object();
    private boolean portClosed;
    /**
     * Channels of other loops whose completions come to this port and are passed on (their handles could not be
     * moved to their own loop's port). Guarded by {@link #portLock}: the port is closed only when none is left.
     */
    private int servedChannels;
    /** {@link #destroy()} has run: no registration is accepted any more. */
    private volatile boolean destroyCalled;
    /** Packets the last dequeue returned, wake-ups included. */
    private int lastBatch;
    /** GetQueuedCompletionStatusEx failures in a row. */
    private int failures;
    /** When the current batch of completions started to be handled, for Netty's auto-scaling. */
    private long dequeueStartNanos;
    /** Set once this port is closed: from then on no completion is passed on to other loops. */
    private volatile boolean destroyed;
    /** Keeps this loop from being suspended while it must go on dequeuing. */
    private final LoopHold hold;
    /** {@link #prepareToDestroy()} as a shutdown hook of the loop: see {@link #initialize()}. */
    private final Runnable shutdownHook = this::prepareToDestroy;
    private boolean shutdownHookAdded;

    NamedPipeIoHandler(ThreadAwareExecutor executor, int maxCompletionsPerRun) throws Win32Exception {
        NamedPipe.ensureAvailability();
        this.executor = ObjectUtil.checkNotNull(executor, "executor");
        this.maxCompletionsPerRun = ObjectUtil.checkPositive(maxCompletionsPerRun, "maxCompletionsPerRun");
        hold = new LoopHold(executor);
        port = Win32Handle.createCompletionPort();
        entries = new NativeBlock(Kernel32.OVERLAPPED_ENTRY_SIZE * maxCompletionsPerRun);
        removed = new NativeBlock(8);
        scratch = new NativeBlock(8);
    }

    /** {@return a factory for {@code new MultiThreadIoEventLoopGroup(NamedPipeIoHandler.newFactory())}} */
    public static IoHandlerFactory newFactory() {
        return newFactory(128);
    }

    /**
     * A factory whose handlers dequeue at most {@code maxCompletionsPerRun} completions per loop iteration.
     *
     * @param maxCompletionsPerRun at least 1
     * @return the factory, for {@code MultiThreadIoEventLoopGroup}
     */
    public static IoHandlerFactory newFactory(int maxCompletionsPerRun) {
        NamedPipe.ensureAvailability();
        ObjectUtil.checkPositive(maxCompletionsPerRun, "maxCompletionsPerRun");
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                try {
                    return new NamedPipeIoHandler(executor, maxCompletionsPerRun);
                } catch (Win32Exception e) {
                    throw new IllegalStateException("cannot create the completion port of a named-pipe event loop", e);
                }
            }

            /**
             * True: the handler may be run by another thread after its loop was suspended and resumed. Netty's
             * {@code SingleThreadIoEventLoop} supports suspension (auto-scaling) only when this is true; with the
             * interface's default (false) {@code trySuspend()} always refuses and an auto-scaling group never
             * scales down. Nothing here is tied to a thread: the completion port and the OVERLAPPED blocks may be
             * used from any thread, {@link #wakeup()} asks the executor which thread is its own at each call, and a
             * loop is suspended only with no registration, so no I/O of its own is in flight.
             */
            @Override
            public boolean isChangingThreadSupported() {
                return true;
            }
        };
    }

    /** {@return completions dequeued and dequeue calls made by this handler: their ratio is the average batch size} */
    public NamedPipeCompletionStats stats() {
        return stats;
    }

    long port() {
        return port;
    }

    @Override
    public int run(IoHandlerContext context) {
        int timeout = 0;
        if (context.canBlock() && finishedAtOnce.isEmpty()) {
            long deadline = context.deadlineNanos();
            timeout = deadline == -1 ? Kernel32.INFINITE : toMillis(context.delayNanos(System.nanoTime()));
        }
        if (!context.shouldReportActiveIoTime()) {
            return dequeue(timeout);
        }
        // Netty's auto-scaling wants the time spent handling I/O, not the time spent waiting for it.
        dequeueStartNanos = 0;
        int handled = dequeue(timeout);
        if (dequeueStartNanos != 0) {
            context.reportActiveIoTime(System.nanoTime() - dequeueStartNanos);
        }
        return handled;
    }

    /** OVERLAPPED_ENTRY {@code i} of the last dequeue: its lpOverlapped (0 for a wake-up). */
    private long entryOverlapped(int i) {
        return Kernel32.entryOverlapped(entries, i);
    }

    /** OVERLAPPED_ENTRY {@code i} of the last dequeue: its dwNumberOfBytesTransferred. */
    private int entryBytes(int i) {
        return Kernel32.entryBytes(entries, i);
    }

    private static int toMillis(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos + 999_999);
        return (int) Math.min(millis, Integer.MAX_VALUE - 1);
    }

    private int dequeue(int timeoutMillis) {
        int ok = Kernel32.GetQueuedCompletionStatusEx(port, entries.address(), maxCompletionsPerRun,
                removed.address(), timeoutMillis, 0);
        lastBatch = 0;
        if (ok == 0) {
            int error = Kernel32.lastError();
            if (error != Win32Error.WAIT_TIMEOUT) {
                backOffAfterFailure(error);
            }
            return deliverFinishedAtOnce();
        }
        failures = 0;
        dequeueStartNanos = System.nanoTime();
        int count = removed.view().getInt(0);
        lastBatch = count;
        stats.record(count);
        int handled = 0;
        for (int i = 0; i < count; i++) {
            long overlapped = entryOverlapped(i);
            int bytes = entryBytes(i);
            if (overlapped == 0L) {
                wakeupPending.set(false);
                continue;
            }
            handled++;
            try {
                dispatch(overlapped, bytes);
            } catch (Error e) {
                throw e;
            } catch (Throwable t) {
                logger.warn("A named-pipe completion handler threw", t);
            }
        }
        return handled + deliverFinishedAtOnce();
    }

    /**
     * Hands on the operations that finished at once before this point, as if their completions had been dequeued
     * now; those that finish at once meanwhile wait for the next run, so one busy pipe cannot hold the loop.
     */
    private int deliverFinishedAtOnce() {
        int count = finishedAtOnce.size();
        if (count > 0 && dequeueStartNanos == 0) {
            dequeueStartNanos = System.nanoTime();
        }
        for (int i = 0; i < count; i++) {
            Overlapped block = finishedAtOnce.poll();
            if (!block.isPending() || !registrations.contains((PipeRegistration) block.owner())) {
                continue; // delivered already (the loop is being destroyed)
            }
            try {
                deliver(block, block.bytesTransferred());
            } catch (Error e) {
                throw e;
            } catch (Throwable t) {
                logger.warn("A named-pipe completion handler threw", t);
            }
        }
        return count;
    }

    /**
     * GetQueuedCompletionStatusEx failed for another reason than its time-out: never retry in a hot spin. The
     * wait grows from 1 ms to 100 ms while the failures go on; the first and every 100th are logged.
     */
    private void backOffAfterFailure(int error) {
        if (failures % 100 == 0) {
            logger.warn("GetQueuedCompletionStatusEx failed ({} time(s) in a row): {}", failures + 1,
                    Win32Error.describe(error));
        }
        long millis = Math.min(1L << Math.min(failures, 7), 100);
        failures++;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(long address, int bytes) {
        Overlapped block = blocks.get(address);
        if (block == null) {
            passOn(address, bytes);
            return;
        }
        if (block.isPending() && block.isHandledBeforeItsPacket()) {
            // The packet Windows 8+ queue for a read that ended at once with a warning, handled then: it only
            // frees the block.
            block.completed();
            ((PipeRegistration) block.owner()).completionHandled();
            return;
        }
        // A packet that belongs to no operation in flight, or whose operation the kernel has not finished, is not
        // that operation's completion (a packet queued for an operation handled at once, against the rule
        // WarningCompletions measured): delivering it would free a buffer the kernel still writes into.
        if (!block.isPending() || !block.hasKernelFinished()) {
            stats.recordDropped();
            logger.warn("Dropping a completion ({} bytes) for an OVERLAPPED block with {}: {}", bytes,
                    block.isPending() ? "its operation still in the kernel" : "no operation in flight", block);
            return;
        }
        deliver(block, bytes);
    }

    /** Hands the finished operation of {@code block} to its channel; the block is free again afterwards. */
    private void deliver(Overlapped block, int bytes) {
        block.completed();
        PipeRegistration registration = (PipeRegistration) block.owner();
        int status = block.status();
        event.update(block, bytes, status == 0 ? 0 : NtDll.toWin32Error(status));
        try {
            registration.handle.handle(registration, event);
        } finally {
            event.update(null, 0, 0); // the reused event must not keep the block, and so its channel, reachable
            registration.completionHandled(); // even when the handler threw: the block is free again
        }
    }

    /** A completion of a block owned by another loop: post it to that loop's port. */
    private void passOn(long address, int bytes) {
        Kernel32.RtlMoveMemory(scratch.address(), address + Overlapped.OWNER_PORT_OFFSET, 8);
        long ownerPort = scratch.view().getLong(0);
        if (ownerPort == port || ownerPort == 0L) {
            stats.recordDropped(); // e.g. a block its stopped loop left allocated for this very packet
            logger.warn("Dropping a completion for an unknown OVERLAPPED block at 0x{}", Long.toHexString(address));
            return;
        }
        stats.recordPassedOn();
        if (Kernel32.PostQueuedCompletionStatus(ownerPort, bytes, 0L, address) == 0) {
            logger.warn("Cannot pass a completion on to its event loop: PostQueuedCompletionStatus failed: {}",
                    Win32Error.describe(Kernel32.lastError()));
        }
    }

    /**
     * Adds {@link #prepareToDestroy()} as a shutdown hook of the loop. Netty before 4.2.21 calls it only when the
     * shutdown began during an I/O run: a loop shut down by one of its own tasks went on to {@link #destroy()},
     * where no task runs any more, so its channels could not complete their close (no closeFuture, buffers and
     * promises left). The loop runs its hooks while it still runs tasks; once the loop has called it, a second call
     * finds nothing left to close.
     */
    @Override
    public void initialize() {
        if (!shutdownHookAdded && executor instanceof SingleThreadEventExecutor) {
            ((SingleThreadEventExecutor) executor).addShutdownHook(shutdownHook);
            shutdownHookAdded = true;
        }
    }

    @Override
    public void prepareToDestroy() {
        for (PipeRegistration registration : new ArrayList<>(registrations)) {
            closeQuietly(registration.handle);
        }
        // A close that waits for its cancelled write ends at that write's completion. Wait for it here, while the
        // loop still runs tasks: the close then completes as any other (promises, buffers, closeFuture, pipeline).
        awaitDeferredCloses(System.nanoTime() + DESTROY_WAIT_NANOS);
    }

    /** Delivers completions until no close waits for one, or until {@code deadline}. */
    private void awaitDeferredCloses(long deadline) {
        while (hasDeferredClose() && System.nanoTime() - deadline < 0) {
            dequeue(10);
            completeOrphans();
        }
    }

    private boolean hasDeferredClose() {
        for (PipeRegistration registration : registrations) {
            if (registration.handle.isCloseDeferred()) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(IoHandle handle) {
        try {
            handle.close();
        } catch (Exception e) {
            logger.debug("Failed to close {} while shutting down", handle, e);
        }
    }

    @Override
    public void destroy() {
        if (destroyCalled) {
            return;
        }
        destroyCalled = true;
        long deadline = System.nanoTime() + DESTROY_WAIT_NANOS;
        // A close deferred since prepareToDestroy() (or with none: the loop was shut down from a task) completes at
        // its write's completion, as it promised; only what it would schedule next is refused now.
        awaitDeferredCloses(deadline);
        // The loop runs no more tasks now: a full close would try to schedule its deregistration and be refused.
        // Close what is still registered without pipeline events, and cancel the registrations here.
        for (PipeRegistration registration : new ArrayList<>(registrations)) {
            if (registration.handle instanceof Channel.Unsafe) {
                ((Channel.Unsafe) registration.handle).closeForcibly();
            } else {
                closeQuietly(registration.handle);
            }
            registration.cancel();
        }
        while (!registrations.isEmpty() && System.nanoTime() - deadline < 0) {
            dequeue(10);
            completeOrphans();
        }
        for (PipeRegistration registration : new ArrayList<>(registrations)) {
            registration.completeFinished();
        }
        for (PipeRegistration registration : new ArrayList<>(registrations)) {
            logger.warn("{} still had I/O in flight when its event loop stopped", registration.handle);
            registration.abandon();
        }
        if (!closePortUnlessServing()) {
            PortRelay.start(this);
        }
    }

    /**
     * Closes the port and frees the dequeue buffers unless channels of other loops still get their completions
     * through it; returns whether it did. Their handles stay tied to this port for good (Wine, Windows before 8.1),
     * so closing it would leave them open and silent.
     */
    boolean closePortUnlessServing() {
        synchronized (portLock) {
            if (servedChannels > 0) {
                return false;
            }
            portClosed = true;
            destroyed = true;
            Win32Handle.close(port);
        }
        entries.free();
        removed.free();
        scratch.free();
        return true;
    }

    /**
     * After the loop has stopped: passes on what this port dequeues within {@code timeoutMillis} to the loops that
     * own it. Only the relay thread calls this, once the loop's own registrations are all gone.
     */
    void passOnDequeued(int timeoutMillis) {
        int ok = Kernel32.GetQueuedCompletionStatusEx(port, entries.address(), maxCompletionsPerRun,
                removed.address(), timeoutMillis, 0);
        if (ok == 0) {
            return;
        }
        int count = removed.view().getInt(0);
        for (int i = 0; i < count; i++) {
            long overlapped = entryOverlapped(i);
            if (overlapped != 0L && !blocks.containsKey(overlapped)) {
                passOn(overlapped, entryBytes(i));
            }
        }
    }

    /**
     * Completions of a handle that another loop's port serves come to us only while that loop runs; once it has
     * stopped, what the kernel finished is delivered from the blocks, instead of waiting out the drain.
     */
    private void completeOrphans() {
        boolean drained = false;
        for (PipeRegistration registration : new ArrayList<>(registrations)) {
            if (registration.isServedByStoppedLoop()) {
                if (!drained) {
                    // The stopped loop may have passed completions on to us before it stopped: dequeue them all
                    // first, or a block freed below would be read again when its queued packet comes out.
                    do {
                        dequeue(0);
                    } while (lastBatch > 0);
                    drained = true;
                }
                if (registrations.contains(registration)) {
                    registration.completeFinished();
                }
            }
        }
    }

    @Override
    public IoRegistration register(IoHandle handle) {
        if (!(handle instanceof NamedPipeIoHandle)) {
            throw new IllegalArgumentException("not a NamedPipeIoHandle: " + handle);
        }
        if (destroyCalled) {
            throw new IllegalStateException("the named-pipe event loop was shut down");
        }
        PipeRegistration registration = new PipeRegistration(this, (NamedPipeIoHandle) handle);
        registrations.add(registration);
        handle.registered();
        return registration;
    }

    /** Runs {@code action} on this loop (it is resumed if suspended); nothing when the loop has shut down. */
    private void onLoop(Runnable action) {
        try {
            executor.execute(action);
        } catch (RejectedExecutionException e) {
            logger.debug("The named-pipe event loop has shut down", e);
        }
    }

    @Override
    public void wakeup() {
        if (executor.isExecutorThread(Thread.currentThread()) || !wakeupPending.compareAndSet(false, true)) {
            return;
        }
        // Netty may wake a loop whose handler was destroyed: never post to a closed port's (reusable) handle value.
        synchronized (portLock) {
            if (portClosed) {
                return;
            }
            if (Kernel32.PostQueuedCompletionStatus(port, 0, 0L, 0L) == 0) {
                wakeupPending.set(false);
                logger.warn("Wake-up failed: PostQueuedCompletionStatus: {}",
                        Win32Error.describe(Kernel32.lastError()));
            }
        }
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return NamedPipeIoHandle.class.isAssignableFrom(handleType);
    }

    // What a registration (PipeRegistration) needs of its loop. Loop thread, unless said otherwise.

    /** A new block owned by {@code owner}, found again by its address when its completion is dequeued. */
    Overlapped newBlock(PipeRegistration owner) {
        Overlapped block = new Overlapped(port, owner);
        blocks.put(block.address(), block);
        return block;
    }

    void freeBlock(Overlapped block) {
        blocks.remove(block.address());
        block.free();
    }

    /**
     * Forgets a block the kernel or another loop's port may still use, without freeing it: from now on a packet for
     * it is dropped by every loop (its owner port reads 0), and its memory stays allocated for good.
     */
    void forgetBlock(Overlapped block) {
        blocks.remove(block.address());
        block.forgetOwnerPort();
        logger.warn("An OVERLAPPED block of {} is left allocated: its completion may still come after its loop "
                + "stopped", block.owner());
    }

    /** An operation finished at once: handed on in this run or the next, as if dequeued. */
    void completeLater(Overlapped block) {
        stats.recordFinishedAtOnce();
        finishedAtOnce.add(block);
    }

    /** An operation finished at once and its owner handled it there and then. */
    void completedAtOnce(Overlapped block) {
        stats.recordFinishedAtOnce();
        block.completed();
    }

    /** An operation finished at once and its owner handled it there and then; its packet still comes. */
    void handledBeforeItsPacket(Overlapped block) {
        stats.recordFinishedAtOnce();
        block.handledBeforeItsPacket();
    }

    boolean isRegistered(PipeRegistration registration) {
        return registrations.contains(registration);
    }

    /** Forgets a registration; false if it was forgotten already. */
    boolean unregister(PipeRegistration registration) {
        return registrations.remove(registration);
    }

    /** Runs {@code action} now when called on this loop, else on the loop soon. Any thread. */
    void runOnLoop(Runnable action) {
        if (executor.isExecutorThread(Thread.currentThread())) {
            action.run();
        } else {
            executor.execute(action);
        }
    }

    LoopHold hold() {
        return hold;
    }

    /** Whether this loop's port is closed: the loop has stopped, and its relay too. Any thread. */
    boolean isDestroyed() {
        return destroyed;
    }

    /** Hands an operation the kernel finished, whose completion never reached a port, to its channel. */
    void deliverFinished(Overlapped block) {
        try {
            deliver(block, block.bytesTransferred());
        } catch (Throwable t) {
            logger.warn("A named-pipe completion handler threw", t);
        }
    }

    /**
     * Records that a channel of another loop gets its completions through this port: this loop is held (never
     * suspended) until {@link #stopServingChannel()}. Fails once the port is closed. Any thread.
     */
    void serveChannel() {
        synchronized (portLock) {
            if (portClosed) {
                throw new IllegalStateException("the event loop of the server that accepted this pipe has shut "
                        + "down, and Windows cannot move the pipe to this loop's completion port: it cannot be served");
            }
            servedChannels++;
        }
        onLoop(hold::acquire);
    }

    /** The channel {@link #serveChannel()} counted is gone. Any thread. */
    void stopServingChannel() {
        synchronized (portLock) {
            if (--servedChannels == 0 && destroyCalled && !portClosed) {
                Kernel32.PostQueuedCompletionStatus(port, 0, 0L, 0L); // the relay closes the port at once
            }
        }
        onLoop(hold::release);
    }
}
