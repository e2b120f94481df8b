package dev.npipe.transport;

import io.netty.channel.IoHandle;

/** An {@link IoHandle} that a {@link NamedPipeIoHandler} can serve: the channels' Unsafe implements it. */
interface NamedPipeIoHandle extends IoHandle {
    /** A close waits for the completion of an operation in flight: its loop must deliver that before it stops. */
    default boolean isCloseDeferred() {
        return false;
    }
}
