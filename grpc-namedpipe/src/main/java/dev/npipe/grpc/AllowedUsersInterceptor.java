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

import dev.npipe.transport.NamedPipe;
import dev.npipe.transport.NamedPipePeerCredentials;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Admits only calls from clients running as one of the given Windows users, by the user SID the server read when
 * the client's pipe connection was accepted; every other call is closed with {@code PERMISSION_DENIED} before it
 * reaches the service. A call whose caller is unknown (not over a named pipe, or Windows did not tell) is refused
 * too. Add it with {@code ServerInterceptors.intercept(service, interceptor)} or the server builder's
 * {@code intercept(...)}.
 *
 * <p>The pipe's security descriptor already decides who may connect at all; this decides per service or call.
 */
public final class AllowedUsersInterceptor implements ServerInterceptor {
    private final Set<String> allowedSids = new TreeSet<>();

    private AllowedUsersInterceptor(Set<String> sids) {
        for (String sid : sids) {
            allowedSids.add(sid.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * Admits clients running as any of {@code sids}.
     *
     * @param sids user SIDs, {@code S-1-5-21-...}; at least one
     * @return the interceptor, for {@code ServerBuilder.intercept} or {@code ServerInterceptors.intercept}
     */
    public static AllowedUsersInterceptor of(String... sids) {
        if (sids.length == 0) {
            throw new IllegalArgumentException("no user SID given: such an interceptor would refuse every call");
        }
        for (String sid : sids) {
            if (sid == null || !sid.regionMatches(true, 0, "S-1-", 0, 4)) {
                throw new IllegalArgumentException("'" + sid + "' is not a SID like S-1-5-21-...");
            }
        }
        return new AllowedUsersInterceptor(Set.of(sids));
    }

    /** {@return an interceptor that admits only clients running as the same Windows user as this process} */
    public static AllowedUsersInterceptor currentUserOnly() {
        return of(NamedPipe.currentUserSid());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        Optional<NamedPipePeerCredentials> caller = NamedPipeGrpc.caller(call);
        if (caller.isPresent() && allowedSids.contains(caller.get().userSid().toUpperCase(Locale.ROOT))) {
            return next.startCall(call, headers);
        }
        String who = caller.map(c -> "user " + c.userSid() + " (pid " + c.processId() + ")")
                .orElse("an unknown caller (" + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) + ")");
        call.close(Status.PERMISSION_DENIED.withDescription(call.getMethodDescriptor().getFullMethodName()
                + " refused for " + who + ": only " + allowedSids + " may call it"), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
