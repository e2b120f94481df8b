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

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A server's pipe instances: it makes them with what was fixed at bind (pipe type, limits, buffer sizes, security),
 * keeps them listening (an overlapped ConnectNamedPipe each), hands each connection to the server, and re-creates
 * an instance in one way whatever took it (a connection, an error, Windows' MAX_INSTANCES). Loop thread only. It
 * holds the server's name: the first instance, created with FILE_FLAG_FIRST_PIPE_INSTANCE (unless connections of an
 * earlier server of this name in this process still hold it), is connected to by the server itself, which checks
 * that it reached that instance, and kept so for the server's life. The name therefore exists every moment from bind to close,
 * whatever the other instances do, and no other process can create it in between.
 */
final class PipeInstances {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PipeInstances.class);
    private static final int MAX_NO_DATA_RETRIES = 3;
    private static final long RECREATE_DELAY_MILLIS = 100;
    private static final long FIRST_LISTEN_RETRY_MILLIS = 10;
    private static final long MAX_LISTEN_RETRY_MILLIS = 1_000;

    private final NamedPipeServerChannel server;
    private final List<Instance> instances = new ArrayList<>();
    /**
     * Instances without a pipe: Windows refused a new one at MAX_INSTANCES, or their connection waits for
     * {@code read()}; they listen again when a child closes or read() takes the connection.
     */
    private final List<Instance> notListening = new ArrayList<>();
    /** The retry of instances Windows refused after a child closed; null when none is due. */
    private Future<?> listenRetry;
    private long listenRetryMillis = FIRST_LISTEN_RETRY_MILLIS;
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

    /** One pipe instance waiting for a client, and the block of its ConnectNamedPipe. */
    private static final class Instance {
        PipeHandle pipe;
        final Overlapped connectOp;

        Instance(PipeHandle pipe, Overlapped connectOp) {
            this.pipe = pipe;
            this.connectOp = connectOp;
        }
    }

    /** Takes the options from the server's config as they are at bind. */
    PipeInstances(NamedPipeAddress address, NamedPipeServerChannelConfig config, NamedPipeServerChannel server) {
        this.address = address;
        this.server = server;
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

    /** Creates {@code count} listening instances on the server loop's port (bind). */
    void createListening(int count) throws Win32Exception {
        for (int i = 0; i < count; i++) {
            // The block first: it is the registration's (freed with it), a pipe made before a failure would leak.
            Overlapped connectOp = server.registration.newOverlapped();
            instances.add(new Instance(newInstance(), connectOp));
        }
    }

    /** Starts the first listens (bind). */
    void listenAll() {
        for (Instance instance : new ArrayList<>(instances)) {
            listen(instance);
        }
    }

    /** A new listening instance on this loop's port. */
    private PipeHandle newInstance() throws Win32Exception {
        return newListening(server.registration.handler().port());
    }

    /** Starts an overlapped ConnectNamedPipe on the instance and handles the answers that come at once. */
    private void listen(Instance instance) {
        for (int attempt = 0; ; attempt++) {
            PipeHandle.Start start = instance.pipe.listen(instance.connectOp);
            if (start == PipeHandle.Start.QUEUED) {
                return; // pending, or finished at once: either way its completion is queued
            }
            if (start == PipeHandle.Start.DONE_AT_ONCE) {
                if (logger.isDebugEnabled()) {
                    logger.debug("{}: a client connected to instance {} before its ConnectNamedPipe", address,
                            instances.indexOf(instance));
                }
                accepted(instance); // the client came before our call: no completion will be queued
                return;
            }
            int error = instance.connectOp.startError();
            if (error == Win32Error.ERROR_NO_DATA && attempt < MAX_NO_DATA_RETRIES) {
                instance.pipe.disconnect(); // the client came and went: reuse the instance
                continue;
            }
            recreateLater(instance, error);
            return;
        }
    }

    /** The completion of a ConnectNamedPipe. */
    void connectCompleted(NamedPipeIoEvent event) {
        Instance instance = find(event.overlapped());
        if (instance == null) {
            return;
        }
        int error = event.error();
        if (!server.isOpen()) {
            closeInstance(instance);
        } else if (error == 0 || error == Win32Error.ERROR_PIPE_CONNECTED) {
            if (logger.isDebugEnabled()) {
                logger.debug("{}: ConnectNamedPipe on instance {} completed ({}, {} bytes)", address,
                        instances.indexOf(instance), error == 0 ? "success" : Win32Error.describe(error), event.bytes());
            }
            accepted(instance);
        } else if (error == Win32Error.ERROR_NO_DATA) {
            instance.pipe.disconnect();
            listen(instance);
        } else {
            recreateLater(instance, error);
        }
    }

    private Instance find(Overlapped block) {
        for (Instance instance : instances) {
            if (instance.connectOp == block) {
                return instance;
            }
        }
        return null;
    }

    /**
     * A client is connected to the instance: replace it with a fresh listening one, then hand it on, or keep it
     * until {@code read()} while AUTO_READ is off.
     */
    private void accepted(Instance instance) {
        PipeHandle connected = instance.pipe;
        instance.pipe = null;
        if (server.handsOnNow()) {
            if (!recreate(instance)) {
                notListening.add(instance); // at MAX_INSTANCES: listens again when a connection closes
            }
            server.handOnAccepted(connected);
        } else {
            server.keepUntilRead(connected);
            notListening.add(instance); // listens again when read() takes the connection
        }
    }

    /**
     * Gives the instance a fresh pipe and listens on it. False when Windows refused at MAX_INSTANCES
     * ({@code ERROR_PIPE_BUSY}): the caller keeps it among those not listening. Any other failure drops the instance and fires the error.
     */
    private boolean recreate(Instance instance) {
        try {
            instance.pipe = newInstance();
        } catch (Win32Exception e) {
            if (e.errorCode() == Win32Error.ERROR_PIPE_BUSY) {
                return false;
            }
            instances.remove(instance);
            logger.warn("Cannot create a new instance of {}; {} instance(s) left listening", address,
                    instances.size(), e);
            server.pipeline().fireExceptionCaught(e);
            return true;
        }
        listen(instance);
        return true;
    }


    /** Puts notListening instances back to listening while Windows allows new instances and nobody waits for read(). */
    void listenAgain() {
        while (server.isOpen() && !notListening.isEmpty() && !server.hasConnectionsWaiting()) {
            Instance instance = notListening.remove(0);
            if (!recreate(instance)) {
                // The closed child's instance is not gone yet, or someone else took it: try at the next close,
                // and on a back-off meanwhile, since that close may have been the last one.
                notListening.add(0, instance);
                retryListenLater();
                return;
            }
        }
        if (notListening.isEmpty()) {
            listenRetryMillis = FIRST_LISTEN_RETRY_MILLIS;
        }
    }

    /** Tries the notListening instances again after a back-off growing from 10 ms to 1 s; one retry is due at most. */
    private void retryListenLater() {
        if (listenRetry != null || !server.isOpen()) {
            return;
        }
        long delay = listenRetryMillis;
        listenRetryMillis = Math.min(delay * 2, MAX_LISTEN_RETRY_MILLIS);
        listenRetry = server.eventLoop().schedule(() -> {
            listenRetry = null;
            listenAgain();
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** The instance failed in an unexpected way: close it and try a fresh one a little later, never in a spin. */
    private void recreateLater(Instance instance, int error) {
        logger.debug("ConnectNamedPipe on {} failed: {}; recreating the instance", address,
                Win32Error.describe(error));
        instance.pipe.close();
        instance.pipe = null;
        server.eventLoop().schedule(() -> {
            if (!server.isOpen()) {
                instances.remove(instance);
            } else if (!recreate(instance)) {
                notListening.add(instance);
                retryListenLater();
            }
        }, RECREATE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void closeInstance(Instance instance) {
        if (instance.pipe != null) {
            instance.pipe.close();
            instance.pipe = null;
        }
        instances.remove(instance);
    }

    /** Closes every instance and gives the name up; connections waiting for read() are the server's. */
    void closeAll() {
        for (Instance instance : new ArrayList<>(instances)) {
            closeInstance(instance);
        }
        notListening.clear();
        if (listenRetry != null) {
            listenRetry.cancel(false);
            listenRetry = null;
        }
        releaseName();
    }

    /**
     * The server closes: listens in flight are cancelled, then closed at once; the aborted connect still completes
     * to the port, and its block is freed only then, but the name must be free when close() returns.
     */
    void cancelListens() {
        for (Instance instance : instances) {
            if (instance.connectOp.isPending()) {
                instance.pipe.cancelAll();
            }
        }
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
