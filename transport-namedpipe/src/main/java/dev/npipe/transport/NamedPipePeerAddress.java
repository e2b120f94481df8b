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
package dev.npipe.transport;


import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The remote address of a server's child channel: the pipe it was accepted on and who the client is — its process,
 * session and Windows user, read once when the connection was accepted. Frameworks that show or pass on a
 * connection's remote address (gRPC's {@code Grpc.TRANSPORT_ATTR_REMOTE_ADDR}, access logs) thus tell clients
 * apart and can authorize by user. When Windows would not tell (the client had already gone, say), the credentials
 * are empty and {@link #toString()} says why.
 */
public final class NamedPipePeerAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    /** The pipe the client connected to. */
    private final NamedPipeAddress pipe;
    /** Who the client is, or {@code null} when Windows did not tell. */
    private final NamedPipePeerCredentials credentials;
    /** Why {@link #credentials} is {@code null}, or {@code null}. */
    private final String unknownReason;

    private NamedPipePeerAddress(NamedPipeAddress pipe, NamedPipePeerCredentials credentials, String unknownReason) {
        this.pipe = pipe;
        this.credentials = credentials;
        this.unknownReason = unknownReason;
    }

    /** Reads who is on the client end of a just-accepted instance; the server's loop, which owns the handle. */
    static NamedPipePeerAddress ofAccepted(NamedPipeAddress pipe, PipeHandle connected) {
        try {
            return new NamedPipePeerAddress(pipe, PipeIdentity.clientOf(connected), null);
        } catch (Win32Exception e) {
            return new NamedPipePeerAddress(pipe, null, e.getMessage());
        }
    }

    /** {@return the pipe the client connected to} */
    public NamedPipeAddress pipe() {
        return pipe;
    }

    /** {@return who the client is, or empty when Windows did not tell at accept time ({@link #toString()} says why)} */
    public Optional<NamedPipePeerCredentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NamedPipePeerAddress)) {
            return false;
        }
        NamedPipePeerAddress other = (NamedPipePeerAddress) o;
        return pipe.equals(other.pipe) && Objects.equals(credentials, other.credentials)
                && Objects.equals(unknownReason, other.unknownReason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pipe, credentials);
    }

    /** E.g. {@code \\.\pipe\name (client pid 4242, session 1, user S-1-5-21-...)}. */
    @Override
    public String toString() {
        if (credentials == null) {
            return pipe + " (client unknown: " + unknownReason + ')';
        }
        return pipe + " (client pid " + credentials.processId() + ", session " + credentials.sessionId() + ", user "
                + credentials.userSid() + ')';
    }
}
