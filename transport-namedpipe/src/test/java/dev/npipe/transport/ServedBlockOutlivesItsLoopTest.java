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

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child whose completions come through its server loop's port (Wine, Windows before 8.1) and whose own loop stops
 * while a finished read's packet still sits in that port, because the server loop is busy: the child's loop gives
 * up waiting and delivers the read from its block; the block must outlive it, since the server loop reads it to pass
 * the packet on. It stays allocated, unknown to every loop, and the packet is dropped and counted, not passed on to
 * the child loop's closed port.
 */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServedBlockOutlivesItsLoopTest {
    @Test
    void aPacketForAChildWhoseLoopStoppedIsDroppedNotPassedToItsClosedPort() throws Exception {
        NamedPipeEventLoopGroup boss = PipeTestSupport.newGroup("outlive-boss", 1);
        NamedPipeEventLoopGroup workers = PipeTestSupport.newGroup("outlive-workers", 1);
        NamedPipeEventLoopGroup clients = PipeTestSupport.newGroup("outlive-clients", 1);
        try {
            EchoServer server = new EchoServer(boss, workers, PipeTestSupport.uniqueAddress());
            NamedPipeServerChannel serverChannel = (NamedPipeServerChannel) server.channel;
            serverChannel.movePipesToChildPorts = false; // what Wine and Windows before 8.1 do
            Channel client = new Bootstrap().group(clients).channel(NamedPipeChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(serverChannel.localAddress()).sync().channel();
            assertTrue(PipeTestSupport.eventually(10_000, () -> server.children.size() == 1), "no child");
            NamedPipeIoHandler bossLoop = serverChannel.registration.handler();
            long droppedBefore = bossLoop.stats().dropped();
            long passedBefore = bossLoop.stats().passedOn();
            long blocksBefore = NativeResources.liveBlocks();
            long keptBefore = NativeResources.keptBlocks();

            // The server loop is busy for longer than a stopping loop waits for its completions (5 s).
            CountDownLatch busy = new CountDownLatch(1);
            serverChannel.eventLoop().execute(() -> {
                busy.countDown();
                sleep(9_000);
            });
            assertTrue(busy.await(5, TimeUnit.SECONDS));
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync(); // finishes the child's read
            Thread.sleep(200);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            assertTrue(workers.awaitTermination(30, TimeUnit.SECONDS), "the child's loop did not stop");

            // Had the block been freed, new blocks of its size would likely take its memory: each names a decoy port
            // where the block's owner port was, so a use after free passes the packet on to the decoy.
            long decoy = Win32Handle.createCompletionPort();
            List<NativeBlock> reuse = new ArrayList<>();
            try {
                for (int i = 0; i < 4_000; i++) {
                    NativeBlock block = new NativeBlock(Overlapped.SIZE);
                    block.view().putLong(Overlapped.OWNER_PORT_OFFSET, decoy);
                    reuse.add(block);
                }
                assertTrue(PipeTestSupport.eventually(15_000, () -> bossLoop.stats().dropped() > droppedBefore
                                || bossLoop.stats().passedOn() > passedBefore),
                        "the server loop never dequeued the stale packet");
                NativeBlock entries = new NativeBlock(Kernel32.OVERLAPPED_ENTRY_SIZE * 4);
                NativeBlock removed = new NativeBlock(8);
                int atDecoy = Kernel32.GetQueuedCompletionStatusEx(decoy, entries.address(), 4, removed.address(), 500,
                        0) == 0 ? 0 : removed.view().getInt(0);
                entries.free();
                removed.free();
                assertEquals(0, atDecoy, "the packet was passed on through freed memory (to the decoy port)");
                assertEquals(passedBefore, bossLoop.stats().passedOn(), "passed on to a stopped loop's port");
            } finally {
                reuse.forEach(NativeBlock::free);
                Win32Handle.close(decoy);
            }
            LeakRecorder.expectDropped(bossLoop.stats().dropped() - droppedBefore);
            // The child's read block stays allocated for good, counted apart; its write block was freed.
            assertEquals(keptBefore + 1, NativeResources.keptBlocks(), "blocks kept for good");
            LeakRecorder.expectKept(1);
            assertTrue(NativeResources.liveBlocks() <= blocksBefore, "blocks " + NativeResources.liveBlocks()
                    + " (were " + blocksBefore + ")");
            client.close().sync();
        } finally {
            PipeTestSupport.shutdown(clients, workers, boss);
        }
        LeakRecorder.assertNoLeaks();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
