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
package dev.npipe.transport.local;

import dev.npipe.transport.Win32Exception;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;

import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Says the same thing on every kind when a client finds no server: "no server listens at name", with the pipe or
 * socket file and what the system said as the cause. A named pipe reports {@code ERROR_FILE_NOT_FOUND}; a socket
 * client finds no directory ({@link SocketBinding} tells that one), no socket file, or a file nobody accepts on (left
 * by a server that has gone).
 */
final class AbsentServer {
    static final String MESSAGE = "no server listens at ";
    /** winerror.h's ERROR_FILE_NOT_FOUND: CreateFileW found no pipe of that name. */
    private static final int ERROR_FILE_NOT_FOUND = 2;

    private AbsentServer() {
    }

    /**
     * The outcome of {@code connect}, with an absent server's failure replaced by one that says so.
     *
     * @param file the socket file, or {@code null} for a named pipe
     */
    static ChannelFuture explain(ChannelFuture connect, String name, SocketAddress address, Path file) {
        ChannelPromise result = connect.channel().newPromise();
        connect.addListener(f -> {
            if (f.isSuccess()) {
                result.trySuccess();
            } else if (f.isCancelled()) {
                result.cancel(false);
            } else {
                String why = file == null ? pipeAbsence(f.cause()) : socketAbsence(f.cause(), file);
                result.tryFailure(why == null ? f.cause() : failure(name, address, why, f.cause()));
            }
        });
        // Cancelling what the caller holds cancels the connect, as with a plain bootstrap.
        result.addListener(r -> {
            if (r.isCancelled()) {
                connect.cancel(false);
            }
        });
        return result;
    }

    static ConnectException failure(String name, SocketAddress address, String why, Throwable cause) {
        ConnectException e = new ConnectException(MESSAGE + name + " (" + address + ": " + why + "); start the"
                + " server first, or connect again later: a local pipe client does not wait for one");
        e.initCause(cause);
        return e;
    }

    private static String pipeAbsence(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof Win32Exception && ((Win32Exception) t).errorCode() == ERROR_FILE_NOT_FOUND) {
                return "no such pipe";
            }
        }
        return null;
    }

    private static String socketAbsence(Throwable cause, Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return "no such socket file";
        }
        // ECONNREFUSED, as the JDK and Netty's epoll/kqueue spell it; other errors (EACCES, ...) keep their own.
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ConnectException && String.valueOf(t.getMessage()).contains("Connection refused")) {
                return "nothing accepts on the socket file, left by a server that has gone";
            }
        }
        return null;
    }
}
