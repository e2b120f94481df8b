package dev.npipe.transport;

import io.netty.channel.IoHandle;

/** An {@link IoHandle} that a {@link NamedPipeIoHandler} can serve: the channels' Unsafe implements it. */
public interface NamedPipeIoHandle extends IoHandle {
}
