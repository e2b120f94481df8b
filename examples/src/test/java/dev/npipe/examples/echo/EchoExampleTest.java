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
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The echo example runs natively here: on Linux through a Unix domain socket. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class EchoExampleTest {
    @Test
    void clientGetsItsTextBack() throws Exception {
        LocalPipeTransport transport = LocalPipes.transport();
        EventLoopGroup group = transport.newEventLoopGroup(2);
        try {
            String name = "echo-example-" + ProcessHandle.current().pid();
            Channel server = PipeEchoServer.bind(transport, group, name);
            assertEquals("héllo, echo", PipeEchoClient.call(transport, group, name, "héllo, echo"));
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
