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

import dev.npipe.transport.NamedPipeMode;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entry point for local inter-process channels that are written once and run on every system: named pipes on
 * Windows, Unix domain sockets on Linux and macOS.
 *
 * <pre>{@code
 * LocalPipeTransport transport = LocalPipes.transport().withMessageMode(1 << 20);
 * EventLoopGroup group = transport.newEventLoopGroup(0);
 * Channel server = transport.bind(transport.serverBootstrap(group, new MyHandler()), "my-service")
 *         .sync().channel();
 * }</pre>
 */
public final class LocalPipes {
    private static final LocalPipeKind[] PREFERENCE = {
        LocalPipeKind.NAMED_PIPE, LocalPipeKind.EPOLL_DOMAIN_SOCKET, LocalPipeKind.KQUEUE_DOMAIN_SOCKET,
        LocalPipeKind.NIO_DOMAIN_SOCKET,
    };

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(LocalPipes.class);

    private LocalPipes() {
    }

    /**
     * The transport for this system, in byte mode: named pipes on Windows; elsewhere Unix domain sockets in
     * {@link #defaultSocketDirectory()}, through Netty's epoll or kqueue transport when it is on the class path (or,
     * on the module path, in the module graph) and loads, else through Netty's NIO. Why a kind was passed over is
     * logged at debug level, and told by {@link LocalPipeKind#unavailabilityCause()}.
     *
     * @return the transport
     * @throws UnsupportedOperationException if no kind is available, with each kind's reason
     */
    public static LocalPipeTransport transport() {
        List<LocalPipeKind> kinds = availableKinds();
        if (kinds.isEmpty()) {
            UnsupportedOperationException e = new UnsupportedOperationException("no local pipe transport works in"
                    + " this JVM (" + System.getProperty("os.name") + "); the reasons are attached");
            for (LocalPipeKind kind : PREFERENCE) {
                e.addSuppressed(kind.unavailabilityCause());
            }
            throw e;
        }
        if (logger.isDebugEnabled()) {
            // Say why a preferred kind was passed over (e.g. epoll on the module path without --add-modules).
            for (LocalPipeKind kind : PREFERENCE) {
                if (kind == kinds.get(0)) {
                    break;
                }
                logger.debug("{} skipped: {}", kind, kind.unavailabilityCause().getMessage());
            }
        }
        return transport(kinds.get(0));
    }

    /**
     * The transport of the given kind, in byte mode, with sockets (if any) in {@link #defaultSocketDirectory()}.
     *
     * @param kind the kind wanted, e.g. {@link LocalPipeKind#NIO_DOMAIN_SOCKET} to do without native libraries
     * @return the transport
     * @throws UnsupportedOperationException if that kind cannot run here, with the reason as its cause
     */
    public static LocalPipeTransport transport(LocalPipeKind kind) {
        Throwable cause = kind.unavailabilityCause();
        if (cause != null) {
            throw new UnsupportedOperationException(kind + " is not available: " + cause.getMessage(), cause);
        }
        return new LocalPipeTransport(kind, NamedPipeMode.BYTE, 0,
                kind.isUnixDomainSocket() ? defaultSocketDirectory() : null, 0);
    }

    /**
     * The kinds that can run in this JVM, the preferred first.
     *
     * @return the available kinds, in the order {@link #transport()} considers them
     */
    public static List<LocalPipeKind> availableKinds() {
        List<LocalPipeKind> kinds = new ArrayList<>();
        for (LocalPipeKind kind : PREFERENCE) {
            if (kind.isAvailable()) {
                kinds.add(kind);
            }
        }
        return kinds;
    }

    /**
     * Where Unix domain sockets go unless {@link LocalPipeTransport#withSocketDirectory(Path)} says otherwise:
     * {@code $XDG_RUNTIME_DIR/npipe} when {@code XDG_RUNTIME_DIR} names a directory (Linux sessions have one that
     * only their user may enter), else {@code <java.io.tmpdir>/npipe-<uid>} (on macOS {@code java.io.tmpdir} is
     * already a per-user directory). A server creates it with permissions 0700.
     *
     * @return the directory
     * @throws UnsupportedOperationException on Windows, where local pipes are named pipes
     */
    public static Path defaultSocketDirectory() {
        if (KindBindings.isWindows()) {
            throw new UnsupportedOperationException("named pipes have no socket directory");
        }
        return SocketDirectory.defaultDirectory();
    }
}
