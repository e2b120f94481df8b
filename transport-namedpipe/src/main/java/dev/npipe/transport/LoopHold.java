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

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Keeps a named-pipe event loop from being suspended by Netty's auto-scaling (which suspends only a loop that counts
 * no registration) while it must keep dequeuing: a channel of another loop has its completions passed on from this
 * loop's port, or a cancelled registration (no longer counted by Netty) still has I/O in flight. A suspended loop's
 * thread is gone, so such a completion would wait in the port until a task happened to resume the loop. It holds
 * the loop with a registration of its own that does no I/O. Loop thread only.
 */
final class LoopHold {
    private final ThreadAwareExecutor executor;
    private int reasons;
    private IoRegistration registration;

    LoopHold(ThreadAwareExecutor executor) {
        this.executor = executor;
    }

    /** One more reason to keep the loop running. */
    void acquire() {
        if (reasons++ == 0 && executor instanceof IoEventLoop && !((IoEventLoop) executor).isShuttingDown()) {
            // On its own thread the loop registers at once: the future is done here.
            Future<IoRegistration> f = ((IoEventLoop) executor).register(new NoIo());
            registration = f.isSuccess() ? f.getNow() : null;
        }
    }

    /** One reason less; the loop may be suspended again when none is left. */
    void release() {
        if (--reasons == 0 && registration != null) {
            IoRegistration held = registration;
            registration = null;
            held.cancel();
        }
    }

    /** The handle of the hold's registration: no I/O, only a registration Netty counts. */
    private static final class NoIo implements NamedPipeIoHandle {
        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
        }

        @Override
        public void close() {
        }
    }
}
