package dev.npipe.codec.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipeMessageAggregatorTest {
    private final List<Throwable> errors = new ArrayList<>();

    private EmbeddedChannel channel(int max) {
        return new EmbeddedChannel(new PipeMessageAggregator(max), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        });
    }

    private static PipeMessageChunk chunk(String text, boolean last) {
        return new PipeMessageChunk(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII), last);
    }

    private static String readMessage(EmbeddedChannel ch) {
        PipeMessage message = ch.readInbound();
        if (message == null) {
            return null;
        }
        try {
            return message.content().toString(StandardCharsets.US_ASCII);
        } finally {
            assertTrue(message.release(), "message fully released by its reader");
        }
    }

    @Test
    void oneChunkIsOneMessage() {
        EmbeddedChannel ch = channel(100);
        PipeMessageChunk only = chunk("hello", true);
        ch.writeInbound(only);
        assertEquals("hello", readMessage(ch));
        assertEquals(0, only.refCnt());
        assertFalse(ch.finish());
    }

    @Test
    void chunksJoinUntilTheLast() {
        EmbeddedChannel ch = channel(100);
        List<PipeMessageChunk> chunks = List.of(chunk("ab", false), chunk("cd", false), chunk("e", true));
        for (PipeMessageChunk c : chunks) {
            ch.writeInbound(c);
        }
        assertEquals("abcde", readMessage(ch));
        assertNull(ch.readInbound());
        for (PipeMessageChunk c : chunks) {
            assertEquals(0, c.refCnt());
        }
        assertFalse(ch.finish());
    }

    @Test
    void zeroLengthMessage() {
        EmbeddedChannel ch = channel(100);
        ch.writeInbound(new PipeMessageChunk(Unpooled.buffer(0), true));
        assertEquals("", readMessage(ch));
        assertFalse(ch.finish());
    }

    @Test
    void messagesInARowStaySeparate() {
        EmbeddedChannel ch = channel(100);
        ch.writeInbound(chunk("a", false), chunk("b", true), chunk("", true), chunk("c", true));
        assertEquals("ab", readMessage(ch));
        assertEquals("", readMessage(ch));
        assertEquals("c", readMessage(ch));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void tooLongFailsOnceDiscardsTheRestAndContinues() {
        EmbeddedChannel ch = channel(5);
        List<PipeMessageChunk> chunks = List.of(chunk("abc", false), chunk("def", false), chunk("ghi", false),
                chunk("jkl", true), chunk("ok", true));
        for (PipeMessageChunk c : chunks) {
            ch.writeInbound(c);
        }
        assertEquals(1, errors.size(), "exactly one exception");
        assertInstanceOf(TooLongFrameException.class, errors.get(0));
        assertTrue(errors.get(0).getMessage().contains("5"), errors.get(0).getMessage());
        assertEquals("ok", readMessage(ch));
        assertNull(ch.readInbound());
        assertTrue(ch.isOpen());
        for (PipeMessageChunk c : chunks) {
            assertEquals(0, c.refCnt(), "every chunk released");
        }
        assertFalse(ch.finish());
    }

    @Test
    void oversizedFirstChunk() {
        EmbeddedChannel ch = channel(3);
        ch.writeInbound(chunk("abcdef", false), chunk("g", true), chunk("xyz", true));
        assertEquals(1, errors.size());
        assertEquals("xyz", readMessage(ch));
        assertFalse(ch.finish());
    }

    @Test
    void oversizedSingleLastChunk() {
        EmbeddedChannel ch = channel(3);
        ch.writeInbound(chunk("abcdef", true), chunk("xyz", true));
        assertEquals(1, errors.size());
        assertEquals("xyz", readMessage(ch));
        assertFalse(ch.finish());
    }

    @Test
    void partialMessageIsReleasedWhenTheChannelCloses() {
        EmbeddedChannel ch = channel(100);
        PipeMessageChunk first = chunk("abc", false);
        ch.writeInbound(first);
        assertFalse(ch.finish());
        assertEquals(0, first.refCnt());
    }

    @Test
    void wholeMessagesPassThrough() {
        EmbeddedChannel ch = channel(100);
        ch.writeInbound(new PipeMessage(Unpooled.copiedBuffer("whole", StandardCharsets.US_ASCII)));
        assertEquals("whole", readMessage(ch));
        assertFalse(ch.finish());
    }

    @Test
    void encoderWritesTheContentAsOneBuffer() {
        EmbeddedChannel ch = new EmbeddedChannel(new PipeMessageEncoder());
        PipeMessage message = new PipeMessage(Unpooled.copiedBuffer("out", StandardCharsets.US_ASCII));
        ch.writeOutbound(message);
        ByteBuf written = ch.readOutbound();
        assertEquals("out", written.toString(StandardCharsets.US_ASCII));
        written.release();
        assertEquals(0, message.refCnt());
        assertNull(ch.readOutbound());
        assertFalse(ch.finish());
    }
}
