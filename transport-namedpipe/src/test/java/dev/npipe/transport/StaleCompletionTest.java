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
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop's guard: a dequeued packet that is not the completion of an operation in flight (no operation in flight on
 * its block, or one the kernel has not finished) is dropped and counted, never delivered. Packets are posted here as
 * a stale kernel packet would arrive: same port, same OVERLAPPED address.
 */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StaleCompletionTest {
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("stale", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void packetsForNoOperationInFlightOrOneStillInTheKernelAreDroppedAndCounted() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        SimpleChannelInboundHandler<ByteBuf> collector = new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                received.add(msg.toString(StandardCharsets.US_ASCII));
            }
        };
        try (PipePair pair = new PipePair(group, sb -> { }, b -> { }, collector, null)) {
            NamedPipeIoHandler loop = pair.child.registration.handler();
            long droppedBefore = loop.stats().dropped();
            // The child's read waits for data (STATUS_PENDING in its block); its write has nothing in flight.
            Overlapped read = pair.child.eventLoop().submit(pair.child::readBlock).get();
            Overlapped write = pair.child.eventLoop().submit(pair.child::writeBlock).get();
            assertTrue(PipeTestSupport.eventually(10_000, () -> read.isPending() && !read.hasKernelFinished()),
                    "the child's read never waited");
            assertEquals(1, Kernel32.PostQueuedCompletionStatus(loop.port(), 7, 0L, read.address()));
            assertEquals(1, Kernel32.PostQueuedCompletionStatus(loop.port(), 9, 0L, write.address()));
            assertTrue(PipeTestSupport.eventually(10_000, () -> loop.stats().dropped() == droppedBefore + 2),
                    "dropped " + (loop.stats().dropped() - droppedBefore) + " of the 2 stale packets");

            // The read that waited is still the kernel's and gets the real bytes, once.
            pair.client.writeAndFlush(Unpooled.copiedBuffer("after", StandardCharsets.US_ASCII)).sync();
            StringBuilder all = new StringBuilder();
            while (all.length() < 5) {
                String part = received.poll(10, TimeUnit.SECONDS);
                assertTrue(part != null, "the child read " + all + " only");
                all.append(part);
            }
            assertEquals("after", all.toString());
            Thread.sleep(100);
            assertTrue(received.isEmpty(), "delivered more than was written: " + received);
        }
        // This test's own two drops were expected; the leak check counts only those after it.
        LeakRecorder.expectDropped(2);
    }
}
