package dev.npipe.transport;

import dev.npipe.transport.win32.Advapi32;
import dev.npipe.transport.win32.Kernel32;
import dev.npipe.transport.win32.Overlapped;
import dev.npipe.transport.win32.Win32Error;
import dev.npipe.transport.win32.Win32Exception;
import dev.npipe.transport.win32.Win32Handle;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ServerChannel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.net.BindException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A pipe server. Bound to a name, it keeps {@link NamedPipeChannelOption#LISTENING_INSTANCES} pipe instances
 * waiting with an overlapped ConnectNamedPipe each. When a client connects, a fresh instance is created first, so
 * the name never goes without a listener, and then the connected one is handed to the pipeline as a child
 * {@link NamedPipeChannel}.
 */
public final class NamedPipeServerChannel extends AbstractNamedPipeChannel implements ServerChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NamedPipeServerChannel.class);
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final int MAX_NO_DATA_RETRIES = 3;
    private static final long RECREATE_DELAY_MILLIS = 100;

    private final NamedPipeServerChannelConfig config = new NamedPipeServerChannelConfig(this);
    private final List<Instance> instances = new ArrayList<>();
    private NamedPipeAddress address;
    private boolean open = true;
    private boolean bound;
    /** The mode the instances were created with: fixed at bind, whatever the config says later. */
    private NamedPipeMode mode;
    /** The instances' security descriptor: converted from SDDL once at bind, freed at close. */
    private Advapi32.SecurityAttributes security;
    private boolean rejectRemote;
    private int maxInstances;
    /** Accepted children not registered yet when handed on; checked again after a grace period, or at close. */
    private final Set<NamedPipeChannel> awaitingRegistration = new HashSet<>();
    /** Instances whose replacement Windows refused at MAX_INSTANCES; they listen again when a child closes. */
    private final List<Instance> parked = new ArrayList<>();

    /** One pipe instance waiting for a client, and the block of its ConnectNamedPipe. */
    private static final class Instance {
        long pipe;
        final Overlapped connectOp;

        Instance(long pipe, Overlapped connectOp) {
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
        address = requested;
        mode = config.getPipeMode();
        String sddl = config.getSecurityDescriptor() != null ? config.getSecurityDescriptor()
                : PipeSecurity.defaultSddl();
        rejectRemote = config.isRejectRemoteClients();
        maxInstances = config.getMaxInstances();
        freeSecurity();
        security = Advapi32.securityAttributes(sddl);
        try {
            for (int i = 0; i < Math.min(config.getListeningInstances(), maxInstances); i++) {
                instances.add(new Instance(createPipe(i == 0), registration.newOverlapped()));
            }
        } catch (Win32Exception e) {
            for (Instance instance : instances) {
                Win32Handle.close(instance.pipe);
            }
            instances.clear();
            freeSecurity();
            BindException bindException = new BindException("cannot create pipe " + requested + ": "
                    + e.getMessage() + bindAdvice(e.errorCode()));
            bindException.initCause(e);
            throw bindException;
        }
        bound = true;
        for (Instance instance : new ArrayList<>(instances)) {
            listen(instance);
        }
    }

    private static String bindAdvice(int error) {
        if (error == Win32Error.ERROR_ACCESS_DENIED) {
            return "; the name is already in use by another server (it may have been created first to squat it)";
        }
        if (error == Win32Error.ERROR_PIPE_BUSY) {
            return "; the pipe already has its maximum number of instances";
        }
        return "";
    }

    private long createPipe(boolean first) throws Win32Exception {
        int openMode = Kernel32.PIPE_ACCESS_DUPLEX | (first ? Kernel32.FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
        int type = mode == NamedPipeMode.MESSAGE
                ? Kernel32.PIPE_TYPE_MESSAGE | Kernel32.PIPE_READMODE_MESSAGE
                : Kernel32.PIPE_TYPE_BYTE | Kernel32.PIPE_READMODE_BYTE;
        int pipeMode = type | Kernel32.PIPE_WAIT | (rejectRemote ? Kernel32.PIPE_REJECT_REMOTE_CLIENTS : 0);
        // Each instance takes its own copy of the descriptor, so one conversion serves them all.
        long pipe = Win32Handle.createNamedPipe(address.path(), openMode, pipeMode, maxInstances,
                config.getOutBufferSize(), config.getInBufferSize(), config.getDefaultTimeoutMillis(),
                security.address());
        try {
            registration.associate(pipe);
        } catch (Win32Exception e) {
            Win32Handle.close(pipe);
            throw e;
        }
        return pipe;
    }

    /** Starts an overlapped ConnectNamedPipe on the instance and handles the answers that come at once. */
    private void listen(Instance instance) {
        for (int attempt = 0; ; attempt++) {
            if (Kernel32.ConnectNamedPipe(instance.pipe, instance.connectOp.start()) != 0) {
                return; // finished at once; its completion is still posted to the port
            }
            int error = Kernel32.lastError();
            if (error == Win32Error.ERROR_IO_PENDING) {
                return;
            }
            instance.connectOp.notStarted();
            if (error == Win32Error.ERROR_PIPE_CONNECTED) {
                accepted(instance); // the client came before our call: no completion will be posted
                return;
            }
            if (error == Win32Error.ERROR_NO_DATA && attempt < MAX_NO_DATA_RETRIES) {
                Kernel32.DisconnectNamedPipe(instance.pipe); // the client came and went: reuse the instance
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
            Kernel32.DisconnectNamedPipe(instance.pipe);
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

    /** A client is connected to the instance: replace it with a fresh one, then hand it to the pipeline. */
    private void accepted(Instance instance) {
        long connected = instance.pipe;
        try {
            instance.pipe = createPipe(false);
        } catch (Win32Exception e) {
            instance.pipe = 0;
            if (e.errorCode() == Win32Error.ERROR_PIPE_BUSY) {
                parked.add(instance); // at MAX_INSTANCES: listen again when a connection closes
            } else {
                instances.remove(instance);
                logger.warn("Cannot create a new instance of {}; {} instance(s) left listening", address,
                        instances.size(), e);
                pipeline().fireExceptionCaught(e);
            }
        }
        NamedPipeChannel child = newChild(connected);
        pipeline().fireChannelRead(child);
        pipeline().fireChannelReadComplete();
        if (!child.isRegistered()) {
            closeIfNeverRegistered(child);
        }
        if (instance.pipe != 0 && open) {
            listen(instance);
        }
    }

    /**
     * A child nobody registers would keep its pipe open for good: ServerBootstrap drops a child whose pipeline
     * setup throws (a non-@Sharable child handler, say) without closing it. Close such a child after a while.
     */
    private void closeIfNeverRegistered(NamedPipeChannel child) {
        awaitingRegistration.add(child);
        eventLoop().schedule(() -> {
            awaitingRegistration.remove(child);
            if (child.abandonIfUnregistered()) {
                logger.warn("{}: an accepted connection was never registered with an event loop (did its pipeline "
                        + "setup fail? a child handler added to many channels must be @Sharable); closed it", address);
            }
        }, NamedPipeChannel.unregisteredChildGraceMillis, TimeUnit.MILLISECONDS);
    }

    private NamedPipeChannel newChild(long connected) {
        NamedPipeChannel child = new NamedPipeChannel(this, connected, address);
        child.config().setReadMode(mode);
        return child;
    }

    /** A child closed, so an instance is free under MAX_INSTANCES: put a parked instance back to listening. */
    void childClosed() {
        if (!open || parked.isEmpty()) {
            return;
        }
        Instance instance = parked.remove(0);
        try {
            instance.pipe = createPipe(false);
            listen(instance);
        } catch (Win32Exception e) {
            if (e.errorCode() == Win32Error.ERROR_PIPE_BUSY) {
                parked.add(instance); // the closed child's instance is not gone yet: try at the next close
            } else {
                instances.remove(instance);
                pipeline().fireExceptionCaught(e);
            }
        }
    }

    /** The instance failed in an unexpected way: close it and try a fresh one a little later, never in a spin. */
    private void recreateLater(Instance instance, int error) {
        logger.debug("ConnectNamedPipe on {} failed: {}; recreating the instance", address,
                Win32Error.describe(error));
        Win32Handle.close(instance.pipe);
        instance.pipe = 0;
        eventLoop().schedule(() -> {
            if (!open) {
                instances.remove(instance);
                return;
            }
            try {
                instance.pipe = createPipe(false);
                listen(instance);
            } catch (Win32Exception e) {
                instances.remove(instance);
                pipeline().fireExceptionCaught(e);
            }
        }, RECREATE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void closeInstance(Instance instance) {
        if (instance.pipe != 0) {
            Win32Handle.close(instance.pipe);
            instance.pipe = 0;
        }
        instances.remove(instance);
    }

    private void freeSecurity() {
        if (security != null) {
            security.free();
            security = null;
        }
    }

    @Override
    protected void doClose() {
        open = false;
        freeSecurity(); // no instance is created after close
        for (Instance instance : new ArrayList<>(instances)) {
            if (instance.connectOp.isPending()) {
                // The handle is closed when the cancelled connect's completion arrives.
                Kernel32.CancelIoEx(instance.pipe, 0L);
            } else {
                closeInstance(instance);
            }
        }
    }

    @Override
    void onUnregistered() {
        for (Instance instance : new ArrayList<>(instances)) {
            closeInstance(instance);
        }
        freeSecurity();
        // The grace-period checks die with this loop; a child still unregistered now never will be usable.
        for (NamedPipeChannel child : awaitingRegistration) {
            child.abandonIfUnregistered();
        }
        awaitingRegistration.clear();
    }

    @Override
    protected void doBeginRead() {
        // Instances listen from bind to close; there is nothing to start per read.
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
