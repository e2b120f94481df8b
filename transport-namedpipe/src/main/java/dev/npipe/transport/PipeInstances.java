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


/**
 * Makes a server's pipe instances with what was fixed at bind (pipe type, limits, buffer sizes, security), and
 * holds the server's name: the first instance, created with FILE_FLAG_FIRST_PIPE_INSTANCE (unless connections of an
 * earlier server of this name in this process still hold it), is connected to by the server itself, which checks
 * that it reached that instance, and kept so for the server's life. The name therefore exists every moment from bind to close,
 * whatever the other instances do, and no other process can create it in between.
 */
final class PipeInstances {
    private final NamedPipeAddress address;
    private final boolean messagePipe;
    private final int openMode;
    private final int pipeMode;
    private final int limit;
    private final int outBufferSize;
    private final int inBufferSize;
    private final int defaultTimeoutMillis;
    /** Converted from SDDL once; each instance takes its own copy of it. */
    private Advapi32.SecurityAttributes security;
    /** How often bind takes the first instance back from clients that got there first before it gives up. */
    private static final int HOLD_ATTEMPTS = 100;
    private PipeHandle holder;
    private PipeHandle holderClient;

    /** Takes the options from the server's config as they are at bind. */
    PipeInstances(NamedPipeAddress address, NamedPipeServerChannelConfig config) {
        this.address = address;
        messagePipe = config.getPipeMode() == NamedPipeMode.MESSAGE;
        openMode = Kernel32.PIPE_ACCESS_DUPLEX;
        int type = messagePipe ? Kernel32.PIPE_TYPE_MESSAGE | Kernel32.PIPE_READMODE_MESSAGE
                : Kernel32.PIPE_TYPE_BYTE | Kernel32.PIPE_READMODE_BYTE;
        pipeMode = type | Kernel32.PIPE_WAIT
                | (config.isRejectRemoteClients() ? Kernel32.PIPE_REJECT_REMOTE_CLIENTS : 0);
        int max = config.getMaxInstances();
        // One more than asked for: the name holder takes one (255 stays unlimited).
        limit = max >= Kernel32.PIPE_UNLIMITED_INSTANCES - 1 ? Kernel32.PIPE_UNLIMITED_INSTANCES : max + 1;
        outBufferSize = config.getOutBufferSize();
        inBufferSize = config.getInBufferSize();
        defaultTimeoutMillis = config.getDefaultTimeoutMillis();
        String sddl = config.getSecurityDescriptor() != null ? config.getSecurityDescriptor()
                : Advapi32.defaultPipeSddl();
        security = Advapi32.securityAttributes(sddl);
    }

    /** Whether the instances are message pipes. */
    boolean messagePipe() {
        return messagePipe;
    }

    /**
     * Creates the first instance and connects to it: from now on the name is ours.
     *
     * @throws Win32Exception {@code ERROR_ACCESS_DENIED} when someone else holds the name already
     */
    void holdName() throws Win32Exception {
        // A restart in this process: connections an earlier server of this name accepted may still be open, and
        // they keep the name, so Windows would refuse a first instance (Wine would not). The name is then ours
        // already and no stranger can have created it first: the new first instance joins them, without the flag.
        int firstOnly = Win32Handle.openInstances(address.path()) > 0 ? 0 : Kernel32.FILE_FLAG_FIRST_PIPE_INSTANCE;
        holder = create(firstOnly);
        // Clients waiting for the name (a restart with clients reconnecting) can take the first instance before our
        // own connection does. That client was never accepted: close the instance under it (it sees its pipe end
        // and retries, as after any refused connection) and make the first instance again. (A disconnected instance
        // would not listen again without an overlapped ConnectNamedPipe, so it is made afresh.)
        for (int attempt = 1; ; attempt++) {
            try {
                holderClient = PipeHandle.openPlaceholderClient(address.path());
                checkHolderReachedOurInstance();
                return;
            } catch (Win32Exception e) {
                if (e.errorCode() != Win32Error.ERROR_PIPE_BUSY || attempt == HOLD_ATTEMPTS) {
                    releaseName(); // first: the bind's error tells what else holds the name, not counting ours
                    throw e;
                }
                holder.close();
                holder = null;
                holder = create(firstOnly);
            }
        }
    }

    /**
     * The connection that holds the name must have reached our first instance, not another server's: where the
     * first-instance flag is not enforced (Wine), a server that already listens on the name (say a Node.js one) can
     * take it, and our own instances would then serve clients alongside a stranger. Our first instance's client
     * must be this process; else the name is another server's, as Windows would have said at creation.
     */
    private void checkHolderReachedOurInstance() throws Win32Exception {
        int ours = Kernel32.GetCurrentProcessId();
        int client;
        try {
            client = holder.clientProcessId();
        } catch (Win32Exception e) {
            client = 0; // no client on our first instance: the holder went elsewhere
        }
        if (client != ours) {
            holderClient.close();
            holderClient = null;
            // (Under Wine an instance with no client may report any process id: it is shown, not trusted.)
            throw new Win32Exception("holding " + address.path() + ": this server's own connection to the name reached "
                    + "another server's instance (our first instance reports client " + (client == 0 ? "none"
                    : "process " + client) + ", this is process " + ours + ")", Win32Error.ERROR_ACCESS_DENIED);
        }
    }

    /** A new instance, ready to listen, tied to the completion port {@code port}. */
    PipeHandle newListening(long port) throws Win32Exception {
        PipeHandle pipe = create(0);
        try {
            pipe.associate(port);
        } catch (Win32Exception e) {
            pipe.close();
            throw e;
        }
        return pipe;
    }

    private PipeHandle create(int extraOpenMode) throws Win32Exception {
        if (security == null) {
            throw new IllegalStateException("the instances of " + address + " were released");
        }
        return PipeHandle.createInstance(address.path(), openMode | extraOpenMode, pipeMode, limit, outBufferSize,
                inBufferSize, defaultTimeoutMillis, security.address());
    }

    /** Frees the security descriptor: no instance is made after this. */
    void stopCreating() {
        if (security != null) {
            security.free();
            security = null;
        }
    }

    /** Gives the name up: closes our connection to the first instance and the instance. Idempotent. */
    void releaseName() {
        stopCreating();
        if (holderClient != null) {
            holderClient.close();
            holderClient = null;
        }
        if (holder != null) {
            holder.close();
            holder = null;
        }
    }
}
