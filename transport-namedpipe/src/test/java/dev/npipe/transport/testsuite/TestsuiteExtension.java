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
package dev.npipe.transport.testsuite;

import dev.npipe.transport.LeakRecorder;
import dev.npipe.transport.NamedPipe;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keeps Netty's testsuite tests from leaving anything behind for the rest of the Win32 suite, and makes what they
 * leave visible:
 * <ul>
 * <li>after each test, Netty's leak detector (PARANOID in the suite) must have reported no leak. Leaks are found
 * when buffers are garbage collected, so one may surface a test or two after the one that leaked it: the leak
 * record's access points tell where it came from. Netty's tests only log leaks; here they fail, and they no longer
 * pile up in {@link LeakRecorder} to fail whichever of our own tests checks next;</li>
 * <li>after each class, the shared event loop group of {@link NamedPipeSocketTestPermutation} is shut down (the next
 * class starts a new one), and every native handle and memory block the class opened must be closed again, as our
 * own tests require of themselves. A failure here is a failure of the class (a "container" in the launcher's
 * summary), not of one test.</li>
 * </ul>
 */
public final class TestsuiteExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            TestsuiteExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        store.put("handles", NamedPipe.openHandles());
        store.put("blocks", NamedPipe.liveNativeBlocks());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LeakRecorder.assertNoLeaks();
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        NamedPipeSocketTestPermutation.INSTANCE.shutdownGroup();
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        long handles = store.get("handles", Long.class);
        long blocks = store.get("blocks", Long.class);
        // Closing is asynchronous, and some of Netty's tests shut their own groups down without waiting (2 s quiet
        // period): give them time.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((NamedPipe.openHandles() != handles || NamedPipe.liveNativeBlocks() != blocks)
                && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertEquals(handles, NamedPipe.openHandles(), "native handles this class left open");
        assertEquals(blocks, NamedPipe.liveNativeBlocks(), "native memory blocks this class left allocated");
    }
}
