package dev.npipe.transport;

import dev.npipe.transport.win32.Advapi32;
import dev.npipe.transport.win32.Kernel32;
import dev.npipe.transport.win32.PipeHandle;
import dev.npipe.transport.win32.Win32Error;
import dev.npipe.transport.win32.Win32Exception;

/**
 * Makes a server's pipe instances with what was fixed at bind (pipe type, limits, buffer sizes, security), and
 * holds the server's name: the first instance, created with FILE_FLAG_FIRST_PIPE_INSTANCE, is connected to by the
 * server itself and kept so for the server's life. The name therefore exists every moment from bind to close,
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
                : PipeSecurity.defaultSddl();
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
        holder = create(Kernel32.FILE_FLAG_FIRST_PIPE_INSTANCE);
        // Clients waiting for the name (a restart with clients reconnecting) can take the first instance before our
        // own connection does. That client was never accepted: close the instance under it (it sees its pipe end
        // and retries, as after any refused connection) and make the first instance again. (A disconnected instance
        // would not listen again without an overlapped ConnectNamedPipe, so it is made afresh.)
        for (int attempt = 1; ; attempt++) {
            try {
                holderClient = PipeHandle.openPlaceholderClient(address.path());
                return;
            } catch (Win32Exception e) {
                if (e.errorCode() != Win32Error.ERROR_PIPE_BUSY || attempt == HOLD_ATTEMPTS) {
                    throw e;
                }
                holder.close();
                holder = null;
                holder = create(Kernel32.FILE_FLAG_FIRST_PIPE_INSTANCE);
            }
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
