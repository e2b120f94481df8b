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

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a stopped event loop's completion port serving the channels of other loops that are tied to it. Where
 * Windows cannot move a pipe handle to another port (Wine, Windows before 8.1) a server's children get their
 * completions through the server loop's port for their whole life. When the server's group stops first (a boss
 * group shut down before its workers), this thread takes over the port: it passes each completion on to the loop
 * that owns it, and closes the port once the last such channel has closed. The children keep working meanwhile.
 */
final class PortRelay implements Runnable {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PortRelay.class);
    private static final AtomicInteger COUNT = new AtomicInteger();
    /** Relays whose port is still open; tests wait for 0 before they count handles. */
    private static final AtomicInteger RUNNING = new AtomicInteger();
    /** How often the relay checks whether its last channel has gone. */
    private static final int POLL_MILLIS = 100;

    private final NamedPipeIoHandler handler;

    private PortRelay(NamedPipeIoHandler handler) {
        this.handler = handler;
    }

    /** Starts relaying for {@code handler}, whose loop has stopped and whose own registrations are all gone. */
    static void start(NamedPipeIoHandler handler) {
        Thread thread = new Thread(new PortRelay(handler), "npipe-port-relay-" + COUNT.incrementAndGet());
        thread.setDaemon(true); // a process that exits ends its pipes anyway
        RUNNING.incrementAndGet();
        thread.start();
        logger.debug("A named-pipe event loop stopped while pipes of other loops still use its completion port; "
                + "{} passes their completions on until they close", thread.getName());
    }

    /** {@return how many relays have not closed their port yet} */
    static int running() {
        return RUNNING.get();
    }

    @Override
    public void run() {
        try {
            while (!handler.closePortUnlessServing()) {
                handler.passOnDequeued(POLL_MILLIS);
            }
        } finally {
            RUNNING.decrementAndGet();
        }
    }
}
