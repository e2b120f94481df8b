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
