package dev.npipe.transport;

import dev.npipe.transport.win32.Overlapped;
import io.netty.channel.IoEvent;

/**
 * One dequeued completion: which operation (its {@link Overlapped} block), how many bytes it moved and its Win32
 * error (0 for success). The handler reuses one instance; a handle must not keep it after
 * {@link NamedPipeIoHandle#handle} returns.
 */
final class NamedPipeIoEvent implements IoEvent {
    private Overlapped overlapped;
    private int bytes;
    private int error;

    void update(Overlapped overlapped, int bytes, int error) {
        this.overlapped = overlapped;
        this.bytes = bytes;
        this.error = error;
    }

    /** The block of the operation that completed. */
    Overlapped overlapped() {
        return overlapped;
    }

    /** Bytes transferred. */
    int bytes() {
        return bytes;
    }

    /** The Win32 error of the operation, 0 on success. */
    int error() {
        return error;
    }

    @Override
    public String toString() {
        return "NamedPipeIoEvent(bytes=" + bytes + ", error=" + error + ')';
    }
}
