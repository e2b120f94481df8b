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
package dev.npipe.examples.echo;

import dev.npipe.transport.local.LocalPipeTransport;
import dev.npipe.transport.local.LocalPipes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.Promise;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;

/**
 * Sends a line to the echo server and prints the answer: {@code java ... PipeEchoClient [name] [text]}. Runs on
 * Windows, Linux and macOS alike (see {@link LocalPipes}).
 */
public final class PipeEchoClient {
    private PipeEchoClient() {
    }

    /**
     * Sends one line and prints its echo.
     *
     * @param args the service name (default {@code npipe-echo}) and the text
     * @throws Exception if the connection or the exchange fails
     */
    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "npipe-echo";
        String text = args.length > 1 ? args[1] : "hello over a local pipe";
        LocalPipeTransport transport = LocalPipes.transport();
        EventLoopGroup group = transport.newEventLoopGroup(1);
        try {
            System.out.println(call(transport, group, name, text));
        } finally {
            group.shutdownGracefully();
        }
    }

    /**
     * Sends {@code text} to the echo server {@code name} and waits for all of it to come back.
     *
     * @param transport the local pipe transport
     * @param group event loops made for that transport
     * @param name the service name
     * @param text what to send
     * @return what came back
     * @throws InterruptedException if interrupted while waiting
     * @throws ExecutionException if the connection closed before the whole answer came
     */
    public static String call(LocalPipeTransport transport, EventLoopGroup group, String name, String text)
            throws InterruptedException, ExecutionException {
        byte[] request = text.getBytes(StandardCharsets.UTF_8);
        Promise<String> answer = group.next().newPromise();
        Channel channel = transport.connect(transport.bootstrap(group, new SimpleChannelInboundHandler<ByteBuf>() {
            private final ByteArrayOutputStream received = new ByteArrayOutputStream();

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                byte[] bytes = new byte[msg.readableBytes()];
                msg.readBytes(bytes);
                received.writeBytes(bytes);
                if (received.size() >= request.length) {
                    answer.trySuccess(received.toString(StandardCharsets.UTF_8));
                    ctx.close();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                answer.tryFailure(new IllegalStateException("the server closed the connection after "
                        + received.size() + " of " + request.length + " bytes"));
            }
        }).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000), name).sync().channel();
        channel.writeAndFlush(Unpooled.wrappedBuffer(request));
        return answer.get();
    }
}
