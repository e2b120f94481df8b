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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Records every leak Netty's {@link ResourceLeakDetector} reports. Installed as a launcher-session listener so it
 * is in place before any buffer class loads; tests call {@link #assertNoLeaks()} at their end. (Netty's
 * {@code ResourceLeakDetector.setLeakListener} is per detector, and the one buffers use is a package-private field of
 * {@code AbstractByteBuf}: a factory that makes detectors reporting here is the way in without reflection.)
 */
public final class LeakRecorder implements LauncherSessionListener {
    private static final List<String> LEAKS = new ArrayList<>();
    /** Completions the loops dropped (see NamedPipeCompletionStats.dropped()) up to the last check. */
    private static long droppedSeen;
    /** Native blocks kept for good (NativeResources.keptBlocks()) up to the last check. */
    private static long keptSeen;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        install();
    }

    static void install() {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @SuppressWarnings("deprecation")
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                      long maxActive) {
                return new ResourceLeakDetector<T>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        record(resourceType + " leaked:" + records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        record(resourceType + " leaked (untraced)");
                    }
                };
            }
        });
    }

    private static synchronized void record(String leak) {
        LEAKS.add(leak);
    }

    /** A test that posted {@code count} stale packets on purpose: they are not counted against it. */
    static synchronized void expectDropped(long count) {
        droppedSeen += count;
    }

    /** A test that made a loop keep {@code count} native blocks for good on purpose. */
    static synchronized void expectKept(long count) {
        keptSeen += count;
    }

    /**
     * Collects garbage, makes the detector look at what was collected, and fails on any recorded leak; and on any
     * completion a loop dropped since the last check (a packet Windows' rules say cannot come), and on any native
     * block a stopping loop had to keep for good.
     */
    public static void assertNoLeaks() {
        long dropped = NamedPipeCompletionStats.droppedByEveryLoop();
        long kept = NativeResources.keptBlocks();
        long newlyDropped;
        long newlyKept;
        synchronized (LeakRecorder.class) {
            newlyDropped = dropped - droppedSeen;
            droppedSeen = dropped;
            newlyKept = kept - keptSeen;
            keptSeen = kept;
        }

        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            // The detector reports collected leaks when the next tracked buffer is created.
            for (int j = 0; j < 64; j++) {
                ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(16);
                buf.release();
            }
        }
        synchronized (LeakRecorder.class) {
            List<String> leaks = new ArrayList<>(LEAKS);
            LEAKS.clear();
            assertEquals(List.of(), leaks, "Netty's leak detector (PARANOID) reported leaks");
        }
        assertEquals(0, newlyDropped, "completions dropped by the loops (packets for no operation in flight, "
                + "or for one the kernel had not finished)");
        assertEquals(0, newlyKept, "native blocks kept for good: a loop stopped while I/O of its channels was "
                + "still in flight");
    }
}
