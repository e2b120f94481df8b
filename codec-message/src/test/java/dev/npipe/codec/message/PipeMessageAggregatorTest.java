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
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipeMessageAggregatorTest {
    private final Exceptions exceptions = new Exceptions();
    /** Makes every buffer of a test: the chunks and what the aggregator allocates. */
    private final TrackingAllocator alloc = new TrackingAllocator();
    /** Every chunk a test made, so that each can be checked released at the end. */
    private final List<PipeMessageChunk> made = new ArrayList<>();

    private EmbeddedChannel channel(int max) {
        return withAlloc(new EmbeddedChannel(new PipeMessageAggregator(max), exceptions));
    }

    private EmbeddedChannel withAlloc(EmbeddedChannel ch) {
        ch.config().setAllocator(alloc);
        return ch;
    }

    private PipeMessageChunk chunk(String text, boolean last) {
        PipeMessageChunk c = new PipeMessageChunk(alloc.buffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII)),
                last);
        made.add(c);
        return c;
    }

    /** Reads the next inbound message, checks it is a PipeMessage, releases it and returns its text. */
    private static String readMessage(EmbeddedChannel ch) {
        Object read = ch.readInbound();
        if (read == null) {
            return null;
        }
        PipeMessage message = assertInstanceOf(PipeMessage.class, read);
        try {
            return message.content().toString(StandardCharsets.US_ASCII);
        } finally {
            assertTrue(message.release(), "message fully released by its reader");
        }
    }

    /** Closes the channel, checks nothing is left in it, and that every chunk and every buffer was released. */
    private void finish(EmbeddedChannel ch) {
        assertFalse(ch.finish(), "nothing left in the channel");
        for (PipeMessageChunk c : made) {
            assertEquals(0, c.refCnt(), c + " released");
        }
        alloc.assertAllReleased();
    }

    private void assertOneTooLong(String... expectedParts) {
        assertEquals(1, exceptions.caught.size(), "exactly one exception: " + exceptions.caught);
        Throwable e = assertInstanceOf(TooLongFrameException.class, exceptions.caught.get(0));
        for (String part : expectedParts) {
            assertTrue(e.getMessage().contains(part), e.getMessage() + " should contain " + part);
        }
    }

    @Test
    void oneChunkIsOneMessageWithoutACopy() {
        EmbeddedChannel ch = channel(100);
        PipeMessageChunk only = chunk("hello", true);
        ch.writeInbound(only);
        PipeMessage message = ch.readInbound();
        assertSame(only.content(), message.content(), "the chunk's buffer, not a copy");
        assertEquals(1, alloc.allocations());
        assertEquals("hello", message.content().toString(StandardCharsets.US_ASCII));
        assertEquals(1, message.refCnt());
        message.release();
        assertNull(ch.readInbound());
        assertTrue(exceptions.caught.isEmpty());
        finish(ch);
    }

    @Test
    void chunksJoinUntilTheLast() {
        EmbeddedChannel ch = channel(100);
        ch.writeInbound(chunk("ab", false));
        assertNull(ch.readInbound(), "nothing before the last chunk");
        ch.writeInbound(chunk("cd", false));
        assertNull(ch.readInbound(), "nothing before the last chunk");
        ch.writeInbound(chunk("e", true));
        assertEquals(4, alloc.allocations(), "three chunks and one composite, no copy");
        assertEquals("abcde", readMessage(ch));
        assertNull(ch.readInbound());
        assertTrue(exceptions.caught.isEmpty());
        finish(ch);
    }

    @Test
    void emptyChunksInsideAMessageAddNothing() {
        EmbeddedChannel ch = channel(100);
        ch.writeInbound(chunk("", false), chunk("ab", false), chunk("", false), chunk("cd", false), chunk("", true));
        assertEquals("abcd", readMessage(ch));
        assertNull(ch.readInbound());
        finish(ch);
    }

    @Test
    void zeroLengthMessage() {
        EmbeddedChannel ch = channel(100);
        ch.writeInbound(chunk("", true));
        PipeMessage message = ch.readInbound();
        assertEquals(0, message.content().readableBytes());
        assertEquals("PipeMessage(0 bytes)", message.toString());
        message.release();
        assertNull(ch.readInbound());
        finish(ch);
    }

    @Test
    void zeroLimitStillDeliversEmptyMessages() {
        EmbeddedChannel ch = channel(0);
        ch.writeInbound(chunk("", true), chunk("x", true), chunk("", false), chunk("", true));
        assertEquals("", readMessage(ch));
        assertEquals("", readMessage(ch));
        assertNull(ch.readInbound());
        assertOneTooLong("maxMessageLength 0", "1 bytes");
        finish(ch);
    }

    @Test
    void manyMessagesInARowStaySeparateAndInOrder() {
        EmbeddedChannel ch = channel(1000);
        List<String> sent = new ArrayList<>();
        for (int m = 0; m < 200; m++) {
            StringBuilder text = new StringBuilder();
            int chunks = 1 + m % 5;
            for (int c = 0; c < chunks; c++) {
                String part = m + "." + c + ";";
                text.append(part);
                ch.writeInbound(chunk(part, c == chunks - 1));
            }
            sent.add(text.toString());
        }
        for (String expected : sent) {
            assertEquals(expected, readMessage(ch));
        }
        assertNull(ch.readInbound());
        assertTrue(exceptions.caught.isEmpty());
        finish(ch);
    }

    @Test
    void messageOfExactlyTheLimitIsDelivered() {
        EmbeddedChannel ch = channel(5);
        ch.writeInbound(chunk("abc", false), chunk("de", true), chunk("12345", true));
        assertEquals("abcde", readMessage(ch));
        assertEquals("12345", readMessage(ch));
        assertTrue(exceptions.caught.isEmpty());
        finish(ch);
    }

    @Test
    void tooLongFailsOnceDiscardsTheRestAndContinues() {
        EmbeddedChannel ch = channel(5);
        ch.writeInbound(chunk("abc", false));
        assertTrue(exceptions.caught.isEmpty(), "3 bytes are within the limit");
        ch.writeInbound(chunk("def", false));
        assertOneTooLong("maxMessageLength 5", "6 bytes");
        ch.writeInbound(chunk("ghi", false), chunk("jkl", true), chunk("ok", true));
        assertEquals(1, exceptions.caught.size(), "still one exception");
        assertEquals("ok", readMessage(ch));
        assertNull(ch.readInbound());
        assertTrue(ch.isOpen());
        finish(ch);
    }

    @Test
    void oversizedFirstChunk() {
        EmbeddedChannel ch = channel(3);
        ch.writeInbound(chunk("abcdef", false), chunk("g", false), chunk("h", true), chunk("xyz", true));
        assertOneTooLong("maxMessageLength 3", "6 bytes");
        assertEquals("xyz", readMessage(ch));
        assertNull(ch.readInbound());
        assertTrue(ch.isOpen());
        finish(ch);
    }

    @Test
    void oversizedSingleLastChunk() {
        EmbeddedChannel ch = channel(3);
        ch.writeInbound(chunk("abcdef", true), chunk("xyz", true));
        assertOneTooLong("maxMessageLength 3", "message of 6 bytes");
        assertEquals("xyz", readMessage(ch));
        assertNull(ch.readInbound());
        assertTrue(ch.isOpen());
        finish(ch);
    }

    @Test
    void tooLongOnItsLastChunkThenAMultiChunkMessage() {
        EmbeddedChannel ch = channel(4);
        ch.writeInbound(chunk("ab", false), chunk("cde", true), chunk("x", false), chunk("y", true));
        assertOneTooLong("message of 5 bytes");
        assertEquals("xy", readMessage(ch));
        assertNull(ch.readInbound());
        finish(ch);
    }

    @Test
    void eachTooLongMessageFailsOnce() {
        EmbeddedChannel ch = channel(3);
        ch.writeInbound(chunk("abcd", false), chunk("e", true), chunk("ok1", true),
                chunk("ab", false), chunk("cd", false), chunk("ef", true), chunk("o", false), chunk("k2", true),
                chunk("abcdefg", true), chunk("ok3", true));
        assertEquals(3, exceptions.caught.size(), "one per too-long message: " + exceptions.caught);
        for (Throwable e : exceptions.caught) {
            assertInstanceOf(TooLongFrameException.class, e);
        }
        assertEquals("ok1", readMessage(ch));
        assertEquals("ok2", readMessage(ch));
        assertEquals("ok3", readMessage(ch));
        assertNull(ch.readInbound());
        finish(ch);
    }

    @Test
    void handlerClosingOnTheExceptionReleasesEverything() {
        EmbeddedChannel ch = withAlloc(new EmbeddedChannel(new PipeMessageAggregator(3), new Exceptions() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                super.exceptionCaught(ctx, cause);
                ctx.close();
            }
        }));
        ch.writeInbound(chunk("ab", false), chunk("cd", false));
        assertFalse(ch.isOpen());
        assertNull(ch.readInbound());
        finish(ch);
    }

    @Test
    void partialMessageIsReleasedWhenTheChannelCloses() {
        EmbeddedChannel ch = channel(100);
        PipeMessageChunk first = chunk("abc", false);
        ch.writeInbound(first);
        assertEquals(1, first.refCnt(), "kept while the message is gathered");
        finish(ch);
        assertTrue(exceptions.caught.isEmpty());
    }

    @Test
    void partialMessageIsReleasedOnChannelInactive() {
        EmbeddedChannel ch = channel(100);
        PipeMessageChunk first = chunk("abc", false);
        ch.writeInbound(first);
        ch.pipeline().fireChannelInactive();
        assertEquals(0, first.refCnt(), "released by channelInactive, before the handler is removed");
        finish(ch);
    }

    @Test
    void partialMessageIsReleasedWhenTheHandlerIsRemoved() {
        EmbeddedChannel ch = channel(100);
        PipeMessageChunk first = chunk("abc", false);
        ch.writeInbound(first);
        ch.pipeline().remove(PipeMessageAggregator.class);
        assertEquals(0, first.refCnt());
        finish(ch);
    }

    @Test
    void wholeMessagesWithinTheLimitAndOtherObjectsPassThroughUntouched() {
        EmbeddedChannel ch = channel(5);
        PipeMessage whole = new PipeMessage(Unpooled.copiedBuffer("whole", StandardCharsets.US_ASCII));
        ch.writeInbound(whole, "not a buffer");
        assertSame(whole, ch.readInbound(), "the transport's whole message, not a new object");
        assertEquals(1, whole.refCnt(), "not retained or released on the way");
        assertEquals("not a buffer", ch.readInbound());
        whole.release();
        assertTrue(exceptions.caught.isEmpty());
        finish(ch);
    }

    @Test
    void aWholeMessageOverTheLimitIsDroppedWithOneExceptionAndTheNextArrives() {
        EmbeddedChannel ch = channel(3);
        PipeMessage whole = new PipeMessage(Unpooled.copiedBuffer("longer than the limit", StandardCharsets.US_ASCII));
        ch.writeInbound(whole);
        assertNull(ch.readInbound(), "an oversized message is not handed on");
        assertEquals(0, whole.refCnt(), "and is released");
        assertOneTooLong("21 bytes", "maxMessageLength 3");
        ch.writeInbound(new PipeMessage(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII)));
        assertEquals("abc", readMessage(ch));
        finish(ch);
    }

    @Test
    void withAutoReadOffAPartialMessageAsksForMoreReads() {
        int[] reads = {0};
        EmbeddedChannel ch = withAlloc(new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads[0]++;
                ctx.read();
            }
        }, new PipeMessageAggregator(4), exceptions));
        ch.config().setAutoRead(false);
        reads[0] = 0;
        ch.writeInbound(chunk("ab", false));
        assertEquals(1, reads[0], "a partial message asks for the rest");
        ch.writeInbound(chunk("cd", true));
        assertEquals(1, reads[0], "a whole message does not");
        assertEquals("abcd", readMessage(ch));
        ch.writeInbound(chunk("abcde", false));
        assertEquals(2, reads[0], "the rest of a too-long message is read to discard it");
        ch.writeInbound(chunk("f", true));
        assertEquals(3, reads[0], "no message came of the discarded one: the next is asked for");
        assertOneTooLong("maxMessageLength 4");
        finish(ch);
    }

    @Test
    void rejectsNegativeLimit() {
        assertThrows(IllegalArgumentException.class, () -> new PipeMessageAggregator(-1));
        assertEquals(7, new PipeMessageAggregator(7).maxMessageLength());
    }

    @Test
    void encoderWritesTheContentAsOneBuffer() {
        EmbeddedChannel ch = new EmbeddedChannel(new PipeMessageEncoder());
        PipeMessage message = new PipeMessage(Unpooled.copiedBuffer("out", StandardCharsets.US_ASCII));
        ByteBuf content = message.content();
        assertTrue(ch.writeOutbound(message));
        ByteBuf written = ch.readOutbound();
        assertSame(content, written, "the content itself, not a copy");
        assertEquals("out", written.toString(StandardCharsets.US_ASCII));
        assertNull(ch.readOutbound(), "one message, one write");
        written.release();
        assertEquals(0, message.refCnt());
        assertFalse(ch.finish());
    }

    @Test
    void encoderLetsPlainBuffersPass() {
        EmbeddedChannel ch = new EmbeddedChannel(new PipeMessageEncoder());
        ByteBuf plain = Unpooled.copiedBuffer("raw", StandardCharsets.US_ASCII);
        ch.writeOutbound(plain);
        assertSame(plain, ch.readOutbound());
        assertEquals(1, plain.refCnt(), "not retained or released on the way");
        plain.release();
        assertFalse(ch.finish());
    }

    @Test
    void encodedMessagesAggregateBackWhole() {
        EmbeddedChannel out = new EmbeddedChannel(new PipeMessageEncoder());
        EmbeddedChannel in = channel(100);
        for (String text : new String[] {"first", "", "third"}) {
            out.writeOutbound(new PipeMessage(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)));
            ByteBuf written = out.readOutbound();
            // The transport reads a written buffer as one message: here in two chunks when it is long enough.
            int half = written.readableBytes() / 2;
            if (half > 0) {
                in.writeInbound(new PipeMessageChunk(written.readRetainedSlice(half), false));
            }
            in.writeInbound(new PipeMessageChunk(written, true));
            assertEquals(text, readMessage(in));
        }
        assertFalse(out.finish());
        finish(in);
    }

    @Test
    void holdersKeepTheirTypeAndLastFlag() {
        PipeMessageChunk c = chunk("abc", false);
        PipeMessageChunk copy = c.copy();
        PipeMessageChunk duplicate = c.retainedDuplicate();
        PipeMessageChunk replaced = c.replace(Unpooled.copiedBuffer("xyz", StandardCharsets.US_ASCII));
        assertFalse(copy.isLast());
        assertFalse(replaced.isLast());
        assertEquals(c, copy);
        assertEquals(c.hashCode(), copy.hashCode());
        PipeMessageChunk lastOne = chunk("abc", true).touch("test");
        assertNotEquals(c, lastOne, "same bytes, different last flag");
        assertEquals("PipeMessageChunk(3 bytes, last)", lastOne.toString());
        lastOne.release();
        assertEquals("PipeMessageChunk(3 bytes)", duplicate.toString());
        assertEquals(2, c.refCnt(), "retainedDuplicate shares the content");
        assertSame(c, c.retain().touch());
        c.release(2);
        duplicate.release();
        copy.release();
        replaced.release();
        assertEquals(0, c.refCnt());
        assertEquals("PipeMessageChunk(released)", c.toString());

        PipeMessage m = new PipeMessage(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII));
        PipeMessage mCopy = m.copy();
        assertEquals(m, mCopy);
        assertSame(m, m.retain(2).touch("test"));
        assertEquals(3, m.refCnt());
        assertTrue(m.release(3));
        mCopy.release();
        assertEquals("PipeMessage(released)", m.toString());
        for (PipeMessageChunk made : this.made) {
            assertEquals(0, made.refCnt());
        }
    }
}
