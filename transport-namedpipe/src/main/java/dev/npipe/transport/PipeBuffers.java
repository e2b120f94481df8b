package dev.npipe.transport;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netty.buffer.ByteBuf;

/** Native addresses of Netty's direct buffers, for handing them to ReadFile and WriteFile. */
final class PipeBuffers {
    private PipeBuffers() {
    }

    /** The native address of byte {@code index} of a direct buffer. */
    static long address(ByteBuf buf, int index, int length) {
        if (buf.hasMemoryAddress()) {
            return buf.memoryAddress() + index;
        }
        // Without sun.misc.Unsafe (Netty's default on Java 25+) ask JNA for the NIO view's address.
        return Pointer.nativeValue(Native.getDirectBufferPointer(buf.nioBuffer(index, length)));
    }
}
