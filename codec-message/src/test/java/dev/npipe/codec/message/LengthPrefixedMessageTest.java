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
package dev.npipe.codec.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LengthPrefixedMessageTest {
    private final Exceptions exceptions = new Exceptions();
    /** Makes every buffer the decoder sees or allocates. */
    private final TrackingAllocator alloc = new TrackingAllocator();
    /** Every input buffer a test wrote, so that each can be checked released at the end. */
    private final List<ByteBuf> inputs = new ArrayList<>();

    private static PipeMessage message(String text) {
        return new PipeMessage(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    /** The bytes the encoder produces for {@code texts}, each message checked to be one outbound buffer. */
    private static byte[] encode(String... texts) {
        EmbeddedChannel out = new EmbeddedChannel(new LengthPrefixedMessageEncoder());
        ByteBuf stream = Unpooled.buffer();
        for (String text : texts) {
            assertTrue(out.writeOutbound(message(text)));
            ByteBuf framed = out.readOutbound();
            assertNull(out.readOutbound(), "one message, one outbound buffer");
            stream.writeBytes(framed);
            framed.release();
        }
        assertFalse(out.finish());
        byte[] bytes = ByteBufUtil.getBytes(stream);
        stream.release();
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuf all = Unpooled.buffer();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    private EmbeddedChannel decoder(int max) {
        EmbeddedChannel ch = new EmbeddedChannel(new LengthPrefixedMessageDecoder(max), exceptions);
        ch.config().setAllocator(alloc);
        return ch;
    }

    private void write(EmbeddedChannel ch, byte[] bytes, int from, int to) {
        ByteBuf in = alloc.buffer(to - from).writeBytes(bytes, from, to - from);
        inputs.add(in);
        ch.writeInbound(in);
    }

    private static String read(EmbeddedChannel ch) {
        Object read = ch.readInbound();
        if (read == null) {
            return null;
        }
        PipeMessage m = assertInstanceOf(PipeMessage.class, read);
        String s = m.content().toString(StandardCharsets.US_ASCII);
        // A slice of the decoder's cumulation: released here, freed with the cumulation.
        m.release();
        return s;
    }

    private void finish(EmbeddedChannel ch) {
        assertFalse(ch.finish(), "nothing left in the channel");
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "input released");
        }
        alloc.assertAllReleased();
    }

    @Test
    void encoderWritesPrefixAndPayloadAsOneBufferWithoutCopying() {
        EmbeddedChannel ch = new EmbeddedChannel(new LengthPrefixedMessageEncoder());
        PipeMessage message = message("abc");
        ChannelFuture written = ch.writeAndFlush(message);
        ByteBuf framed = ch.readOutbound();
        assertNull(ch.readOutbound(), "one outbound buffer");
        assertTrue(written.isSuccess());
        assertArrayEquals(new byte[] {0, 0, 0, 3, 'a', 'b', 'c'}, ByteBufUtil.getBytes(framed));
        assertEquals(1, message.refCnt(), "the payload is referenced by the output, not copied");
        framed.release();
        assertEquals(0, message.refCnt());
        assertFalse(ch.finish());
    }

    @Test
    void encoderFramesPlainBuffersAndEmptyMessagesAndLetsOtherObjectsPass() {
        EmbeddedChannel ch = new EmbeddedChannel(new LengthPrefixedMessageEncoder());
        ByteBuf plain = Unpooled.copiedBuffer("xy", StandardCharsets.US_ASCII);
        ch.writeOutbound(plain, message(""), "not a buffer");
        ByteBuf first = ch.readOutbound();
        assertArrayEquals(new byte[] {0, 0, 0, 2, 'x', 'y'}, ByteBufUtil.getBytes(first));
        first.release();
        assertEquals(0, plain.refCnt());
        ByteBuf second = ch.readOutbound();
        assertArrayEquals(new byte[] {0, 0, 0, 0}, ByteBufUtil.getBytes(second));
        second.release();
        assertEquals("not a buffer", ch.readOutbound());
        assertNull(ch.readOutbound());
        assertFalse(ch.finish());
    }

    @Test
    void roundTrip() {
        byte[] stream = encode("one", "", "three");
        EmbeddedChannel ch = decoder(100);
        write(ch, stream, 0, stream.length);
        assertEquals("one", read(ch));
        assertEquals("", read(ch));
        assertEquals("three", read(ch));
        assertNull(ch.readInbound());
        assertTrue(exceptions.caught.isEmpty());
        finish(ch);
    }

    @Test
    void streamSplitAtEveryByteBoundary() {
        byte[] stream = encode("hello", "", "world!");
        for (int split = 0; split <= stream.length; split++) {
            EmbeddedChannel ch = decoder(100);
            write(ch, stream, 0, split);
            write(ch, stream, split, stream.length);
            assertEquals("hello", read(ch), "split at " + split);
            assertEquals("", read(ch), "split at " + split);
            assertEquals("world!", read(ch), "split at " + split);
            assertNull(ch.readInbound(), "split at " + split);
            finish(ch);
        }
        assertTrue(exceptions.caught.isEmpty());
    }

    @Test
    void streamOneByteAtATime() {
        byte[] stream = encode("hello", "", "world!");
        EmbeddedChannel ch = decoder(100);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            write(ch, stream, i, i + 1);
            for (String s; (s = read(ch)) != null; ) {
                got.add(s + "@" + i);
            }
        }
        // Each message comes out with its last byte, not before.
        assertEquals(List.of("hello@8", "@12", "world!@22"), got);
        finish(ch);
    }

    @Test
    void messageOfExactlyTheLimitIsDelivered() {
        byte[] stream = encode("1234", "12345", "ok");
        EmbeddedChannel ch = decoder(4);
        write(ch, stream, 0, stream.length);
        assertEquals("1234", read(ch));
        assertEquals("ok", read(ch));
        assertNull(ch.readInbound());
        assertEquals(1, exceptions.caught.size());
        finish(ch);
    }

    @Test
    void tooLongFailsOnceAndTheNextMessageInTheSameReadArrives() {
        byte[] stream = encode("ok1", "far too long", "ok2");
        EmbeddedChannel ch = decoder(4);
        write(ch, stream, 0, stream.length);
        assertEquals(1, exceptions.caught.size(), exceptions.caught.toString());
        TooLongFrameException e = assertInstanceOf(TooLongFrameException.class, exceptions.caught.get(0));
        assertEquals("message of 12 bytes exceeds maxMessageLength 4; discarded", e.getMessage());
        assertEquals("ok1", read(ch));
        assertEquals("ok2", read(ch));
        assertNull(ch.readInbound());
        assertTrue(ch.isOpen());
        finish(ch);
    }

    @Test
    void tooLongSpreadOverManyReadsFailsOnceAtItsPrefixAndDecodingGoesOn() {
        byte[] tooLong = encode("0123456789abcdef");
        byte[] stream = concat(tooLong, encode("ok", "yes"));
        for (int split = 1; split < stream.length; split++) {
            exceptions.caught.clear();
            EmbeddedChannel ch = decoder(8);
            write(ch, stream, 0, split);
            assertEquals(split >= 4 ? 1 : 0, exceptions.caught.size(), "fails fast, split at " + split);
            write(ch, stream, split, stream.length);
            assertEquals(1, exceptions.caught.size(), "split at " + split);
            assertInstanceOf(TooLongFrameException.class, exceptions.caught.get(0));
            assertEquals("ok", read(ch), "split at " + split);
            assertEquals("yes", read(ch), "split at " + split);
            assertNull(ch.readInbound());
            finish(ch);
        }
    }

    @Test
    void tooLongFedOneByteAtATimeFailsOnce() {
        byte[] stream = concat(encode("0123456789"), encode("ok"), encode("also too long"), encode("fine"));
        EmbeddedChannel ch = decoder(4);
        for (int i = 0; i < stream.length; i++) {
            write(ch, stream, i, i + 1);
        }
        assertEquals(2, exceptions.caught.size(), "one per too-long message: " + exceptions.caught);
        assertEquals("ok", read(ch));
        assertEquals("fine", read(ch));
        assertNull(ch.readInbound());
        assertTrue(ch.isOpen());
        finish(ch);
    }

    @Test
    void hugeAnnouncedLengthIsTooLong() {
        EmbeddedChannel ch = decoder(LengthPrefixedMessageDecoder.MAX_MESSAGE_LENGTH);
        byte[] stream = concat(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2}, encode("x"));
        write(ch, stream, 0, 6);
        assertEquals(1, exceptions.caught.size());
        assertEquals("message of 4294967295 bytes exceeds maxMessageLength 2147483643; discarded",
                exceptions.caught.get(0).getMessage());
        finish(ch);
    }

    @Test
    void zeroLimitDeliversOnlyEmptyMessages() {
        byte[] stream = encode("", "x", "");
        EmbeddedChannel ch = decoder(0);
        write(ch, stream, 0, stream.length);
        assertEquals("", read(ch));
        assertEquals("", read(ch));
        assertNull(ch.readInbound());
        assertEquals(1, exceptions.caught.size());
        finish(ch);
    }

    @Test
    void wholeMessagesPassThroughTheDecoderUntouched() {
        EmbeddedChannel ch = decoder(100);
        PipeMessage whole = message("already whole");
        ch.writeInbound(whole);
        assertSame(whole, ch.readInbound());
        assertEquals(1, whole.refCnt());
        whole.release();
        finish(ch);
    }

    @Test
    void limits() {
        assertThrows(IllegalArgumentException.class, () -> new LengthPrefixedMessageDecoder(-1));
        assertThrows(IllegalArgumentException.class,
                () -> new LengthPrefixedMessageDecoder(LengthPrefixedMessageDecoder.MAX_MESSAGE_LENGTH + 1));
        assertEquals(Integer.MAX_VALUE - 4,
                new LengthPrefixedMessageDecoder(LengthPrefixedMessageDecoder.MAX_MESSAGE_LENGTH).maxMessageLength());
    }
}
