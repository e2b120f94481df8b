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
