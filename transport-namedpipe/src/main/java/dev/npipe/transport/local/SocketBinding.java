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

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Binds and connects Unix domain sockets the way {@link LocalPipeTransport} promises: the directory checked (and
 * made, by a server), a stale socket file replaced, the bound socket made private. Every failure comes back in the
 * returned future, as with a plain bootstrap.
 */
final class SocketBinding {
    /** Netty's default {@code CONNECT_TIMEOUT_MILLIS}, which every channel config starts with. */
    private static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 30_000;

    private SocketBinding() {
    }

    static ChannelFuture bind(ServerBootstrap bootstrap, SocketAddress address, Path directory, Path file) {
        try {
            beforeBind(directory, file);
        } catch (IOException e) {
            return failed(bootstrap, e);
        }
        ChannelFuture bound = bootstrap.bind(address);
        ChannelPromise result = bound.channel().newPromise();
        bound.addListener(f -> afterBind(f, bound.channel(), file, result));
        return result;
    }

    /** What a bind needs first: the directory made (0700) or checked, a stale socket file removed. */
    static void beforeBind(Path directory, Path file) throws IOException {
        SocketDirectory.createPrivate(directory);
        SocketDirectory.removeStaleSocket(file);
    }

    /** Completes {@code result} with the bind's outcome, once the bound socket is made private. */
    static void afterBind(Future<?> bind, Channel channel, Path file, ChannelPromise result) {
        if (!bind.isSuccess()) {
            result.setFailure(bind.cause());
            return;
        }
        try {
            SocketDirectory.restrictSocket(file);
            result.setSuccess();
        } catch (IOException | RuntimeException e) {
            channel.close();
            result.setFailure(new IOException("cannot make " + file + " private (0600)", e));
        }
    }

    /**
     * Why a client must not connect to {@code directory}'s sockets now (no directory, or not this user's and
     * private), or {@code null} if it may.
     */
    static Throwable beforeConnect(String name, SocketAddress address, Path directory) {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return noDirectory(name, address, directory);
        }
        try {
            SocketDirectory.checkPrivate(directory);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    static ChannelFuture connect(Bootstrap bootstrap, String name, SocketAddress address, Path directory,
                                 Path file, long waitMillis) {
        if (waitMillis > 0) {
            return new ServerWait(bootstrap, name, address, directory, file, boundedWait(bootstrap, waitMillis))
                    .start();
        }
        Throwable refused = beforeConnect(name, address, directory);
        if (refused != null) {
            return failed(bootstrap, refused);
        }
        return AbsentServer.explain(bootstrap.connect(address), name, address, file);
    }

    /** The wait for a server, never beyond the bootstrap's connect time-out (0: none, as in Netty). */
    static long boundedWait(AbstractBootstrap<?, ?> bootstrap, long waitMillis) {
        Object timeout = bootstrap.config().options().get(ChannelOption.CONNECT_TIMEOUT_MILLIS);
        int connectTimeout = timeout instanceof Integer ? (Integer) timeout : DEFAULT_CONNECT_TIMEOUT_MILLIS;
        return connectTimeout > 0 ? Math.min(waitMillis, connectTimeout) : waitMillis;
    }

    private static ConnectException noDirectory(String name, SocketAddress address, Path directory) {
        return AbsentServer.failure(name, address, "the socket directory does not exist",
                new NoSuchFileException(directory.toString()));
    }

    /**
     * A connect that waits for the socket file to appear: the channel is registered (and its handlers added) at
     * once, and connected once, when the file is there; until then the file is looked for from the channel's event
     * loop with a growing back-off, never blocking it.
     */
    private static final class ServerWait {
        private static final long FIRST_BACKOFF_MILLIS = 1;
        private static final long MAX_BACKOFF_MILLIS = 50;

        private final Bootstrap bootstrap;
        private final String name;
        private final SocketAddress address;
        private final Path directory;
        private final Path file;
        private final long deadlineNanos;
        private long backoffMillis = FIRST_BACKOFF_MILLIS;
        private ChannelPromise result;

        ServerWait(Bootstrap bootstrap, String name, SocketAddress address, Path directory, Path file,
                   long waitMillis) {
            this.bootstrap = bootstrap;
            this.name = name;
            this.address = address;
            this.directory = directory;
            this.file = file;
            this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        }

        ChannelFuture start() {
            ChannelFuture registered = bootstrap.register();
            Channel channel = registered.channel();
            result = channel.newPromise();
            registered.addListener(f -> {
                if (f.isSuccess()) {
                    attempt(channel);
                } else {
                    result.tryFailure(f.cause());
                }
            });
            // Cancelling the future ends the wait, and the channel with it.
            result.addListener(f -> {
                if (f.isCancelled()) {
                    channel.close();
                }
            });
            return result;
        }

        /** On the channel's event loop. */
        private void attempt(Channel channel) {
            if (result.isDone()) {
                return;
            }
            boolean noDirectory = !Files.exists(directory, LinkOption.NOFOLLOW_LINKS);
            if (noDirectory || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                long remainingNanos = deadlineNanos - System.nanoTime();
                if (remainingNanos <= 0) {
                    fail(channel, noDirectory ? noDirectory(name, address, directory) : AbsentServer.failure(name,
                            address, "no such socket file", new NoSuchFileException(file.toString())));
                    return;
                }
                long delayNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(backoffMillis), remainingNanos);
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
                channel.eventLoop().schedule(() -> attempt(channel), delayNanos, TimeUnit.NANOSECONDS);
                return;
            }
            try {
                SocketDirectory.checkPrivate(directory);
            } catch (IOException e) {
                fail(channel, e);
                return;
            }
            ChannelFuture connect = AbsentServer.explain(channel.connect(address), name, address, file);
            connect.addListener(f -> {
                if (f.isSuccess()) {
                    result.trySuccess();
                } else {
                    result.tryFailure(f.cause());
                }
            });
        }

        private void fail(Channel channel, Throwable cause) {
            channel.close().addListener(c -> result.tryFailure(cause));
        }
    }

    /** A future failed with {@code cause}, on a channel that is registered and closed at once. */
    private static ChannelFuture failed(AbstractBootstrap<?, ?> bootstrap, Throwable cause) {
        ChannelFuture registered = bootstrap.register();
        ChannelPromise result = registered.channel().newPromise();
        registered.addListener(f -> registered.channel().close().addListener(c -> result.setFailure(cause)));
        return result;
    }
}
