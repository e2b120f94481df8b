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

class LengthPrefixedMessageTest {
    private static ByteBuf encode(String... messages) {
        EmbeddedChannel out = new EmbeddedChannel(new LengthPrefixedMessageEncoder());
        for (String m : messages) {
            out.writeOutbound(new PipeMessage(Unpooled.copiedBuffer(m, StandardCharsets.US_ASCII)));
        }
        ByteBuf stream = Unpooled.buffer();
        for (ByteBuf b; (b = out.readOutbound()) != null; ) {
            stream.writeBytes(b);
            b.release();
        }
        assertFalse(out.finish());
        return stream;
    }

    private static String read(EmbeddedChannel ch) {
        PipeMessage m = ch.readInbound();
        if (m == null) {
            return null;
        }
        String s = m.content().toString(StandardCharsets.US_ASCII);
        m.release();
        return s;
    }

    @Test
    void roundTrip() {
        ByteBuf stream = encode("one", "", "three");
        EmbeddedChannel in = new EmbeddedChannel(new LengthPrefixedMessageDecoder(100));
        in.writeInbound(stream);
        assertEquals("one", read(in));
        assertEquals("", read(in));
        assertEquals("three", read(in));
        assertNull(in.readInbound());
        assertFalse(in.finish());
    }

    @Test
    void streamSplitAtEveryByteBoundary() {
        ByteBuf stream = encode("hello", "world!");
        byte[] bytes = new byte[stream.readableBytes()];
        stream.readBytes(bytes);
        stream.release();
        for (int split = 0; split <= bytes.length; split++) {
            EmbeddedChannel in = new EmbeddedChannel(new LengthPrefixedMessageDecoder(100));
            in.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
            in.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
            assertEquals("hello", read(in), "split at " + split);
            assertEquals("world!", read(in), "split at " + split);
            assertNull(in.readInbound());
            assertFalse(in.finish());
        }
    }

    @Test
    void tooLongFailsOnceAndTheNextFrameArrives() {
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel in = new EmbeddedChannel(new LengthPrefixedMessageDecoder(4),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        errors.add(cause);
                    }
                });
        in.writeInbound(encode("far too long", "ok"));
        assertEquals(1, errors.size());
        assertInstanceOf(TooLongFrameException.class, errors.get(0));
        assertEquals("ok", read(in));
        assertNull(in.readInbound());
        assertFalse(in.finish());
    }
}
