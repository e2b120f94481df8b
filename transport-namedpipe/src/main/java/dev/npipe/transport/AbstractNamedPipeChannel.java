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

import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;

/**
 * What server and connected pipes share: registration with a {@link NamedPipeIoHandler}, and an Unsafe that is
 * the {@link NamedPipeIoHandle} completions are delivered to.
 */
abstract class AbstractNamedPipeChannel extends AbstractChannel {
    /** Ours, for starting operations. */
    PipeRegistration registration;
    /** The event loop's wrapper around it, which must see the cancel. */
    private IoRegistration loopRegistration;

    AbstractNamedPipeChannel(Channel parent) {
        super(parent);
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop && ((IoEventLoop) loop).isCompatible(AbstractNamedPipeUnsafe.class);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((AbstractNamedPipeUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                loopRegistration = (IoRegistration) f.getNow();
                registration = loopRegistration.attachment();
                try {
                    onRegistered();
                } catch (Throwable t) {
                    loopRegistration.cancel();
                    promise.setFailure(t);
                    return;
                }
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() {
        if (loopRegistration != null) {
            loopRegistration.cancel();
        }
    }

    /** Registered with an event loop: allocate the blocks operations need. */
    abstract void onRegistered() throws Exception;

    /** A completion for one of this channel's operations. Loop thread only. */
    abstract void complete(NamedPipeIoEvent event);

    /** The registration is gone: every Win32 handle still open must be closed now. */
    abstract void onUnregistered();

    /** A close waits for the completion of an operation in flight. */
    boolean isCloseDeferred() {
        return false;
    }

    abstract class AbstractNamedPipeUnsafe extends AbstractUnsafe implements NamedPipeIoHandle {
        @Override
        public void handle(IoRegistration registration, io.netty.channel.IoEvent event) {
            complete((NamedPipeIoEvent) event);
        }

        @Override
        public void unregistered() {
            onUnregistered();
        }

        @Override
        public void close() {
            close(voidPromise());
        }

        @Override
        public boolean isCloseDeferred() {
            return AbstractNamedPipeChannel.this.isCloseDeferred();
        }
    }
}
