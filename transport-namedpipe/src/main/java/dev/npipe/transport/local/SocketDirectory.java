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

import com.sun.security.auth.module.UnixSystem;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The directory that holds a transport's socket files, and the files in it: the directory belongs to this user and
 * nobody else may enter it (0700), each socket is 0600, and a socket file left by a previous run is removed only
 * when nobody listens on it. This is what keeps other users from connecting to a server, or from posing as one.
 */
final class SocketDirectory {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(SocketDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_SOCKET = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    /** The S_IFMT bits of {@code unix:mode}, and their value for a socket. */
    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SOCKET_TYPE = 0140000;

    private SocketDirectory() {
    }

    /**
     * The default directory: {@code $XDG_RUNTIME_DIR/npipe} when that variable names a directory (on Linux
     * systemd keeps it private to the user), else {@code <java.io.tmpdir>/npipe-<uid>}.
     */
    static Path defaultDirectory() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isEmpty()) {
            Path dir = Path.of(runtime);
            if (dir.isAbsolute() && Files.isDirectory(dir)) {
                return dir.resolve("npipe");
            }
        }
        return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().resolve("npipe-" + currentUid());
    }

    static long currentUid() {
        return new UnixSystem().getUid();
    }

    /** Creates {@code dir} (0700) if it is missing, then checks it as {@link #checkPrivate(Path)} does. */
    static void createPrivate(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY); // the umask may have taken bits off
            } catch (FileAlreadyExistsException raced) {
                // Someone made it meanwhile: the check below decides whether it is ours.
            }
        }
        checkPrivate(dir);
    }

    /**
     * Checks that {@code dir} is a real directory (not a link), owned by this user, that no group or other user may
     * read, write or enter.
     *
     * @throws IOException saying which of these fails, and how to choose another directory
     */
    static void checkPrivate(Path dir) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new ConnectException("socket directory " + dir + " does not exist: no server has been bound"
                    + " there yet");
        }
        if (!attributes.isDirectory()) {
            throw new IOException("socket directory " + dir + " is not a directory"
                    + (attributes.isSymbolicLink() ? " but a symbolic link" : "") + "; refusing to use it"
                    + " (choose another with LocalPipeTransport.withSocketDirectory)");
        }
        long owner = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        long self = currentUid();
        if (owner != self) {
            throw new IOException("socket directory " + dir + " belongs to uid " + owner + ", not to this user (uid "
                    + self + "): someone else may have made it to intercept connections; refusing to use it"
                    + " (remove it, or choose another with LocalPipeTransport.withSocketDirectory)");
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(attributes.permissions());
        open.retainAll(GROUP_OR_OTHERS);
        if (!open.isEmpty()) {
            throw new IOException("socket directory " + dir + " has permissions "
                    + PosixFilePermissions.toString(attributes.permissions()) + ": other users may reach its"
                    + " sockets; refusing to use it (chmod 700 it, or choose another with"
                    + " LocalPipeTransport.withSocketDirectory)");
        }
    }

    /**
     * Makes way for a server to bind {@code socket}: a file left there by a server that has gone is removed; a
     * server still listening there, or a file that is not a socket, fails the bind.
     *
     * @throws BindException when a server listens at {@code socket} or it is not a socket
     */
    static void removeStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = ((Number) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
        if ((mode & FILE_TYPE_MASK) != SOCKET_TYPE) {
            throw new BindException(socket + " exists and is not a socket; it was not removed");
        }
        if (isListening(socket)) {
            throw new BindException("a server already listens at " + socket
                    + " (another instance of this service?); not taking its name over");
        }
        Files.deleteIfExists(socket);
        logger.debug("Removed the stale socket file {}: nobody listened on it", socket);
    }

    /** Connects without blocking: accepted, or pending in a full backlog, means a server is there. */
    private static boolean isListening(Path socket) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    /** Leaves the bound socket file readable and writable by this user only. */
    static void restrictSocket(Path socket) throws IOException {
        Files.setPosixFilePermissions(socket, OWNER_ONLY_SOCKET);
    }
}
