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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IoHandler's registration contract, driven with a handle of the test's own and posted completions. */
@Tag("win32")
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class IoHandlerContractTest {
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("io-handler", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
    }

    /** A handle whose completion handler throws, counting its callbacks. */
    private static final class ThrowingHandle implements NamedPipeIoHandle {
        final AtomicInteger handled = new AtomicInteger();
        final AtomicInteger unregistered = new AtomicInteger();

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            handled.incrementAndGet();
            throw new IllegalStateException("thrown by the test's completion handler");
        }

        @Override
        public void unregistered() {
            unregistered.incrementAndGet();
        }

        @Override
        public void close() {
        }
    }

    /**
     * Defects: a cancel from another thread answered true every time and left the registration valid until the loop
     * ran it; a completion handler that threw skipped the bookkeeping, so a cancelled registration with that
     * operation in flight was never removed (its blocks never freed, unregistered() never called).
     */
    @Test
    void aCancelledRegistrationIsRemovedEvenWhenTheLastHandlerThrows() throws Exception {
        IoEventLoop loop = (IoEventLoop) group.next();
        ThrowingHandle handle = new ThrowingHandle();
        IoRegistration registration = loop.register(handle).get(5, TimeUnit.SECONDS);
        PipeRegistration ours = registration.attachment();
        Overlapped block = loop.submit(() -> {
            Overlapped b = ours.newOverlapped();
            b.start(); // as if an operation were in flight
            return b;
        }).get(5, TimeUnit.SECONDS);

        assertTrue(registration.cancel(), "the first cancel, from a foreign thread");
        assertFalse(registration.isValid(), "invalid as soon as cancel() returns");
        assertFalse(registration.cancel(), "a second cancel changes nothing");
        Thread.sleep(100);
        assertEquals(0, handle.unregistered.get(), "still in flight: the blocks must stay");

        long port = ours.handler().port();
        assertTrue(Kernel32.PostQueuedCompletionStatus(port, 0, 0L, block.address()) != 0);
        assertTrue(PipeTestSupport.eventually(10_000, () -> handle.unregistered.get() == 1),
                "the registration was not removed after its last completion (handled " + handle.handled.get() + ")");
        assertEquals(1, handle.handled.get());
    }
}
