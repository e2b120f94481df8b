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
package dev.npipe.transport.local;

import dev.npipe.codec.message.PipeMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handlers and names for the local-pipe tests. Names come from the process id and a counter: the Windows JVM under
 * Wine crashes on UUID and SecureRandom.
 */
final class LocalPipeTestKit {
    private static final AtomicLong COUNTER = new AtomicLong();

    private LocalPipeTestKit() {
    }

    /** A service name no other test, and no other test run, uses. */
    static String uniqueName() {
        return "lp-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    }

    static MultiThreadIoEventLoopGroup newGroup(LocalPipeTransport transport) {
        return new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("local-pipe-test", true),
                transport.ioHandlerFactory());
    }

    static void shutdown(MultiThreadIoEventLoopGroup group) throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        assertTrue(group.awaitTermination(10, TimeUnit.SECONDS), "event loop group did not terminate");
    }

    static byte[] payload(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7 + (i >>> 9));
        }
        return bytes;
    }

    static byte[] bytesOf(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }

    /** Writes back whatever it reads: buffers in byte mode, whole messages in message mode. */
    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    /** Keeps the bytes of every whole message, and counts the messages that were too long. */
    @ChannelHandler.Sharable
    static final class MessageSink extends SimpleChannelInboundHandler<PipeMessage> {
        private final BlockingQueue<byte[]> received;
        final AtomicInteger tooLong = new AtomicInteger();

        MessageSink(BlockingQueue<byte[]> received) {
            this.received = received;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, PipeMessage msg) {
            received.add(bytesOf(msg.content()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                tooLong.incrementAndGet();
            } else {
                ctx.fireExceptionCaught(cause);
            }
        }
    }

    /** Gathers every byte read, in order. */
    @ChannelHandler.Sharable
    static class ByteSink extends SimpleChannelInboundHandler<ByteBuf> {
        private final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();

        @Override
        protected synchronized void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            received.writeBytes(bytesOf(msg));
            notifyAll();
        }

        /** What has arrived once {@code length} bytes have, or what has when {@code seconds} have passed. */
        synchronized byte[] awaitBytes(int length, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long left;
            while (received.size() < length && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return received.toByteArray();
        }
    }
}
