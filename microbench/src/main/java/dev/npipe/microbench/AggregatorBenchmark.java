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
package dev.npipe.microbench;

import dev.npipe.codec.message.PipeMessage;
import dev.npipe.codec.message.PipeMessageAggregator;
import dev.npipe.codec.message.PipeMessageChunk;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@link PipeMessageAggregator}: one message of {@code size} bytes read as chunks of {@code chunk} bytes, the way a
 * message-mode pipe delivers it (a read smaller than the message ends with ERROR_MORE_DATA; a message that fits in
 * one read arrives whole, and the aggregator only checks its length). Run with
 * {@code -prof gc} to see the bytes allocated per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AggregatorBenchmark {
    @Param({"64", "1024", "65536"})
    int size;

    /** Read size: 65536 makes every message one chunk; 4096 splits the larger ones. */
    @Param({"65536", "4096"})
    int chunk;

    private EmbeddedChannel channel;
    private ByteBuf payload;
    private ByteBufAllocator alloc;

    @Setup(Level.Trial)
    public void setUp() {
        channel = new EmbeddedChannel(new PipeMessageAggregator(1 << 20));
        alloc = channel.alloc();
        payload = alloc.directBuffer(size).writeZero(size);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        payload.release();
        channel.finishAndReleaseAll();
    }

    /** Feeds one message chunk by chunk (each a fresh pooled buffer, as the transport reads) and takes it out. */
    @Benchmark
    public int aggregate() {
        for (int offset = 0; offset < size; offset += chunk) {
            int n = Math.min(chunk, size - offset);
            ByteBuf buf = alloc.directBuffer(n).writeBytes(payload, offset, n);
            // As the transport hands them on: a message that fits in one read is already whole.
            channel.writeInbound(n == size ? new PipeMessage(buf) : new PipeMessageChunk(buf, offset + n == size));
        }
        PipeMessage message = channel.readInbound();
        int length = message.content().readableBytes();
        message.release();
        return length;
    }
}
