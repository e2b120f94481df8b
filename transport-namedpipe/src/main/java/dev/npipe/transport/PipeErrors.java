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


import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;

/**
 * What each Win32 error means to a channel, decided in one place: the end of the pipe, a connect worth retrying,
 * and which exception type a failed call becomes.
 */
final class PipeErrors {
    private PipeErrors() {
    }

    /** The other end closed or disconnected: the input has ended, it is no failure. */
    static boolean isEndOfPipe(int error) {
        return error == Win32Error.ERROR_BROKEN_PIPE || error == Win32Error.ERROR_PIPE_NOT_CONNECTED
                || error == Win32Error.ERROR_HANDLE_EOF || error == Win32Error.ERROR_NO_DATA;
    }

    /** A client's CreateFileW failed in a way that may pass later: every instance busy, or none created yet. */
    static boolean isRetryableConnect(int error) {
        return error == Win32Error.ERROR_PIPE_BUSY || error == Win32Error.ERROR_FILE_NOT_FOUND;
    }

    /** Our own cancellation (CancelIoEx at close or shutdown), not the peer's doing. */
    static boolean isCancelled(int error) {
        return error == Win32Error.ERROR_OPERATION_ABORTED;
    }

    /** A failed read or write on a connected pipe, naming the call and the pipe. */
    static IOException ioFailure(String call, NamedPipeAddress address, int error) {
        return new Win32Exception(call + "(" + address + ")", error);
    }

    /** Why a connect failed, with what to do about it. */
    static ConnectException connectFailure(NamedPipeAddress address, Win32Exception cause) {
        String advice = "";
        if (cause.errorCode() == Win32Error.ERROR_ACCESS_DENIED) {
            advice = "; the pipe's security descriptor does not grant this user access";
        } else if (cause.errorCode() == Win32Error.ERROR_FILE_NOT_FOUND) {
            advice = "; no server has created this pipe";
        } else if (cause.errorCode() == Win32Error.ERROR_PIPE_BUSY) {
            advice = "; every instance of the pipe is busy";
        }
        ConnectException e = new ConnectException("cannot connect to " + address + ": " + cause.getMessage()
                + advice);
        e.initCause(cause);
        return e;
    }

    /** Why a bind failed, with what to do about it. */
    static BindException bindFailure(NamedPipeAddress address, Win32Exception cause) {
        String advice = "";
        int stillOpen = Win32Handle.openInstances(address.path());
        if (cause.errorCode() == Win32Error.ERROR_ACCESS_DENIED && stillOpen > 0) {
            advice = "; " + stillOpen + " instance(s) of this name are still open in this process: connections an "
                    + "earlier server of this name accepted, which keep the name until they close (Windows refuses a new "
                    + "first instance meanwhile); close them before binding the name again";
        } else if (cause.errorCode() == Win32Error.ERROR_ACCESS_DENIED) {
            advice = "; the name is already in use by another server (it may have been created first to squat it)";
        } else if (cause.errorCode() == Win32Error.ERROR_PIPE_BUSY) {
            advice = "; the pipe already has its maximum number of instances";
        }
        BindException e = new BindException("cannot create pipe " + address + ": " + cause.getMessage() + advice);
        e.initCause(cause);
        return e;
    }
}
