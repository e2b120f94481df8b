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

/**
 * Which transport carries a {@link LocalPipeTransport}: this project's Windows named pipes, or one of Netty's Unix
 * domain socket channels. {@link LocalPipes#transport()} picks the first available in the order Windows named
 * pipes (on Windows), epoll, kqueue, NIO.
 */
public enum LocalPipeKind {
    /** Windows named pipes, {@code \\.\pipe\name}: {@code NamedPipeServerChannel} and {@code NamedPipeChannel}. */
    NAMED_PIPE,
    /**
     * Netty's native epoll domain sockets ({@code EpollServerDomainSocketChannel}, {@code EpollDomainSocketChannel}),
     * when {@code netty-transport-native-epoll} for this Linux machine is on the class path.
     */
    EPOLL_DOMAIN_SOCKET,
    /**
     * Netty's native kqueue domain sockets ({@code KQueueServerDomainSocketChannel},
     * {@code KQueueDomainSocketChannel}), when {@code netty-transport-native-kqueue} for this macOS or BSD machine
     * is on the class path.
     */
    KQUEUE_DOMAIN_SOCKET,
    /**
     * Netty's NIO domain sockets ({@code NioServerDomainSocketChannel}, {@code NioDomainSocketChannel}) on the JDK's
     * {@code UnixDomainSocketAddress}: no native library needed. Used on Linux and macOS when neither native
     * transport is on the class path.
     */
    NIO_DOMAIN_SOCKET;

    /**
     * Tells whether this kind can run in this JVM.
     *
     * @return {@code true} when {@link #unavailabilityCause()} is {@code null}
     */
    public boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /**
     * Tells why this kind cannot run in this JVM.
     *
     * @return the reason, or {@code null} when it is available
     */
    public Throwable unavailabilityCause() {
        return KindBindings.unavailabilityCause(this);
    }

    /**
     * Tells whether this kind is a Unix domain socket, whose address is a file in a directory.
     *
     * @return {@code true} for every kind except {@link #NAMED_PIPE}
     */
    public boolean isUnixDomainSocket() {
        return this != NAMED_PIPE;
    }
}
