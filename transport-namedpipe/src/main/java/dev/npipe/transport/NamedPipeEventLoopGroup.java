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

import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.util.concurrent.ThreadFactory;

/**
 * Event loops for named-pipe channels, each owning one I/O completion port: a convenience for
 * {@code new MultiThreadIoEventLoopGroup(n, NamedPipeIoHandler.newFactory())}, which is the Netty 4.2 way and does
 * the same.
 */
public final class NamedPipeEventLoopGroup extends MultiThreadIoEventLoopGroup {
    /** As many loops as Netty's default (twice the processors, or {@code io.netty.eventLoopThreads}). */
    public NamedPipeEventLoopGroup() {
        this(0);
    }

    /**
     * {@code nThreads} loops; 0 for Netty's default.
     *
     * @param nThreads the number of loops, 0 for Netty's default
     */
    public NamedPipeEventLoopGroup(int nThreads) {
        super(nThreads, NamedPipeIoHandler.newFactory());
    }

    /**
     * {@code nThreads} loops whose threads come from {@code threadFactory}.
     *
     * @param nThreads the number of loops, 0 for Netty's default
     * @param threadFactory makes the loops' threads
     */
    public NamedPipeEventLoopGroup(int nThreads, ThreadFactory threadFactory) {
        super(nThreads, threadFactory, NamedPipeIoHandler.newFactory());
    }
}
