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

/**
 * The state of a connected pipe channel as one bit set, written on its event loop only and readable from any
 * thread.
 */
final class ChannelState {
    /** Not closed yet. */
    static final int OPEN = 1;
    /** Connected: a server's child from the start, a client once its connect succeeded. */
    static final int ACTIVE = 1 << 1;
    /** A client's connect is in progress. */
    static final int CONNECTING = 1 << 2;
    /** No more input: the peer ended it, or {@code shutdownInput()}. */
    static final int INPUT_SHUTDOWN = 1 << 3;
    /** {@code ChannelInputShutdownReadComplete} has been fired. */
    static final int INPUT_SHUTDOWN_SEEN = 1 << 4;
    /** No more output: {@code shutdownOutput()}. */
    static final int OUTPUT_SHUTDOWN = 1 << 5;
    /** The end-of-output message waits for the write in flight. */
    static final int EOF_PENDING = 1 << 6;
    /** The end-of-output message is being written. */
    static final int EOF_IN_FLIGHT = 1 << 7;
    /** {@code read()} was asked for and nothing has been read since (Netty's readPending). */
    static final int READ_PENDING = 1 << 8;
    /** Reads delivered since the last {@code channelReadComplete}: one is owed. */
    static final int IN_READ_BATCH = 1 << 9;
    /** A read completion is being handled: {@code read()} calls from handlers wait for its end. */
    static final int HANDLING_READ = 1 << 10;
    /** Reads are handed on as message chunks ({@code READ_MODE MESSAGE}), else as plain buffers. */
    static final int MESSAGE_CHUNKS = 1 << 11;
    /**
     * The pipe is a message pipe: it is read in message mode whatever READ_MODE says (so every message, an empty
     * one too, is seen), and every buffer written is one WriteFile, never merged.
     */
    static final int MESSAGE_PIPE = 1 << 12;
    /** Written buffers are being removed, which can fire events whose flush must wait. */
    static final int REMOVING_WRITTEN = 1 << 13;
    /** {@code close()} waits for the cancelled write in flight, so its promise gets the kernel's answer. */
    static final int CLOSE_DEFERRED = 1 << 14;

    private volatile int bits;

    ChannelState(int initial) {
        bits = initial;
    }

    /** True when any of {@code mask}'s bits is set. */
    boolean is(int mask) {
        return (bits & mask) != 0;
    }

    /** Open and connected. */
    boolean isActive() {
        return (bits & (OPEN | ACTIVE)) == (OPEN | ACTIVE);
    }

    /** Sets bits; event loop only. */
    void set(int mask) {
        bits |= mask;
    }

    /** Clears bits; event loop only. */
    void clear(int mask) {
        bits &= ~mask;
    }

    @Override
    public String toString() {
        return Integer.toBinaryString(bits);
    }
}
