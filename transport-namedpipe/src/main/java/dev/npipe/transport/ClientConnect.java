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

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;

import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;

import static dev.npipe.transport.ChannelState.ACTIVE;
import static dev.npipe.transport.ChannelState.CONNECTING;

/**
 * One connect of a client {@link NamedPipeChannel}: the {@link PipeConnector} that opens the pipe, and the promise
 * Netty's connect gave, until the pipe is open, the connect failed, or the channel closed first. Loop thread only.
 */
final class ClientConnect implements PipeConnector.Outcome {
    private final NamedPipeChannel channel;
    private final ChannelState state;
    private final ChannelPromise promise;
    private PipeConnector connector;

    private ClientConnect(NamedPipeChannel channel, ChannelState state, ChannelPromise promise) {
        this.channel = channel;
        this.state = state;
        this.promise = promise;
    }

    /** Starts connecting an open client to {@code remoteAddress}, or fails {@code promise} saying why it cannot. */
    static void start(NamedPipeChannel channel, ChannelState state, SocketAddress remoteAddress,
                      ChannelPromise promise) {
        if (channel.isActive()) {
            promise.setFailure(new AlreadyConnectedException());
            return;
        }
        if (state.is(CONNECTING)) {
            promise.setFailure(new ConnectionPendingException());
            return;
        }
        if (!(remoteAddress instanceof NamedPipeAddress)) {
            promise.setFailure(new IllegalArgumentException("not a NamedPipeAddress: " + remoteAddress));
            return;
        }
        NamedPipeAddress address = (NamedPipeAddress) remoteAddress;
        ClientConnect connect = new ClientConnect(channel, state, promise);
        channel.connecting(address, connect);
        state.set(CONNECTING);
        // Left cancellable, as Netty's NIO does: cancelling stops the retries and closes the channel.
        promise.addListener(f -> {
            if (f.isCancelled()) {
                close(channel);
            }
        });
        connect.connector = new PipeConnector(channel.eventLoop(), channel.registration.handler().port(), address,
                channel.config(), connect);
        connect.connector.start();
    }

    /** The pipe is open: it is set up, and the channel is active. */
    @Override
    public void connected(PipeHandle pipe, boolean messagePipe) {
        channel.connectEnded(pipe);
        PipeSetUp.skipPortOnSuccess(channel, pipe, messagePipe);
        state.set(PipeSetUp.modeFlags(channel.config().getReadMode(), messagePipe));
        state.clear(CONNECTING);
        state.set(ACTIVE);
        if (promise.trySuccess()) {
            channel.pipeline().fireChannelActive();
        } else {
            close(channel); // cancelled meanwhile
        }
    }

    /** The connect failed: its promise fails, the channel closes. */
    @Override
    public void failed(Throwable cause) {
        channel.connectEnded(null);
        state.clear(CONNECTING);
        promise.tryFailure(cause);
        close(channel);
    }

    private static void close(Channel channel) {
        channel.unsafe().close(channel.unsafe().voidPromise());
    }

    /** The channel closed first: the retries stop, the promise fails. */
    void cancel() {
        if (connector != null) {
            connector.cancel();
        }
        promise.tryFailure(new ClosedChannelException());
    }
}
