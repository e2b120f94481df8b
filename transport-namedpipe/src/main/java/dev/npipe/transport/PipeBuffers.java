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

/** Native addresses of Netty's direct buffers, for handing them to ReadFile and WriteFile. */
final class PipeBuffers {
    private PipeBuffers() {
    }

    /** True when the buffer's bytes are one block of native memory that WriteFile can read directly. */
    static boolean isContiguousNative(ByteBuf buf) {
        return buf.isDirect() && (buf.hasMemoryAddress() || buf.nioBufferCount() == 1);
    }

    /** The native address of byte {@code index} of a buffer that {@link #isContiguousNative} accepts. */
    static long address(ByteBuf buf, int index, int length) {
        if (buf.hasMemoryAddress()) {
            return buf.memoryAddress() + index;
        }
        // Without sun.misc.Unsafe (Netty's default on Java 25+) ask JNA for the NIO view's address.
        return Pointer.nativeValue(Native.getDirectBufferPointer(buf.nioBuffer(index, length)));
    }
}
