package dev.npipe.transport.local;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Binds and connects Unix domain sockets the way {@link LocalPipeTransport} promises: the directory checked (and
 * made, by a server), a stale socket file replaced, the bound socket made private. Every failure comes back in the
 * returned future, as with a plain bootstrap.
 */
final class SocketBinding {
    private SocketBinding() {
    }

    static ChannelFuture bind(ServerBootstrap bootstrap, SocketAddress address, Path directory, Path file) {
        try {
            SocketDirectory.createPrivate(directory);
            SocketDirectory.removeStaleSocket(file);
        } catch (IOException e) {
            return failed(bootstrap, e);
        }
        ChannelFuture bound = bootstrap.bind(address);
        ChannelPromise result = bound.channel().newPromise();
        bound.addListener(f -> {
            if (!f.isSuccess()) {
                result.setFailure(f.cause());
                return;
            }
            try {
                SocketDirectory.restrictSocket(file);
                result.setSuccess();
            } catch (IOException | RuntimeException e) {
                bound.channel().close();
                result.setFailure(new IOException("cannot make " + file + " private (0600)", e));
            }
        });
        return result;
    }

    static ChannelFuture connect(Bootstrap bootstrap, String name, SocketAddress address, Path directory,
                                 Path file) {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return failed(bootstrap, AbsentServer.failure(name, address, "the socket directory does not exist",
                    new NoSuchFileException(directory.toString())));
        }
        try {
            SocketDirectory.checkPrivate(directory);
        } catch (IOException e) {
            return failed(bootstrap, e);
        }
        return AbsentServer.explain(bootstrap.connect(address), name, address, file);
    }

    /** A future failed with {@code cause}, on a channel that is registered and closed at once. */
    private static ChannelFuture failed(AbstractBootstrap<?, ?> bootstrap, Throwable cause) {
        ChannelFuture registered = bootstrap.register();
        ChannelPromise result = registered.channel().newPromise();
        registered.addListener(f -> registered.channel().close().addListener(c -> result.setFailure(cause)));
        return result;
    }
}
