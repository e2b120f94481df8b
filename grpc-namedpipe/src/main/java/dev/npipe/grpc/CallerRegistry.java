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
package dev.npipe.grpc;

import dev.npipe.transport.NamedPipePeerAddress;
import dev.npipe.transport.local.LocalPipePeer;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ServerTransportFilter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ServerChannel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Carries each accepted connection's peer to its gRPC calls. grpc-netty shows a service only the transport's
 * attributes, and of the channel only {@code remoteAddress()} and {@code localAddress()}, which a domain socket's
 * child does not fill with credentials (a named pipe's does). So the peer is read when the server channel hands the
 * child on, kept under the identity of the child's address object (Netty's channel caches it, and grpc-netty puts
 * that very object into the attributes), and moved into {@link LocalGrpc#CALLER} when grpc-netty's transport is
 * ready.
 */
final class CallerRegistry extends ServerTransportFilter {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(CallerRegistry.class);

    private final Map<SocketAddress, LocalPipePeer> peers = new IdentityHashMap<>();
    private final ChannelHandler recorder = new Recorder();

    /** Adds the recorder to a new server channel, before anything the bootstrap adds. */
    ServerChannel recordChildren(ServerChannel server) {
        server.pipeline().addFirst("npipe-grpc-caller", recorder);
        return server;
    }

    @Override
    public Attributes transportReady(Attributes attributes) {
        LocalPipePeer peer = take(attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        if (peer == null) {
            peer = take(attributes.get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR));
        }
        return peer == null ? attributes : attributes.toBuilder().set(LocalGrpc.CALLER, peer).build();
    }

    private LocalPipePeer take(SocketAddress key) {
        if (key == null) {
            return null;
        }
        synchronized (peers) {
            return peers.remove(key);
        }
    }

    /** The address the child is known by: its remote one, or its local one when it has none. */
    private static SocketAddress keyOf(Channel child) {
        SocketAddress remote = child.remoteAddress();
        return remote != null ? remote : child.localAddress();
    }

    private void record(Channel child) {
        LocalPipePeer peer;
        SocketAddress remote = child.remoteAddress();
        if (remote instanceof NamedPipePeerAddress) {
            peer = ((NamedPipePeerAddress) remote).credentials().map(LocalPipePeer::of).orElse(null);
        } else {
            try {
                peer = LocalPipePeer.of(child);
            } catch (IOException | RuntimeException e) {
                logger.warn("Cannot tell who connected on {}; its calls have no caller (AllowedUsersInterceptor"
                        + " refuses them)", child, e);
                return;
            }
        }
        SocketAddress key = keyOf(child);
        if (peer == null || key == null) {
            return;
        }
        synchronized (peers) {
            peers.put(key, peer);
        }
        // A connection that closes before gRPC's transport is ready leaves nothing behind.
        child.closeFuture().addListener(f -> take(key));
    }

    @ChannelHandler.Sharable
    private final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel) {
                record((Channel) msg);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
