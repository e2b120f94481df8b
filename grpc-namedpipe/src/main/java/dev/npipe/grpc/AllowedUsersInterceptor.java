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

import dev.npipe.transport.local.LocalPipePeer;
import dev.npipe.transport.local.LocalPipeUser;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Admits only calls from clients running as one of the given users, by the user the server read when the client's
 * connection was accepted ({@link LocalGrpc#caller(ServerCall)}): a Windows SID on named pipes, a uid on Unix domain
 * sockets, the same code on every system. Every other call is closed with {@code PERMISSION_DENIED} before it
 * reaches the service. A call whose caller is unknown (not over a local pipe of {@link LocalGrpc} or
 * {@link NamedPipeGrpc}, or the system did not tell) is refused too. Add it with
 * {@code ServerInterceptors.intercept(service, interceptor)} or the server builder's {@code intercept(...)}.
 *
 * <p>Who may connect at all is already decided by the pipe's security descriptor or the private socket directory;
 * this decides per service or call.
 */
public final class AllowedUsersInterceptor implements ServerInterceptor {
    private final Set<LocalPipeUser> allowed;

    private AllowedUsersInterceptor(Set<LocalPipeUser> users) {
        this.allowed = users;
    }

    /**
     * Admits clients running as any of {@code sids} (Windows users; on other systems no caller has a SID, so every
     * call is refused: use {@link #of(LocalPipeUser...)} for code that runs everywhere).
     *
     * @param sids user SIDs, {@code S-1-5-21-...}; at least one
     * @return the interceptor, for {@code ServerBuilder.intercept} or {@code ServerInterceptors.intercept}
     * @throws IllegalArgumentException if none is given or one is not a SID
     */
    public static AllowedUsersInterceptor of(String... sids) {
        LocalPipeUser[] users = new LocalPipeUser[sids.length];
        for (int i = 0; i < sids.length; i++) {
            String sid = sids[i];
            if (sid == null || !sid.regionMatches(true, 0, "S-1-", 0, 4)) {
                throw new IllegalArgumentException("'" + sid + "' is not a SID like S-1-5-21-...");
            }
            users[i] = LocalPipeUser.ofSid(sid.toUpperCase(Locale.ROOT));
        }
        return of(users);
    }

    /**
     * Admits clients running as any of {@code users}, on every system.
     *
     * @param users e.g. {@link LocalPipeUser#current()}, {@link LocalPipeUser#ofUid(long)} or
     *        {@link LocalPipeUser#ofSid(String)}; at least one
     * @return the interceptor, for {@code ServerBuilder.intercept} or {@code ServerInterceptors.intercept}
     * @throws IllegalArgumentException if none is given
     */
    public static AllowedUsersInterceptor of(LocalPipeUser... users) {
        if (users.length == 0) {
            throw new IllegalArgumentException("no user given: such an interceptor would refuse every call");
        }
        Set<LocalPipeUser> set = new LinkedHashSet<>();
        for (LocalPipeUser user : users) {
            set.add(normalized(user));
        }
        return new AllowedUsersInterceptor(Set.copyOf(set));
    }

    /**
     * Admits only clients running as the same user as this process: its SID on Windows, its uid elsewhere.
     *
     * @return the interceptor
     */
    public static AllowedUsersInterceptor currentUserOnly() {
        return of(LocalPipeUser.current());
    }

    /** Windows compares SIDs without regard to case; their string form has one spelling here. */
    private static LocalPipeUser normalized(LocalPipeUser user) {
        return user.sid().isPresent() ? LocalPipeUser.ofSid(user.getName().toUpperCase(Locale.ROOT)) : user;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        Optional<LocalPipePeer> caller = LocalGrpc.caller(call);
        if (caller.isPresent() && allowed.contains(normalized(caller.get().user()))) {
            return next.startCall(call, headers);
        }
        String who = caller.map(c -> "user " + c.user() + " (pid "
                        + (c.processId().isPresent() ? Long.toString(c.processId().getAsLong()) : "unknown") + ")")
                .orElse("an unknown caller (" + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) + ")");
        call.close(Status.PERMISSION_DENIED.withDescription(call.getMethodDescriptor().getFullMethodName()
                + " refused for " + who + ": only " + allowed + " may call it"), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
