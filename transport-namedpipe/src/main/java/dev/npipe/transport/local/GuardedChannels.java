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
package dev.npipe.transport.local;

import dev.npipe.transport.NamedPipeChannelOption;
import dev.npipe.transport.NamedPipeMode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ServerChannel;

import java.net.SocketAddress;
import java.nio.file.Path;

/**
 * Channel factories for bootstraps that a {@link LocalPipeTransport} does not run itself (grpc-netty's, for one):
 * the guard each channel gets first in its pipeline does at {@code bind} or {@code connect} what
 * {@code LocalPipeTransport.bind/connect} add around a bootstrap, with the same code ({@link SocketBinding},
 * {@link AbsentServer}).
 */
final class GuardedChannels {
    static final String GUARD_NAME = "npipe-local-guard";

    private GuardedChannels() {
    }

    static ChannelFactory<ServerChannel> serverFactory(LocalPipeTransport transport, String name) {
        SocketAddress address = transport.address(name);
        Path file = transport.socketFile(name).orElse(null);
        Class<? extends ServerChannel> type = transport.serverChannelClass();
        return new NamedFactory<>(type, () -> {
            ServerChannel channel = newInstance(type);
            if (file == null) {
                if (transport.mode() == NamedPipeMode.MESSAGE) {
                    channel.config().setOption(NamedPipeChannelOption.PIPE_MODE, NamedPipeMode.MESSAGE);
                }
            } else {
                channel.pipeline().addFirst(GUARD_NAME, new BindGuard(name, address,
                        transport.socketDirectory().orElseThrow(), file));
            }
            return channel;
        });
    }

    static ChannelFactory<Channel> clientFactory(LocalPipeTransport transport, String name) {
        SocketAddress address = transport.address(name);
        Path file = transport.socketFile(name).orElse(null);
        Class<? extends Channel> type = transport.channelClass();
        return new NamedFactory<>(type, () -> {
            Channel channel = newInstance(type);
            if (file == null) {
                if (transport.mode() == NamedPipeMode.MESSAGE) {
                    channel.config().setOption(NamedPipeChannelOption.READ_MODE, NamedPipeMode.MESSAGE);
                }
                // The transport's connect policy (fail fast unless told to wait); a bootstrap option still wins.
                channel.config().setOption(NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS,
                        (int) transport.serverWait().toMillis());
            }
            channel.pipeline().addFirst(GUARD_NAME, new ConnectGuard(name, address,
                    transport.socketDirectory().orElse(null), file));
            return channel;
        });
    }

    private static <C extends Channel> C newInstance(Class<C> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a " + type.getName(), e);
        }
    }

    /** Fails an operation on an address other than the one the factory was made for: its checks would not fit. */
    private static boolean refuseOtherAddress(String name, SocketAddress expected, SocketAddress actual,
                                              ChannelPromise promise) {
        if (expected.equals(actual)) {
            return false;
        }
        promise.setFailure(new IllegalArgumentException("this channel was made for the local pipe " + name + " (" + expected
                + "), not for " + actual + ": use the factory of that name, or transport.address(" + name + ")"));
        return true;
    }

    /** Sockets only: the directory made or checked and a stale file removed before the bind, the socket 0600 after. */
    private static final class BindGuard extends ChannelOutboundHandlerAdapter {
        private final String name;
        private final SocketAddress address;
        private final Path directory;
        private final Path file;

        BindGuard(String name, SocketAddress address, Path directory, Path file) {
            this.name = name;
            this.address = address;
            this.directory = directory;
            this.file = file;
        }

        @Override
        public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
            if (refuseOtherAddress(name, address, localAddress, promise)) {
                return;
            }
            try {
                SocketBinding.beforeBind(directory, file);
            } catch (Exception e) {
                promise.setFailure(e);
                return;
            }
            ChannelPromise bound = ctx.newPromise();
            bound.addListener(f -> SocketBinding.afterBind(f, ctx.channel(), file, promise));
            ctx.bind(localAddress, bound);
        }
    }

    /**
     * The directory checked before a socket connect; on every kind an absent server's failure said as
     * {@code LocalPipeTransport.connect} says it.
     */
    private static final class ConnectGuard extends ChannelOutboundHandlerAdapter {
        private final String name;
        private final SocketAddress address;
        private final Path directory;
        private final Path file;

        ConnectGuard(String name, SocketAddress address, Path directory, Path file) {
            this.name = name;
            this.address = address;
            this.directory = directory;
            this.file = file;
        }

        @Override
        public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                            ChannelPromise promise) {
            if (refuseOtherAddress(name, address, remoteAddress, promise)) {
                return;
            }
            if (directory != null) {
                Throwable refused = SocketBinding.beforeConnect(name, address, directory);
                if (refused != null) {
                    promise.setFailure(refused);
                    return;
                }
            }
            ChannelPromise connect = ctx.newPromise();
            ChannelFuture explained = AbsentServer.explain(connect, name, address, file);
            explained.addListener(f -> {
                if (f.isSuccess()) {
                    promise.trySuccess();
                } else if (f.isCancelled()) {
                    promise.cancel(false);
                } else {
                    promise.tryFailure(f.cause());
                }
            });
            promise.addListener(f -> {
                if (f.isCancelled()) {
                    explained.cancel(false);
                }
            });
            ctx.connect(remoteAddress, localAddress, connect);
        }
    }

    /** A factory whose {@code toString()} names the channel type, as Netty's own {@code ReflectiveChannelFactory}. */
    private static final class NamedFactory<C extends Channel> implements ChannelFactory<C> {
        private final Class<?> type;
        private final ChannelFactory<C> delegate;

        NamedFactory(Class<?> type, ChannelFactory<C> delegate) {
            this.type = type;
            this.delegate = delegate;
        }

        @Override
        public C newChannel() {
            return delegate.newChannel();
        }

        @Override
        public String toString() {
            return type.getSimpleName() + ".class (guarded by npipe's local transport)";
        }
    }
}
