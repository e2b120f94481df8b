package dev.npipe.transport;

import dev.npipe.codec.message.PipeMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.util.concurrent.BlockingQueue;

/** Copies the bytes of every whole message into a queue the test thread reads. */
final class MessageCollector extends SimpleChannelInboundHandler<PipeMessage> {
    private final BlockingQueue<byte[]> received;

    MessageCollector(BlockingQueue<byte[]> received) {
        this.received = received;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PipeMessage msg) {
        byte[] bytes = new byte[msg.content().readableBytes()];
        msg.content().getBytes(msg.content().readerIndex(), bytes);
        received.add(bytes);
    }
}
