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

import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;

import java.nio.channels.ClosedChannelException;

/**
 * One connect of a client {@link NamedPipeChannel}: the {@link PipeConnector} that opens the pipe, and the promise
 * Netty's connect gave, until the pipe is open, the connect failed, or the channel closed first. Loop thread only.
 */
final class ClientConnect implements PipeConnector.Outcome {
    private final NamedPipeChannel channel;
    private final ChannelPromise promise;
    private PipeConnector connector;

    ClientConnect(NamedPipeChannel channel, ChannelPromise promise) {
        this.channel = channel;
        this.promise = promise;
    }

    void start(EventLoop loop, long port, NamedPipeAddress address, NamedPipeChannelConfig config) {
        connector = new PipeConnector(loop, port, address, config, this);
        connector.start();
    }

    @Override
    public void connected(PipeHandle pipe, boolean messagePipe) {
        channel.connected(pipe, messagePipe, promise);
    }

    @Override
    public void failed(Throwable cause) {
        channel.connectFailed(promise, cause);
    }

    /** The channel closed first: the retries stop, the promise fails. */
    void cancel() {
        if (connector != null) {
            connector.cancel();
        }
        promise.tryFailure(new ClosedChannelException());
    }
}
