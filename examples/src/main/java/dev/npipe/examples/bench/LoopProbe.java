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
package dev.npipe.examples.bench;

import dev.npipe.transport.NamedPipeIoHandler;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A named-pipe event loop group whose threads and handlers are known, so a run can read what its loops allocated
 * (HotSpot's per-thread allocation counters) and how many completions each dequeue returned.
 */
final class LoopProbe implements AutoCloseable {
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<NamedPipeIoHandler> handlers = new CopyOnWriteArrayList<>();
    private final MultiThreadIoEventLoopGroup group;

    LoopProbe(String name, int nThreads) {
        ThreadFactory base = new DefaultThreadFactory(name, true);
        ThreadFactory recording = task -> {
            Thread t = base.newThread(task);
            threads.add(t);
            return t;
        };
        IoHandlerFactory pipes = NamedPipeIoHandler.newFactory();
        IoHandlerFactory recordingHandlers = executor -> {
            IoHandler handler = pipes.newHandler(executor);
            handlers.add((NamedPipeIoHandler) handler);
            return handler;
        };
        group = new MultiThreadIoEventLoopGroup(nThreads, recording, recordingHandlers);
    }

    MultiThreadIoEventLoopGroup group() {
        return group;
    }

    /** Allocation and completion counters of all loops, now. */
    Sample sample() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = 0;
        for (Thread t : threads) {
            long bytes = mx.getThreadAllocatedBytes(t.getId());
            allocated += Math.max(0, bytes);
        }
        long completions = 0;
        long batches = 0;
        long passedOn = 0;
        long atOnce = 0;
        for (NamedPipeIoHandler h : handlers) {
            completions += h.stats().completions();
            batches += h.stats().batches();
            passedOn += h.stats().passedOn();
            atOnce += h.stats().finishedAtOnce();
        }
        return new Sample(allocated, completions, batches, passedOn, atOnce);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Counters at one moment; differences of two samples describe the time between. */
    record Sample(long allocatedBytes, long completions, long batches, long passedOn, long finishedAtOnce) {
        Sample plus(Sample other) {
            return new Sample(allocatedBytes + other.allocatedBytes, completions + other.completions,
                    batches + other.batches, passedOn + other.passedOn, finishedAtOnce + other.finishedAtOnce);
        }

        Sample minus(Sample earlier) {
            return new Sample(allocatedBytes - earlier.allocatedBytes, completions - earlier.completions,
                    batches - earlier.batches, passedOn - earlier.passedOn, finishedAtOnce - earlier.finishedAtOnce);
        }

        /** Operations finished at once (dequeues saved) per message, or NaN. */
        double atOncePer(long messages) {
            return messages == 0 ? Double.NaN : (double) finishedAtOnce / messages;
        }

        double batchSize() {
            return batches == 0 ? Double.NaN : (double) completions / batches;
        }
    }
}
