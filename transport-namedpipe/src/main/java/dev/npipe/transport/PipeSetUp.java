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

import io.netty.util.internal.SystemPropertyUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import static dev.npipe.transport.ChannelState.MESSAGE_CHUNKS;
import static dev.npipe.transport.ChannelState.MESSAGE_PIPE;

/**
 * What a connected pipe needs on its event loop before its first read or write: its read-mode flags, for a server's
 * child its completion port, and the skip-on-success mode. Loop thread only.
 */
final class PipeSetUp {
    /** The channel's logger, so these messages keep the category users filter on. */
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NamedPipeChannel.class);
    private static final boolean SKIP_PORT_ON_SUCCESS =
            SystemPropertyUtil.getBoolean("dev.npipe.transport.skipCompletionPortOnSuccess", true);

    private PipeSetUp() {
    }

    /** The state flags for a pipe read with {@code readMode}, {@code messagePipe} if the server made a message pipe. */
    static int modeFlags(NamedPipeMode readMode, boolean messagePipe) {
        return (readMode == NamedPipeMode.MESSAGE ? MESSAGE_CHUNKS : 0) | (messagePipe ? MESSAGE_PIPE : 0);
    }

    /**
     * From here on a read or write that finishes at once is handled without a dequeue. Connecting is done by then,
     * so ConnectNamedPipe keeps its queued completion. {@code -Ddev.npipe.transport.skipCompletionPortOnSuccess=false}
     * turns this off (to measure what it saves).
     */
    static void skipPortOnSuccess(NamedPipeChannel channel, PipeHandle handle, boolean messagePipe) {
        int error = SKIP_PORT_ON_SUCCESS ? handle.skipCompletionPortOnSuccess(messagePipe) : 0;
        if (error != 0) {
            logger.debug("{}: SetFileCompletionNotificationModes refused: {}", channel, Win32Error.describe(error));
        }
    }

    /** Applies a child's read mode (a child option may have changed it) and moves it to its loop's port. */
    static void setUpChild(NamedPipeChannel child, ChannelState state, NamedPipeServerChannel server,
                           PipeHandle handle, boolean childOfMessagePipe) {
        NamedPipeMode readMode = child.config().getReadMode();
        if (readMode == NamedPipeMode.MESSAGE && !childOfMessagePipe) {
            throw new IllegalStateException("READ_MODE MESSAGE needs a message pipe, but " + child.pipeAddress()
                    + " is a byte pipe: set the server's PIPE_MODE to MESSAGE");
        }
        // A message pipe's instances are read in message mode from creation, whatever READ_MODE delivers.
        state.set(modeFlags(readMode, childOfMessagePipe));
        PipeRegistration registration = child.registration;
        PortSharing.PortPlan plan = PortSharing.portPlan(server.registration.handler() == registration.handler(),
                server.movePipesToChildPorts, () -> handle.moveToPort(registration.handler().port()));
        if (plan == PortSharing.PortPlan.PASSED_ON) {
            logger.debug("{} cannot move to its event loop's port; its completions are passed on", child);
            registration.passedOnBy(server.registration.handler().sharing());
        }
    }
}
