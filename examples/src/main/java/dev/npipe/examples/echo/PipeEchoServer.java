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
package dev.npipe.examples.echo;

import dev.npipe.transport.local.LocalPipeTransport;
import dev.npipe.transport.local.LocalPipes;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

/**
 * Echoes every byte back to its clients: {@code java ... PipeEchoServer [name]}. The same code serves
 * {@code \\.\pipe\name} on Windows and a Unix domain socket on Linux and macOS (see {@link LocalPipes}).
 */
public final class PipeEchoServer {
    private PipeEchoServer() {
    }

    /**
     * Runs the server until the process is stopped.
     *
     * @param args the service name, default {@code npipe-echo}
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        String name = args.length > 0 ? args[0] : "npipe-echo";
        LocalPipeTransport transport = LocalPipes.transport();
        EventLoopGroup group = transport.newEventLoopGroup(0);
        try {
            Channel server = bind(transport, group, name);
            System.out.println("echo server on " + server.localAddress() + " (" + transport.kind() + ")");
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /**
     * Binds an echo server for the service {@code name}.
     *
     * @param transport the local pipe transport
     * @param group event loops made for that transport
     * @param name the service name
     * @return the bound server channel
     * @throws InterruptedException if interrupted while binding
     */
    public static Channel bind(LocalPipeTransport transport, EventLoopGroup group, String name)
            throws InterruptedException {
        return transport.bind(transport.serverBootstrap(group, new EchoHandler()), name).sync().channel();
    }
}
