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
    private static final long UNREGISTERED_CHILD_GRACE_MILLIS =
            SystemPropertyUtil.getLong("dev.npipe.transport.unregisteredChildGraceMillis", 10_000);
    private static final boolean MOVE_PIPES_TO_CHILD_PORTS =
            SystemPropertyUtil.getBoolean("dev.npipe.transport.movePipesToChildPorts", true);
    /** Pipe paths (lower case) this process serves: a second bind of one is refused on every platform. */
    private static final Set<String> SERVED = ConcurrentHashMap.newKeySet();

    private final NamedPipeServerChannelConfig config = new NamedPipeServerChannelConfig(this);
    private volatile NamedPipeAddress address;
    private volatile boolean open = true;
    private volatile boolean bound;
    /** This server's entry in {@link #SERVED}, removed once; null when it holds none. Loop thread only. */
    private String servedKey;
    /** The instances and the name, as fixed at bind; null before bind. */
    private PipeInstances instances;
    /**
     * Accepted children not registered yet when handed on, and the check that closes them after a grace period;
     * a child leaves at its registration (on another loop), or at the check, or at close.
     */
    private final Map<NamedPipeChannel, Future<?>> awaitingRegistration = new HashMap<>();
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
            instances = new PipeInstances(requested, config, this);
            instances.holdName();
            instances.createListening(Math.min(config.getListeningInstances(), config.getMaxInstances()));
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
            instances.listenAll();
        } finally {
            binding = false;
        }
    }

    @Override
    void complete(NamedPipeIoEvent event) {
        instances.connectCompleted(event);
    }

    /** Whether a connection accepted now is handed on at once (else it waits for {@code read()}). */
    boolean handsOnNow() {
        return !binding && (config.isAutoRead() || readPending);
    }

    /** An accepted connection is handed on, as one read. */
    void handOnAccepted(PipeHandle connected) {
        handOn(connected);
        pipeline().fireChannelReadComplete();
    }

    /** An accepted connection waits for {@code read()} (AUTO_READ off, or the bind still running). */
    void keepUntilRead(PipeHandle connected) {
        connectedWaiting.add(connected);
    }

    /** Whether connections wait for {@code read()}: no instance listens again meanwhile. */
    boolean hasConnectionsWaiting() {
        return !connectedWaiting.isEmpty();
    }

    private void handOn(PipeHandle connected) {
        readPending = false;
        // Who the client is, read once here so the child's remote address tells clients apart at no cost later.
        NamedPipePeerAddress peer = NamedPipePeerAddress.ofAccepted(address, connected);
        if (logger.isDebugEnabled()) {
            // What the instance itself says (bytes waiting, or the error of a pipe with no client or a broken one):
            // a connection nobody expected shows whether a client really is there.
            logger.debug("{}: hands on a connection from {}, PeekNamedPipe: {}", address, peer, connected.peekState());
        }
        NamedPipeChannel child = new NamedPipeChannel(this, connected, address, peer, instances.messagePipe());
        pipeline().fireChannelRead(child);
        if (!child.isRegistered()) {
            checkRegisteredLater(child);
        }
    }

    /**
     * A child nobody registers would keep its pipe open for good: ServerBootstrap drops a child whose pipeline
     * setup throws (a non-@Sharable child handler, say) without closing it. Close such a child after a while.
     */
    private void checkRegisteredLater(NamedPipeChannel child) {
        awaitingRegistration.put(child, eventLoop().schedule(() -> {
            awaitingRegistration.remove(child);
            if (child.closeIfUnregistered()) {
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
        // A loop that has stopped drops the task: its checks went with it.
        LoopTasks.runOnLoop(eventLoop(), () -> {
            Future<?> check = awaitingRegistration.remove(child);
            if (check != null) {
                check.cancel(false);
            }
        });
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
        instances.listenAgain();
    }

    /** A child closed, so an instance may be free under MAX_INSTANCES. Any thread: runs on the server's loop. */
    void childClosed() {
        // A loop that has stopped drops the task: nothing listens any more.
        LoopTasks.runOnLoop(eventLoop(), () -> {
            if (instances != null) {
                instances.listenAgain();
            }
        });
    }

    @Override
    protected void doClose() {
        open = false;
        if (instances != null) {
            instances.cancelListens();
        }
        releaseName();
    }

    /**
     * Closes every instance, connected ones waiting for read() too, and the name holder; the name is free. Its
     * entry in {@link #SERVED} goes once: called again, by then it may be another server's.
     */
    private void releaseName() {
        if (instances != null) {
            instances.closeAll();
        }
        for (PipeHandle connected : connectedWaiting) {
            connected.close();
        }
        connectedWaiting.clear();
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
            child.closeIfUnregistered();
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
