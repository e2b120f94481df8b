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
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link IoHandler} around one I/O completion port. It dequeues completions in batches
 * (GetQueuedCompletionStatusEx) and hands each to the channel whose {@link Overlapped} block it carries. Wake-ups
 * are posted packets, so one sent between the check and the wait is never lost.
 *
 * <p>A completion whose block belongs to another loop (a server child whose handle could not move to its own
 * loop's port) is passed on by {@link PortSharing}, which also decides when the port is closed.
 */
public final class NamedPipeIoHandler implements IoHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NamedPipeIoHandler.class);

    private final ThreadAwareExecutor executor;
    private final int maxCompletionsPerRun;
    private final long port;
    private final NativeBlock entries;
    private final NativeBlock removed;
    private final LongObjectHashMap<Overlapped> blocks = new LongObjectHashMap<>();
    private final Set<PipeRegistration> registrations = new LinkedHashSet<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final NamedPipeIoEvent event = new NamedPipeIoEvent();
    private final NamedPipeCompletionStats stats = new NamedPipeCompletionStats();
    /** Operations that finished at once (no completion was queued for them), handed on by this run. Loop only. */
    private final ArrayDeque<Overlapped> finishedAtOnceList = new ArrayDeque<>();
    /** {@link #destroy()} has run: no registration is accepted any more. */
    private volatile boolean destroyCalled;
    /** Packets the last dequeue returned, wake-ups included. */
    private int lastBatch;
    /** GetQueuedCompletionStatusEx failures in a row. */
    private int failures;
    /** When the current batch of completions started to be handled, for Netty's auto-scaling. */
    private long dequeueStartNanos;
    /** Passes completions on to other loops, keeps this loop awake for them, closes the port. */
    private final PortSharing sharing;
    /** What prepareToDestroy() and destroy() do with the registrations still there. */
    private final LoopShutdown shutdown = new LoopShutdown(this);
    /** {@link #prepareToDestroy()} as a shutdown hook of the loop: see {@link #initialize()}. */
    private final Runnable shutdownHook = this::prepareToDestroy;
    private boolean shutdownHookAdded;

    NamedPipeIoHandler(ThreadAwareExecutor executor, int maxCompletionsPerRun) throws Win32Exception {
        NamedPipe.ensureAvailability();
        this.executor = ObjectUtil.checkNotNull(executor, "executor");
        this.maxCompletionsPerRun = ObjectUtil.checkPositive(maxCompletionsPerRun, "maxCompletionsPerRun");
        port = Win32Handle.createCompletionPort();
        sharing = new PortSharing(this, executor, port, stats);
        entries = new NativeBlock(Kernel32.OVERLAPPED_ENTRY_SIZE * maxCompletionsPerRun);
        removed = new NativeBlock(8);
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
        if (context.canBlock() && finishedAtOnceList.isEmpty()) {
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

    /** One GetQueuedCompletionStatusEx into {@link #entries}: the count of entries, or -1 with the call's error. */
    private int dequeueBatch(int timeoutMillis) {
        stats.recordDequeueCall();
        int ok = Kernel32.GetQueuedCompletionStatusEx(port, entries.address(), maxCompletionsPerRun,
                removed.address(), timeoutMillis, 0);
        return ok == 0 ? -1 : removed.view().getInt(0);
    }

    /** Dequeues and dispatches one batch (waiting up to {@code timeoutMillis}); {@return the completions handled} */
    int dequeue(int timeoutMillis) {
        int count = dequeueBatch(timeoutMillis);
        lastBatch = 0;
        if (count < 0) {
            int error = Kernel32.lastError();
            if (error != Win32Error.WAIT_TIMEOUT) {
                backOffAfterFailure(error);
            }
            return completeFinishedAtOnce();
        }
        failures = 0;
        dequeueStartNanos = System.nanoTime();
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
            dispatch(overlapped, bytes);
        }
        return handled + completeFinishedAtOnce();
    }

    /**
     * Hands on the operations that finished at once before this point, as if their completions had been dequeued
     * now; those that finish at once meanwhile wait for the next run, so one busy pipe cannot hold the loop (a
     * writer goes on inline from a completion only up to its write spin count, see {@link PipeWriter#complete}).
     */
    private int completeFinishedAtOnce() {
        int count = finishedAtOnceList.size();
        if (count > 0 && dequeueStartNanos == 0) {
            dequeueStartNanos = System.nanoTime();
        }
        for (int i = 0; i < count; i++) {
            Overlapped block = finishedAtOnceList.poll();
            if (!block.isPending() || !registrations.contains((PipeRegistration) block.owner())) {
                continue; // delivered already (the loop is being destroyed)
            }
            complete(block, block.bytesTransferred());
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
            sharing.passOn(address, bytes);
            return;
        }
        if (block.isPending() && block.isHandledBeforeItsPacket()) {
            // The packet Windows 8+ queue for a read that ended at once with a warning, handled then: it only
            // frees the block.
            block.markFree();
            ((PipeRegistration) block.owner()).afterCompletion();
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
        complete(block, bytes);
    }

    /**
     * Hands the finished operation of {@code block} to its channel; the block is free again afterwards. The one
     * guard of a channel's completion handler: what it throws is logged and the loop goes on, an Error is not caught.
     */
    private void complete(Overlapped block, int bytes) {
        block.markFree();
        PipeRegistration registration = (PipeRegistration) block.owner();
        int status = block.status();
        event.update(block, bytes, status == 0 ? 0 : NtDll.toWin32Error(status));
        try {
            registration.handle.handle(registration, event);
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            logger.warn("A named-pipe completion handler threw", t);
        } finally {
            event.update(null, 0, 0); // the reused event must not keep the block, and so its channel, reachable
            registration.afterCompletion(); // even when the handler threw: the block is free again
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
        shutdown.closeAll();
    }

    @Override
    public void destroy() {
        if (destroyCalled) {
            return;
        }
        destroyCalled = true;
        shutdown.finish();
        sharing.loopStopped();
    }

    /** The port is closed: the dequeue buffers go. Called once, by {@link PortSharing}. */
    void freeDequeueBuffers() {
        entries.free();
        removed.free();
    }

    /**
     * After the loop has stopped: passes on what this port dequeues within {@code timeoutMillis} to the loops that
     * own it. Only the relay thread calls this, once the loop's own registrations are all gone.
     */
    void passOnDequeued(int timeoutMillis) {
        int count = dequeueBatch(timeoutMillis);
        for (int i = 0; i < count; i++) {
            long overlapped = entryOverlapped(i);
            if (overlapped != 0L && !blocks.containsKey(overlapped)) {
                sharing.passOn(overlapped, entryBytes(i));
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

    @Override
    public void wakeup() {
        if (executor.isExecutorThread(Thread.currentThread()) || !wakeupPending.compareAndSet(false, true)) {
            return;
        }
        // Netty may wake a loop whose handler was destroyed: the post is skipped once the port is closed.
        if (!sharing.postWakeup()) {
            wakeupPending.set(false);
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
    void finishedAtOnce(Overlapped block) {
        stats.recordFinishedAtOnce();
        finishedAtOnceList.add(block);
    }

    /** An operation finished at once and its owner handled it there and then. */
    void handledAtOnce(Overlapped block) {
        stats.recordFinishedAtOnce();
        block.markFree();
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

    /** Runs {@code task} on this loop, by {@link LoopTasks#runOnLoop}'s policy. Any thread. */
    boolean execute(Runnable task) {
        return LoopTasks.runOnLoop(executor, task);
    }

    PortSharing sharing() {
        return sharing;
    }

    /** The registrations of this loop, for {@link LoopShutdown}. Loop thread only. */
    Set<PipeRegistration> registrations() {
        return registrations;
    }

    /** {@return the packets the last dequeue returned, wake-ups included} Loop thread only. */
    int lastBatch() {
        return lastBatch;
    }

    /** Hands an operation the kernel finished, whose completion never reached a port, to its channel. */
    void completeWithoutPacket(Overlapped block) {
        complete(block, block.bytesTransferred());
    }
}
