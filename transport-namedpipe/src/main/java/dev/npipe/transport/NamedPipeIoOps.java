package dev.npipe.transport;

import io.netty.channel.IoOps;

/**
 * The one operation submitted through an {@link io.netty.channel.IoRegistration}: associate a pipe handle with
 * the event loop's completion port. Reads, writes and connects are started by the channel itself with the
 * registration's {@link dev.npipe.transport.win32.Overlapped} blocks.
 */
public final class NamedPipeIoOps implements IoOps {
    private final long handle;

    private NamedPipeIoOps(long handle) {
        this.handle = handle;
    }

    /** Associates {@code handle} with the completion port of the registration's event loop. */
    public static NamedPipeIoOps associate(long handle) {
        return new NamedPipeIoOps(handle);
    }

    long handle() {
        return handle;
    }
}
