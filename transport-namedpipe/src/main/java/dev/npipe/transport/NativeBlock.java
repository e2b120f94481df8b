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

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A zeroed block of native memory with a little-endian {@link ByteBuffer} view, so Java code reads and writes it
 * without JNI calls or allocation. Freed exactly once, and only by its owner. Also the native addresses of Netty's
 * direct buffers, which reads and writes hand to Windows.
 */
class NativeBlock {
    private final long address;
    private final ByteBuffer view;
    private boolean freed;

    NativeBlock(int size) {
        address = Native.malloc(size);
        if (address == 0L) {
            throw new OutOfMemoryError("native block of " + size + " bytes");
        }
        NativeResources.blockAllocated();
        view = new Pointer(address).getByteBuffer(0, size).order(ByteOrder.LITTLE_ENDIAN);
        clear();
    }

    /** The block's native address. */
    final long address() {
        return address;
    }

    /** The block seen from Java; absolute gets and puts only. */
    final ByteBuffer view() {
        return view;
    }

    /** Zeroes the whole block. */
    final void clear() {
        for (int i = 0; i + 8 <= view.capacity(); i += 8) {
            view.putLong(i, 0L);
        }
    }

    /** Frees the memory; later calls do nothing. */
    final void free() {
        if (!freed) {
            freed = true;
            Native.free(address);
            NativeResources.blockFreed();
        }
    }

    /** Keeps the memory allocated for good (it is never freed): see {@link NativeResources#keptBlocks()}. */
    final void keepForGood() {
        if (!freed) {
            freed = true; // never freed now, by anyone
            NativeResources.blockKept();
        }
    }

    final boolean isFreed() {
        return freed;
    }

    /** True when the buffer's bytes are one block of native memory that ReadFile and WriteFile can use directly. */
    static boolean isContiguousNative(ByteBuf buf) {
        return buf.isDirect() && (buf.hasMemoryAddress() || buf.nioBufferCount() == 1);
    }

    /** The native address of byte {@code index} of a buffer that {@link #isContiguousNative} accepts. */
    static long addressOf(ByteBuf buf, int index, int length) {
        if (buf.hasMemoryAddress()) {
            return buf.memoryAddress() + index;
        }
        // Without sun.misc.Unsafe (Netty's default on Java 25+) ask JNA for the NIO view's address.
        return Pointer.nativeValue(Native.getDirectBufferPointer(buf.nioBuffer(index, length)));
    }

    /**
     * {@return a block for the out-parameters of one call, freed when its try-with-resources ends} Never for an
     * OVERLAPPED block: the kernel may use that one after the call returns.
     */
    static Scoped scoped(int size) {
        return new Scoped(size);
    }

    /** A {@link #scoped(int)} block: {@link #close()} frees it. */
    static final class Scoped extends NativeBlock implements AutoCloseable {
        private Scoped(int size) {
            super(size);
        }

        @Override
        public void close() {
            free();
        }
    }
}
