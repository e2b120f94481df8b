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

import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.concurrent.RejectedExecutionException;

/** The one rule for running a task on a named-pipe event loop from any thread. */
final class LoopTasks {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(LoopTasks.class);

    private LoopTasks() {
    }

    /**
     * Runs {@code task} at once when called on {@code loop}'s thread, else on the loop soon (a suspended loop is
     * resumed). The one policy for a loop that has stopped: the task is dropped (logged at debug) and false returned,
     * so a caller with a promise fails it; what the task would have freed is freed by the loop's
     * {@link NamedPipeIoHandler#destroy()}, which closes every registration still there and frees or forgets its
     * blocks. Any thread.
     */
    static boolean runOnLoop(ThreadAwareExecutor loop, Runnable task) {
        if (loop.isExecutorThread(Thread.currentThread())) {
            task.run();
            return true;
        }
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            logger.debug("The named-pipe event loop has stopped: a task for it is dropped", e);
            return false;
        }
    }
}
