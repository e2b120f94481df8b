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

import dev.npipe.codec.message.LengthPrefixedMessageDecoder;
import dev.npipe.codec.message.LengthPrefixedMessageEncoder;
import dev.npipe.codec.message.PipeMessage;
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
 * Length-prefixed framing, the byte-pipe way to carry messages: encoding one {@link PipeMessage}, and decoding a
 * stream of {@code batch} framed messages read as one buffer. Run with {@code -prof gc} for bytes per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FramingBenchmark {
    @Param({"64", "1024", "65536"})
    int size;

    private EmbeddedChannel encoder;
    private EmbeddedChannel decoder;
    private ByteBufAllocator alloc;
    private ByteBuf payload;
    private ByteBuf framed;

    @Setup(Level.Trial)
    public void setUp() {
        encoder = new EmbeddedChannel(new LengthPrefixedMessageEncoder());
        decoder = new EmbeddedChannel(new LengthPrefixedMessageDecoder(1 << 20));
        alloc = encoder.alloc();
        payload = alloc.directBuffer(size).writeZero(size);
        framed = alloc.directBuffer(size + 4).writeInt(size).writeBytes(payload, 0, size);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        payload.release();
        framed.release();
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }

    /** One message out: the encoder adds the length prefix (one composite, no copy of the payload). */
    @Benchmark
    public int encode() {
        encoder.writeOutbound(new PipeMessage(payload.retainedDuplicate()));
        ByteBuf out = encoder.readOutbound();
        int length = out.readableBytes();
        out.release();
        return length;
    }

    /** One framed message in, one {@link PipeMessage} out. */
    @Benchmark
    public int decode() {
        decoder.writeInbound(framed.retainedDuplicate());
        PipeMessage message = decoder.readInbound();
        int length = message.content().readableBytes();
        message.release();
        return length;
    }
}
