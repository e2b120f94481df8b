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


import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

/**
 * Who is at either end of a pipe: the client's process, session and user as its server sees them, the server's
 * process, and the {@link NamedPipeChannelOption#REQUIRED_SERVER_USER} check. Queries run on the channel's event
 * loop, where the handle cannot be closed underneath them, and answer with futures, so no caller ever blocks.
 */
final class PipeIdentity {
    private PipeIdentity() {
    }

    /** A server child's client: as read at accept, else read again on the child's loop. */
    static Future<NamedPipePeerCredentials> peerCredentials(NamedPipeChannel child, NamedPipePeerAddress peer) {
        Optional<NamedPipePeerCredentials> known = peer.credentials();
        if (known.isPresent()) {
            return child.isActive() ? child.eventLoop().newSucceededFuture(known.get())
                    : child.eventLoop().newFailedFuture(new ClosedChannelException());
        }
        return onLoop(child.eventLoop(), () -> clientOf(connectedPipe(child)));
    }

    /** The pipe of an active channel; fails when it is not connected (any more). */
    static PipeHandle connectedPipe(NamedPipeChannel channel) throws ClosedChannelException {
        PipeHandle handle = channel.pipe();
        if (!channel.isActive() || handle == null) {
            throw new ClosedChannelException();
        }
        return handle;
    }

    /** Runs {@code query} on {@code loop} ({@link LoopTasks#runOnLoop}); fails when the loop has stopped. */
    static <T> Future<T> onLoop(EventLoop loop, Callable<T> query) {
        Promise<T> answer = loop.newPromise();
        boolean queued = LoopTasks.runOnLoop(loop, () -> {
            try {
                answer.trySuccess(query.call());
            } catch (Exception e) {
                answer.tryFailure(e);
            }
        });
        if (!queued) {
            answer.tryFailure(new RejectedExecutionException("the channel's event loop has stopped"));
        }
        return answer;
    }

    /**
     * The client of a server instance. Its user is read by impersonating it just long enough; where that cannot
     * open a token (a client that connected at anonymous level, as go-winio's DialPipe and so grpc-go and Docker's
     * clients do: ERROR_CANT_OPEN_ANONYMOUS on Windows), from the token of the client's process instead.
     */
    static NamedPipePeerCredentials clientOf(PipeHandle pipe) throws Win32Exception {
        return clientOf(pipe, true);
    }

    /** {@link #clientOf(PipeHandle)}; {@code impersonate} false goes straight to the process token (tests). */
    static NamedPipePeerCredentials clientOf(PipeHandle pipe, boolean impersonate) throws Win32Exception {
        int processId = pipe.clientProcessId();
        int sessionId = pipe.clientSessionId();
        if (impersonate) {
            try {
                return new NamedPipePeerCredentials(processId, sessionId, pipe.clientUserSid(),
                        NamedPipePeerCredentials.UserSource.IMPERSONATION);
            } catch (Win32Exception impersonation) {
                try {
                    return new NamedPipePeerCredentials(processId, sessionId, Advapi32.userSidOfProcess(processId),
                            NamedPipePeerCredentials.UserSource.CLIENT_PROCESS);
                } catch (Win32Exception process) {
                    impersonation.addSuppressed(process);
                    throw impersonation;
                }
            }
        }
        return new NamedPipePeerCredentials(processId, sessionId, Advapi32.userSidOfProcess(processId),
                NamedPipePeerCredentials.UserSource.CLIENT_PROCESS);
    }

    /**
     * Refuses a pipe whose owner is not {@code requiredSid}, since whoever created the name first may be a
     * squatter. The owner is read from the connected handle itself: no process is opened, so it works for SYSTEM
     * and service servers, cannot meet a reused pid, and is right for remote pipes.
     */
    static void verifyOwner(PipeHandle pipe, NamedPipeAddress address, String requiredSid) throws ConnectException {
        String owner;
        try {
            owner = pipe.ownerSid();
        } catch (Win32Exception e) {
            ConnectException refused = new ConnectException("cannot tell who owns " + address + ": "
                    + e.getMessage() + "; REQUIRED_SERVER_USER cannot be checked, so the connection is refused");
            refused.initCause(e);
            throw refused;
        }
        if (owner == null) {
            throw new ConnectException("the pipe " + address + " has a security descriptor that names no owner, so "
                    + "REQUIRED_SERVER_USER " + requiredSid + " cannot be checked and the connection is refused (a "
                    + "server made by another runtime may create its pipes so, e.g. Node.js or CPython under Wine)");
        }
        if (!requiredSid.equalsIgnoreCase(owner)) {
            throw new ConnectException("the pipe " + address + " is owned by " + owner + ", not " + requiredSid
                    + " as REQUIRED_SERVER_USER demands; another program may have created the name first to squat it"
                    + " (a server running elevated usually owns its pipes as Administrators, S-1-5-32-544)");
        }
    }
}
