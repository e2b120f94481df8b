package dev.npipe.transport;

import dev.npipe.transport.win32.PipeHandle;
import dev.npipe.transport.win32.Win32Exception;

import java.net.ConnectException;

/**
 * {@link NamedPipeChannelOption#REQUIRED_SERVER_USER}: refuses a pipe whose owner is not the required SID, since
 * whoever created the name first may be a squatter. The owner is read from the connected handle itself (no process
 * is opened, so it works for SYSTEM and service servers, cannot meet a reused pid, and is right for remote pipes).
 */
final class ServerOwnerCheck {
    private ServerOwnerCheck() {
    }

    static void verify(PipeHandle pipe, NamedPipeAddress address, String requiredSid) throws ConnectException {
        String owner;
        try {
            owner = pipe.ownerSid();
        } catch (Win32Exception e) {
            ConnectException refused = new ConnectException("cannot tell who owns " + address + ": "
                    + e.getMessage() + "; REQUIRED_SERVER_USER cannot be checked, so the connection is refused");
            refused.initCause(e);
            throw refused;
        }
        if (!requiredSid.equalsIgnoreCase(owner)) {
            throw new ConnectException("the pipe " + address + " is owned by " + owner + ", not " + requiredSid
                    + " as REQUIRED_SERVER_USER demands; another program may have created the name first to squat it"
                    + " (a server running elevated usually owns its pipes as Administrators, S-1-5-32-544)");
        }
    }
}
