package dev.npipe.examples.rpc;

import java.io.IOException;
import java.util.Objects;

/**
 * Why a call ended without a result. {@link #reason()} tells what the caller may assume: whether the server ran the
 * call or not.
 */
public class RpcException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What happened to a call that did not return a result. */
    public enum Reason {
        /** The server ran the call and answered with an error: the service failed. */
        ERROR_RESPONSE,
        /** No response within the call's timeout; the server may still run it, or have run it. */
        TIMED_OUT,
        /** The connection closed while the call was in flight; the server may or may not have run it. */
        CONNECTION_LOST,
        /** The call was never sent: no connection (the client is reconnecting, or closed), or the write failed. */
        NOT_SENT
    }

    /** What happened to the call. */
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason what happened to the call
     * @param message the details, for people
     */
    public RpcException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * What happened to the call.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
