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

import dev.npipe.transport.NamedPipeChannel;
import dev.npipe.transport.NamedPipePeerCredentials;
import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.util.concurrent.Future;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipal;
import java.lang.reflect.InvocationTargetException;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Who is at the other end of a local pipe, as the operating system tells it: its user as a {@link LocalPipeUser}
 * (a SID on Windows, a uid elsewhere, on every kind) and its process id where the system gives one. On Windows the
 * named pipe's client (from {@code NamedPipeChannel.peerCredentials()}); on Linux and macOS the socket's peer, from
 * {@code SO_PEERCRED} (epoll: process id and uid, through {@code EpollDomainSocketChannel.peerCredentials()}),
 * {@code LOCAL_PEERCRED} (kqueue: process id, where the system gives it, and uid) or the JDK's {@code SO_PEERCRED}
 * option (NIO: uid, no process id).
 */
public final class LocalPipePeer {
    private final long processId;
    private final LocalPipeUser user;

    private LocalPipePeer(long processId, LocalPipeUser user) {
        this.processId = processId;
        this.user = user;
    }

    /**
     * Asks the system who is at the other end of {@code channel}. On named pipes this works on the server's side
     * only (a client has {@code NamedPipeChannel.serverProcessId()}); sockets answer on both sides. It blocks
     * until the system answers: on a named pipe that is the channel's event loop, so do not call it from there.
     *
     * @param channel a connected channel made by a {@link LocalPipeTransport}
     * @return the peer
     * @throws IOException if the system cannot tell
     * @throws IllegalArgumentException if the channel is not one of a local pipe transport's
     */
    public static LocalPipePeer of(Channel channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        if (channel instanceof NioDomainSocketChannel) {
            UnixDomainPrincipal principal = channel.config().getOption(
                    NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED));
            if (principal == null) {
                throw new IOException("SO_PEERCRED is not supported for " + channel + " on this system");
            }
            return new LocalPipePeer(-1, LocalPipeUser.ofUid(uidOf(principal.user(), channel)));
        }
        String type = channel.getClass().getName();
        if (type.equals("io.netty.channel.epoll.EpollDomainSocketChannel")
                || type.equals("io.netty.channel.kqueue.KQueueDomainSocketChannel")) {
            return ofNative(channel);
        }
        if (channel instanceof NamedPipeChannel) {
            return of(ofNamedPipe((NamedPipeChannel) channel));
        }
        throw new IllegalArgumentException(type + " is not a channel of a local pipe transport");
    }

    /**
     * The peer that a named pipe's credentials describe, e.g. those a server child's
     * {@code NamedPipePeerAddress.credentials()} holds, read when the connection was accepted.
     *
     * @param credentials the pipe client's process and user
     * @return the peer, with the client's process id and SID
     */
    public static LocalPipePeer of(NamedPipePeerCredentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        return new LocalPipePeer(Integer.toUnsignedLong(credentials.processId()),
                LocalPipeUser.ofSid(credentials.userSid()));
    }

    /** The named pipe answers on its event loop: wait for it there, unless this is that loop. */
    private static NamedPipePeerCredentials ofNamedPipe(NamedPipeChannel channel) throws IOException {
        Future<NamedPipePeerCredentials> answer = channel.peerCredentials();
        if (!answer.isDone() && channel.eventLoop().inEventLoop()) {
            throw new IllegalStateException("LocalPipePeer.of blocks; on a named pipe's own event loop use"
                    + " NamedPipeChannel.peerCredentials(), which returns a future");
        }
        answer.awaitUninterruptibly();
        if (!answer.isSuccess()) {
            Throwable cause = answer.cause();
            throw cause instanceof IOException ? (IOException) cause
                    : new IOException("cannot read the peer credentials of " + channel, cause);
        }
        return answer.getNow();
    }

    /**
     * The uid behind the JDK's {@code SO_PEERCRED} answer, which is a {@code UserPrincipal} with a name only. The
     * JDK makes it from the peer's uid ({@code UnixUserPrincipals.fromUid}), whose {@code hashCode()} is that uid;
     * the name is the uid in decimal when the system has no entry for it. Any other principal is compared with this
     * process's own user, the peer a private socket directory admits in practice.
     */
    private static long uidOf(UserPrincipal user, Channel channel) throws IOException {
        if (user.getClass().getName().equals("sun.nio.fs.UnixUserPrincipals$User")) {
            return Integer.toUnsignedLong(user.hashCode());
        }
        if (user.getName().matches("[0-9]{1,10}")) {
            return Long.parseLong(user.getName());
        }
        UserPrincipal self = FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        if (user.equals(self)) {
            return SocketDirectory.currentUid();
        }
        throw new IOException("cannot tell the uid of " + user.getName() + ", the peer of " + channel
                + ": this JDK's SO_PEERCRED gives a " + user.getClass().getName());
    }

    /** Netty's {@code PeerCredentials}: {@code pid()} (0 where the system does not give it) and {@code uid()}. */
    private static LocalPipePeer ofNative(Channel channel) throws IOException {
        try {
            Object credentials = channel.getClass().getMethod("peerCredentials").invoke(channel);
            int pid = (Integer) credentials.getClass().getMethod("pid").invoke(credentials);
            int uid = (Integer) credentials.getClass().getMethod("uid").invoke(credentials);
            return new LocalPipePeer(pid > 0 ? pid : -1, LocalPipeUser.ofUid(Integer.toUnsignedLong(uid)));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof IOException ? (IOException) e.getCause()
                    : new IOException("cannot read the peer credentials of " + channel, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot read the peer credentials of " + channel, e);
        }
    }

    /**
     * The peer's process id.
     *
     * @return the id, or empty where the system does not tell it (NIO sockets, some kqueue systems)
     */
    public OptionalLong processId() {
        return processId < 0 ? OptionalLong.empty() : OptionalLong.of(processId);
    }

    /**
     * The user the peer runs as: its SID on Windows, its uid on Linux and macOS, with every kind of socket.
     *
     * @return the user; {@code user().equals(LocalPipeUser.current())} tells whether it is this process's own
     */
    public LocalPipeUser user() {
        return user;
    }

    @Override
    public String toString() {
        return "LocalPipePeer(pid " + (processId < 0 ? "unknown" : processId) + ", user " + user + ")";
    }
}
