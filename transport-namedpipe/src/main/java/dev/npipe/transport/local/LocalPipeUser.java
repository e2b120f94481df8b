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

import dev.npipe.transport.NamedPipe;

import java.security.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A user as the operating system identifies it, the same type on every kind of local pipe: a Windows SID (named
 * pipes) or a Unix uid (epoll, kqueue and NIO domain sockets). {@link #getName()} is its stable string form, the
 * SID as Windows writes it ({@code S-1-5-21-...}) or the uid in decimal ({@code 1000}); two users are equal when
 * their names are. Compare a peer with {@link #current()} to admit only this process's own user:
 *
 * <pre>{@code
 * if (!LocalPipePeer.of(channel).user().equals(LocalPipeUser.current())) {
 *     channel.close();
 * }
 * }</pre>
 */
public final class LocalPipeUser implements Principal {
    private final String name;
    private final long uid;

    private LocalPipeUser(String name, long uid) {
        this.name = name;
        this.uid = uid;
    }

    /**
     * A Windows user.
     *
     * @param sid the SID in its string form, e.g. {@code S-1-5-21-...}
     * @return the user
     * @throws IllegalArgumentException if {@code sid} does not start with {@code S-}
     */
    public static LocalPipeUser ofSid(String sid) {
        Objects.requireNonNull(sid, "sid");
        if (!sid.startsWith("S-")) {
            throw new IllegalArgumentException("not a SID: " + sid + " (expected S-1-...)");
        }
        return new LocalPipeUser(sid, -1);
    }

    /**
     * A Unix user.
     *
     * @param uid the user id, 0 to 2^32-1
     * @return the user
     * @throws IllegalArgumentException if {@code uid} is out of range
     */
    public static LocalPipeUser ofUid(long uid) {
        if (uid < 0 || uid > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("uid: " + uid + " (expected: 0-4294967295)");
        }
        return new LocalPipeUser(Long.toString(uid), uid);
    }

    /**
     * The user this process runs as: its SID on Windows, its uid elsewhere.
     *
     * @return the user
     * @throws UnsupportedOperationException on Windows if the named-pipe transport cannot load (see
     *         {@link NamedPipe#unavailabilityCause()})
     */
    public static LocalPipeUser current() {
        if (KindBindings.isWindows()) {
            try {
                return ofSid(NamedPipe.currentUserSid());
            } catch (UnsatisfiedLinkError e) {
                throw new UnsupportedOperationException("cannot read this process's SID: " + e.getMessage(), e);
            }
        }
        return ofUid(SocketDirectory.currentUid());
    }

    /**
     * The stable string form: the SID ({@code S-1-5-21-...}) or the uid in decimal.
     *
     * @return the name
     */
    @Override
    public String getName() {
        return name;
    }

    /**
     * The Windows SID.
     *
     * @return the SID, or empty for a Unix user
     */
    public Optional<String> sid() {
        return uid < 0 ? Optional.of(name) : Optional.empty();
    }

    /**
     * The Unix user id.
     *
     * @return the uid, or empty for a Windows user
     */
    public OptionalLong uid() {
        return uid < 0 ? OptionalLong.empty() : OptionalLong.of(uid);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocalPipeUser && ((LocalPipeUser) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    /**
     * The same as {@link #getName()}.
     *
     * @return the SID or the decimal uid
     */
    @Override
    public String toString() {
        return name;
    }
}
