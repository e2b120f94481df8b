package dev.npipe.transport;

import java.util.Objects;

/** Who is on the client end of a server's pipe: process, session and user, as Windows reports them. */
public final class NamedPipePeerCredentials {
    private final int processId;
    private final int sessionId;
    private final String userSid;

    NamedPipePeerCredentials(int processId, int sessionId, String userSid) {
        this.processId = processId;
        this.sessionId = sessionId;
        this.userSid = userSid;
    }

    /** {@return the client's process id (GetNamedPipeClientProcessId)} */
    public int processId() {
        return processId;
    }

    /** {@return the client's Terminal Services session id (GetNamedPipeClientSessionId)} */
    public int sessionId() {
        return sessionId;
    }

    /** {@return the SID of the user the client runs as, e.g. {@code S-1-5-21-...}, read from its impersonation token} */
    public String userSid() {
        return userSid;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NamedPipePeerCredentials)) {
            return false;
        }
        NamedPipePeerCredentials other = (NamedPipePeerCredentials) o;
        return processId == other.processId && sessionId == other.sessionId && Objects.equals(userSid, other.userSid);
    }

    @Override
    public int hashCode() {
        return Objects.hash(processId, sessionId, userSid);
    }

    @Override
    public String toString() {
        return "NamedPipePeerCredentials(pid=" + processId + ", session=" + sessionId + ", user=" + userSid + ')';
    }
}
