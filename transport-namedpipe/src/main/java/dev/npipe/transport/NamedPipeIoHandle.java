package dev.npipe.transport;

import io.netty.channel.IoHandle;

/** An {@link IoHandle} that a {@link NamedPipeIoHandler} can serve: the channels' Unsafe implements it. */
interface NamedPipeIoHandle extends IoHandle {
}
