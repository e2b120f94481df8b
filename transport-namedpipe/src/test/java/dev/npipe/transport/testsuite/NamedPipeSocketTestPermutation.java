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
package dev.npipe.transport.testsuite;

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeChannel;
import dev.npipe.transport.NamedPipeChannelOption;
import dev.npipe.transport.NamedPipeMode;
import dev.npipe.transport.NamedPipeIoHandler;
import dev.npipe.transport.NamedPipeServerChannel;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bootstrap factories Netty's transport testsuite runs against: our channels on one shared named-pipe event
 * loop group, as {@code EpollSocketTestPermutation.domainSocket()} does for epoll's domain sockets. Unlike Netty's,
 * the group lives for one test class only, so no pipe or port outlives the class.
 *
 * <p>It does not extend Netty's {@code SocketTestPermutation}: that class builds a 4-thread NIO group (and an OIO
 * group) in every instance, which our tests never use.
 */
public final class NamedPipeSocketTestPermutation {
    public static final NamedPipeSocketTestPermutation INSTANCE = new NamedPipeSocketTestPermutation();

    /** As many loops as Netty's testsuite gives NIO: server, children and clients share them. */
    private static final int NUM_THREADS = 4;

    /**
     * Pipe names are this JVM's pid plus a counter. Not {@code UUID.randomUUID()}: newer Windows JDKs under Wine 8
     * crash in the {@code SecureRandom} seeding behind it.
     */
    private static final String NAME_PREFIX = "netty-testsuite-" + ProcessHandle.current().pid() + "-";
    private static final AtomicLong NEXT_NAME = new AtomicLong();

    /** Made on first use, shut down after each test class ({@link TestsuiteExtension}). */
    private EventLoopGroup group;

    private NamedPipeSocketTestPermutation() {
    }

    /** A pipe address no one has used: a fresh name on every call. */
    public static NamedPipeAddress newPipeAddress() {
        return new NamedPipeAddress(NAME_PREFIX + NEXT_NAME.incrementAndGet());
    }

    private synchronized EventLoopGroup group() {
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(
                    NUM_THREADS, new DefaultThreadFactory("testsuite-npipe", true), NamedPipeIoHandler.newFactory());
        }
        return group;
    }

    /** Shuts the shared group down (the next use makes a new one) and waits until it has terminated. */
    synchronized void shutdownGroup() throws InterruptedException {
        if (group == null) {
            return;
        }
        EventLoopGroup stopping = group;
        group = null;
        stopping.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (!stopping.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the testsuite's event loop group did not terminate within 10 s");
        }
    }

    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> pipe() {
        return combo(serverPipe(), clientPipe());
    }

    /**
     * Pipes that can half-close: message pipes read as bytes on both ends (so handlers see plain {@code ByteBuf}s),
     * with {@code ZERO_LENGTH_EOF}, so {@code shutdownOutput()} sends a zero-length message that ends the peer's
     * input. A byte pipe has no end-of-stream marker (README, Half-close).
     */
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> halfClosablePipe() {
        List<BootstrapFactory<ServerBootstrap>> servers = new ArrayList<>();
        servers.add(() -> new ServerBootstrap().group(group()).channel(NamedPipeServerChannel.class)
                .option(NamedPipeChannelOption.PIPE_MODE, NamedPipeMode.MESSAGE)
                .childOption(NamedPipeChannelOption.READ_MODE, NamedPipeMode.BYTE)
                .childOption(NamedPipeChannelOption.ZERO_LENGTH_EOF, true));
        List<BootstrapFactory<Bootstrap>> clients = new ArrayList<>();
        clients.add(() -> new Bootstrap().group(group()).channel(NamedPipeChannel.class)
                .option(NamedPipeChannelOption.ZERO_LENGTH_EOF, true));
        return combo(servers, clients);
    }

    public List<BootstrapFactory<ServerBootstrap>> serverPipe() {
        List<BootstrapFactory<ServerBootstrap>> factories = new ArrayList<>();
        factories.add(() -> new ServerBootstrap().group(group()).channel(NamedPipeServerChannel.class));
        return factories;
    }

    public List<BootstrapFactory<Bootstrap>> clientPipe() {
        List<BootstrapFactory<Bootstrap>> factories = new ArrayList<>();
        factories.add(() -> new Bootstrap().group(group()).channel(NamedPipeChannel.class));
        return factories;
    }

    private static <A extends AbstractBootstrap<?, ?>, B extends AbstractBootstrap<?, ?>>
            List<BootstrapComboFactory<A, B>> combo(List<BootstrapFactory<A>> sbfs, List<BootstrapFactory<B>> cbfs) {
        List<BootstrapComboFactory<A, B>> list = new ArrayList<>();
        for (BootstrapFactory<A> sbf : sbfs) {
            for (BootstrapFactory<B> cbf : cbfs) {
                list.add(new BootstrapComboFactory<A, B>() {
                    @Override
                    public A newServerInstance() {
                        return sbf.newInstance();
                    }

                    @Override
                    public B newClientInstance() {
                        return cbf.newInstance();
                    }
                });
            }
        }
        return list;
    }
}
