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

import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ServerChannel;
import io.netty.util.internal.SystemPropertyUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.net.BindException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A pipe server. Bound to a name, it keeps {@link NamedPipeChannelOption#LISTENING_INSTANCES} pipe instances
 * waiting with an overlapped ConnectNamedPipe each. When a client connects, a fresh instance is created first, and
 * then the connected one is handed to the pipeline as a child {@link NamedPipeChannel}.
 *
 * <p>The name exists from bind to close: the first instance is created with FILE_FLAG_FIRST_PIPE_INSTANCE (so a
 * name someone else holds fails the bind) and the server connects to it itself and keeps that connection open, so
 * however instances come and go (all children closed, an instance re-created after an error, MAX_INSTANCES 1) no
 * other process ever finds the name free and creates it.
 */
public final class NamedPipeServerChannel extends AbstractNamedPipeChannel implements ServerChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NamedPipeServerChannel.class);
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final int MAX_NO_DATA_RETRIES = 3;
    private static final long RECREATE_DELAY_MILLIS = 100;
    private static final long FIRST_PARKED_RETRY_MILLIS = 10;
    private static final long MAX_PARKED_RETRY_MILLIS = 1_000;
    private static final long UNREGISTERED_CHILD_GRACE_MILLIS =
            SystemPropertyUtil.getLong("dev.npipe.transport.unregisteredChildGraceMillis", 10_000);
    private static final boolean MOVE_PIPES_TO_CHILD_PORTS =
            SystemPropertyUtil.getBoolean("dev.npipe.transport.movePipesToChildPorts", true);
    /** Pipe paths (lower case) this process serves: a second bind of one is refused on every platform. */
    private static final Set<String> SERVED = ConcurrentHashMap.newKeySet();

    private final NamedPipeServerChannelConfig config = new NamedPipeServerChannelConfig(this);
    private final List<Instance> instances = new ArrayList<>();
    private volatile NamedPipeAddress address;
    private volatile boolean open = true;
    private volatile boolean bound;
    /** This server's entry in {@link #SERVED}, removed once; null when it holds none. Loop thread only. */
    private String servedKey;
    /** Makes the instances as fixed at bind, and holds the name; null before bind. */
    private PipeInstances factory;
    /**
     * Accepted children not registered yet when handed on, and the check that closes them after a grace period;
     * a child leaves at its registration (on another loop), or at the check, or at close.
     */
    private final Map<NamedPipeChannel, Future<?>> awaitingRegistration = new HashMap<>();
    /** Instances whose replacement Windows refused at MAX_INSTANCES; they listen again when a child closes. */
    private final List<Instance> parked = new ArrayList<>();
    /** The retry of parked instances that Windows refused after a child closed; null when none is due. */
    private Future<?> parkedRetry;
    private long parkedRetryMillis = FIRST_PARKED_RETRY_MILLIS;
    /** Connected instances waiting for {@code read()} while AUTO_READ is off. */
    private final List<PipeHandle> connectedWaiting = new ArrayList<>();
    /** {@code read()} was called and no connection has been handed on since. */
    private boolean readPending;
    /**
     * doBind is starting the first listens: a client already there waits in {@link #connectedWaiting} for the
     * {@code read()} that follows channelActive (auto-read's, or the user's), not handed on before the server is
     * active and its bind promise complete.
     */
    private boolean binding;
    /** Test hook: whether children may be moved to their own loop's port (Windows 8.1+). */
    volatile boolean movePipesToChildPorts = MOVE_PIPES_TO_CHILD_PORTS;
    /** Test hook: how long an accepted child may stay unregistered before it is closed. */
    volatile long unregisteredChildGraceMillis = UNREGISTERED_CHILD_GRACE_MILLIS;

    /** One pipe instance waiting for a client, and the block of its ConnectNamedPipe. */
    private static final class Instance {
        PipeHandle pipe;
        final Overlapped connectOp;

        Instance(PipeHandle pipe, Overlapped connectOp) {
            this.pipe = pipe;
            this.connectOp = connectOp;
        }
    }

    /** A server channel; bind it with {@code ServerBootstrap.bind(new NamedPipeAddress(...))}. */
    public NamedPipeServerChannel() {
        super(null);
    }

    @Override
    public NamedPipeServerChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && bound;
    }

    @Override
    public NamedPipeAddress localAddress() {
        return (NamedPipeAddress) super.localAddress();
    }

    @Override
    public NamedPipeAddress remoteAddress() {
        return null;
    }

    @Override
    protected SocketAddress localAddress0() {
        return address;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new AbstractNamedPipeUnsafe() {
            @Override
            public void connect(SocketAddress remote, SocketAddress local, io.netty.channel.ChannelPromise promise) {
                promise.setFailure(new UnsupportedOperationException("a pipe server does not connect"));
            }

            @Override
            public void deregister(io.netty.channel.ChannelPromise promise) {
                if (isOpen() && isRegistered() && bound) {
                    promise.setFailure(new UnsupportedOperationException("a pipe server cannot leave its event "
                            + "loop: Windows ties its instances to that loop's completion port; close it instead"));
                    return;
                }
                super.deregister(promise);
            }
        };
    }

    @Override
    void onRegistered() {
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        if (!(localAddress instanceof NamedPipeAddress)) {
            throw new IllegalArgumentException("not a NamedPipeAddress: " + localAddress);
        }
        NamedPipeAddress requested = (NamedPipeAddress) localAddress;
        if (!requested.isLocal()) {
            throw new BindException("cannot serve " + requested + ": a server creates pipes on this machine only"
                    + " (use \\\\.\\pipe\\" + requested.name() + ")");
        }
        String key = requested.path().toLowerCase(Locale.ROOT);
        if (!SERVED.add(key)) {
            throw new BindException("cannot serve " + requested + ": this process already serves that name");
        }
        servedKey = key;
        boolean created = false;
        try {
            factory = new PipeInstances(requested, config);
            factory.holdName();
            int count = Math.min(config.getListeningInstances(), config.getMaxInstances());
            for (int i = 0; i < count; i++) {
                // The block first: it is the registration's (freed with it), a pipe made before a failure would leak.
                Overlapped connectOp = registration.newOverlapped();
                instances.add(new Instance(factory.newListening(registration.handler().port()), connectOp));
            }
            created = true;
        } catch (Win32Exception e) {
            throw PipeErrors.bindFailure(requested, e);
        } finally {
            if (!created) {
                releaseName(); // whatever failed: the name, its entry and the instances made so far go back
            }
        }
        address = requested;
        bound = true;
        binding = true;
        try {
            for (Instance instance : new ArrayList<>(instances)) {
                listen(instance);
            }
        } finally {
            binding = false;
        }
    }

    /** A new listening instance on this loop's port. */
    private PipeHandle newInstance() throws Win32Exception {
        return factory.newListening(registration.handler().port());
    }

    /** Starts an overlapped ConnectNamedPipe on the instance and handles the answers that come at once. */
    private void listen(Instance instance) {
        for (int attempt = 0; ; attempt++) {
            PipeHandle.Start start = instance.pipe.listen(instance.connectOp);
            if (start == PipeHandle.Start.QUEUED) {
                return; // pending, or finished at once: either way its completion is queued
            }
            if (start == PipeHandle.Start.DONE_AT_ONCE) {
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

    @Override
    void completed(NamedPipeIoEvent event) {
        Instance instance = find(event.overlapped());
        if (instance == null) {
            return;
        }
        int error = event.error();
        if (!open) {
            closeInstance(instance);
        } else if (error == 0 || error == Win32Error.ERROR_PIPE_CONNECTED) {
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
        if (!binding && (config.isAutoRead() || readPending)) {
            relisten(instance);
            handOn(connected);
            pipeline().fireChannelReadComplete();
        } else {
            connectedWaiting.add(connected);
            parked.add(instance); // listens again when read() takes the connection
        }
    }

    /** Gives the instance a fresh pipe and listens on it; parks it at MAX_INSTANCES. */
    private void relisten(Instance instance) {
        try {
            instance.pipe = newInstance();
        } catch (Win32Exception e) {
            if (e.errorCode() == Win32Error.ERROR_PIPE_BUSY) {
                parked.add(instance); // at MAX_INSTANCES: listen again when a connection closes
            } else {
                instances.remove(instance);
                logger.warn("Cannot create a new instance of {}; {} instance(s) left listening", address,
                        instances.size(), e);
                pipeline().fireExceptionCaught(e);
            }
            return;
        }
        listen(instance);
    }

    private void handOn(PipeHandle connected) {
        readPending = false;
        // Who the client is, read once here so the child's remote address tells clients apart at no cost later.
        NamedPipePeerAddress peer = NamedPipePeerAddress.ofAccepted(address, connected);
        NamedPipeChannel child = new NamedPipeChannel(this, connected, address, peer, factory.messagePipe());
        pipeline().fireChannelRead(child);
        if (!child.isRegistered()) {
            closeIfNeverRegistered(child);
        }
    }

    /**
     * A child nobody registers would keep its pipe open for good: ServerBootstrap drops a child whose pipeline
     * setup throws (a non-@Sharable child handler, say) without closing it. Close such a child after a while.
     */
    private void closeIfNeverRegistered(NamedPipeChannel child) {
        awaitingRegistration.put(child, eventLoop().schedule(() -> {
            awaitingRegistration.remove(child);
            if (child.abandonIfUnregistered()) {
                logger.warn("{}: an accepted connection was never registered with an event loop (did its pipeline "
                        + "setup fail? a child handler added to many channels must be @Sharable); closed it", address);
                childClosed();
            }
        }, unregisteredChildGraceMillis, TimeUnit.MILLISECONDS));
    }

    /**
     * A child handed on unregistered has been registered (on another loop): its check is cancelled, so neither the
     * timer nor the reference to the child outlives it. Any thread: runs on the server's loop.
     */
    void childRegistered(NamedPipeChannel child) {
        if (!eventLoop().inEventLoop()) {
            try {
                eventLoop().execute(() -> childRegistered(child));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the server's loop is stopping: its checks go with it
            }
            return;
        }
        Future<?> check = awaitingRegistration.remove(child);
        if (check != null) {
            check.cancel(false);
        }
    }

    /** Accepted children whose registration is still awaited; for tests. Loop thread only. */
    int childrenAwaitingRegistration() {
        return awaitingRegistration.size();
    }

    @Override
    protected void doBeginRead() {
        if (!isActive()) {
            return;
        }
        readPending = true;
        if (connectedWaiting.isEmpty()) {
            return; // the next client to connect is handed on
        }
        List<PipeHandle> waiting = new ArrayList<>(connectedWaiting);
        connectedWaiting.clear();
        for (PipeHandle connected : waiting) {
            handOn(connected);
        }
        pipeline().fireChannelReadComplete();
        listenParked();
    }

    /** A child closed, so an instance may be free under MAX_INSTANCES. Any thread: runs on the server's loop. */
    void childClosed() {
        if (!eventLoop().inEventLoop()) {
            try {
                eventLoop().execute(this::childClosed);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the server's loop is stopping: nothing to listen for any more
            }
            return;
        }
        listenParked();
    }

    /** Puts parked instances back to listening while Windows allows new instances and nobody waits for read(). */
    private void listenParked() {
        while (open && !parked.isEmpty() && connectedWaiting.isEmpty()) {
            Instance instance = parked.remove(0);
            try {
                instance.pipe = newInstance();
            } catch (Win32Exception e) {
                if (e.errorCode() == Win32Error.ERROR_PIPE_BUSY) {
                    // The closed child's instance is not gone yet, or someone else took it: try at the next close,
                    // and on a back-off meanwhile, since that close may have been the last one.
                    parked.add(0, instance);
                    retryParkedLater();
                } else {
                    instances.remove(instance);
                    pipeline().fireExceptionCaught(e);
                }
                return;
            }
            listen(instance);
        }
        if (parked.isEmpty()) {
            parkedRetryMillis = FIRST_PARKED_RETRY_MILLIS;
        }
    }

    /** Tries the parked instances again after a back-off growing from 10 ms to 1 s; one retry is due at most. */
    private void retryParkedLater() {
        if (parkedRetry != null || !open) {
            return;
        }
        long delay = parkedRetryMillis;
        parkedRetryMillis = Math.min(delay * 2, MAX_PARKED_RETRY_MILLIS);
        parkedRetry = eventLoop().schedule(() -> {
            parkedRetry = null;
            listenParked();
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** The instance failed in an unexpected way: close it and try a fresh one a little later, never in a spin. */
    private void recreateLater(Instance instance, int error) {
        logger.debug("ConnectNamedPipe on {} failed: {}; recreating the instance", address,
                Win32Error.describe(error));
        instance.pipe.close();
        instance.pipe = null;
        eventLoop().schedule(() -> {
            if (!open) {
                instances.remove(instance);
                return;
            }
            try {
                instance.pipe = newInstance();
                listen(instance);
            } catch (Win32Exception e) {
                instances.remove(instance);
                pipeline().fireExceptionCaught(e);
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

    private void closeAllInstances() {
        for (Instance instance : new ArrayList<>(instances)) {
            closeInstance(instance);
        }
        for (PipeHandle connected : connectedWaiting) {
            connected.close();
        }
        connectedWaiting.clear();
        parked.clear();
        if (parkedRetry != null) {
            parkedRetry.cancel(false);
            parkedRetry = null;
        }
        if (factory != null) {
            factory.releaseName();
        }
    }

    @Override
    protected void doClose() {
        open = false;
        for (Instance instance : instances) {
            if (instance.connectOp.isPending()) {
                // Cancelled, then closed at once: the aborted connect still completes to our port, and its block
                // is freed only then, but the name must be free when close() returns, for a bind that follows.
                instance.pipe.cancelAll();
            }
        }
        releaseName();
    }

    /**
     * Closes every instance, connected ones waiting for read() too, and the name holder; the name is free. Its
     * entry in {@link #SERVED} goes once: called again, by then it may be another server's.
     */
    private void releaseName() {
        closeAllInstances();
        String key = servedKey;
        servedKey = null;
        if (key != null) {
            SERVED.remove(key);
        }
    }

    @Override
    void onUnregistered() {
        releaseName();
        bound = false;
        // The grace-period checks die with this loop; a child still unregistered now never will be usable.
        for (NamedPipeChannel child : awaitingRegistration.keySet()) {
            child.abandonIfUnregistered();
        }
        awaitingRegistration.clear();
    }

    @Override
    protected void doDisconnect() {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException("a pipe server does not write; write to its child channels");
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException("a pipe server does not write; write to its child channels");
    }
}
