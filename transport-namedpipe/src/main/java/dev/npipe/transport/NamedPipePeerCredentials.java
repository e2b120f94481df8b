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

import java.util.Objects;

/**
 * Who is on the client end of a server's pipe: process, session and user, as Windows reports them. The process and
 * session come from the pipe (GetNamedPipeClientProcessId/SessionId); {@link #userSource()} says where the user
 * came from.
 */
public final class NamedPipePeerCredentials {
    /** Where {@link #userSid()} was read. */
    public enum UserSource {
        /**
         * The client's own token, by impersonating it just long enough (ImpersonateNamedPipeClient): the user the
         * client connected as. Works for clients that allow identification or more (this transport's clients do).
         */
        IMPERSONATION,
        /**
         * The token of the client's process, found by its id: used where impersonation cannot open a token, as for
         * clients that connect at anonymous level (go-winio's DialPipe, so grpc-go and Docker's clients). Read at
         * accept time, while the client's process holds the pipe open, so its id cannot have been reused yet; it is
         * the user of the process that opened the pipe (a handle passed on to another process keeps that answer),
         * and reading another user's process needs administrator rights.
         */
        CLIENT_PROCESS
    }

    private final int processId;
    private final int sessionId;
    private final String userSid;
    private final UserSource userSource;

    NamedPipePeerCredentials(int processId, int sessionId, String userSid, UserSource userSource) {
        this.processId = processId;
        this.sessionId = sessionId;
        this.userSid = userSid;
        this.userSource = userSource;
    }

    /** {@return the client's process id (GetNamedPipeClientProcessId)} */
    public int processId() {
        return processId;
    }

    /** {@return the client's Terminal Services session id (GetNamedPipeClientSessionId)} */
    public int sessionId() {
        return sessionId;
    }

    /** {@return the SID of the user the client runs as, e.g. {@code S-1-5-21-...}; {@link #userSource()} says how} */
    public String userSid() {
        return userSid;
    }

    /** {@return where {@link #userSid()} was read: the client's impersonation token, or its process's token} */
    public UserSource userSource() {
        return userSource;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NamedPipePeerCredentials)) {
            return false;
        }
        NamedPipePeerCredentials other = (NamedPipePeerCredentials) o;
        return processId == other.processId && sessionId == other.sessionId && Objects.equals(userSid, other.userSid)
                && userSource == other.userSource;
    }

    @Override
    public int hashCode() {
        return Objects.hash(processId, sessionId, userSid, userSource);
    }

    @Override
    public String toString() {
        return "NamedPipePeerCredentials(pid=" + processId + ", session=" + sessionId + ", user=" + userSid
                + " from " + userSource + ')';
    }
}
