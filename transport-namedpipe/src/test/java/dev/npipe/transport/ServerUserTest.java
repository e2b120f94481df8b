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

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ConnectException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client that demands its server's user connects only to a server run by that user. */
@Tag("win32")
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ServerUserTest {
    private static final String SYSTEM_SID = "S-1-5-18";
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("server-user", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        LeakRecorder.assertNoLeaks();
    }

    private ChannelFuture connect(NamedPipeAddress address, String requiredUser) {
        return new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .option(NamedPipeChannelOption.REQUIRED_SERVER_USER, requiredUser)
                .handler(new ChannelInboundHandlerAdapter()).connect(address);
    }

    @Test
    void serverRunByTheRequiredUserIsAccepted() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new EchoServer.EchoHandler()).bind(address).sync().channel();
        ChannelFuture ok = connect(address, NamedPipe.currentUserSid()).await();
        assertTrue(ok.isSuccess(), () -> "connect failed: " + ok.cause());
        ok.channel().close().sync();

        // This process is not SYSTEM: a client demanding SYSTEM must refuse this server.
        ChannelFuture refused = connect(address, SYSTEM_SID).await();
        assertFalse(refused.isSuccess());
        assertInstanceOf(ConnectException.class, refused.cause());
        String message = refused.cause().getMessage();
        assertTrue(message.contains(SYSTEM_SID) && message.contains(NamedPipe.currentUserSid())
                && message.contains("squat"), message);
        assertTrue(refused.channel().closeFuture().await(10, TimeUnit.SECONDS));
        server.close().sync();
    }

    /**
     * A pipe made with no security attributes (raw calls, as Node.js and CPython make theirs: under Wine their
     * descriptors name no owner). Where the system then names none, the refusal says so instead of an "Invalid SID";
     * where it fills in a default owner (Windows does), the check goes on as for any pipe.
     */
    @Test
    void aPipeWhoseDescriptorNamesNoOwnerIsRefusedSayingSo() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        // No SECURITY_ATTRIBUTES at all, as libuv and CPython create their pipes.
        long instance = Kernel32.CreateNamedPipeW(
                Kernel32.wide(address.path()),
                Kernel32.PIPE_ACCESS_DUPLEX
                        | Kernel32.FILE_FLAG_OVERLAPPED,
                Kernel32.PIPE_TYPE_BYTE, 1, 4096, 4096, 0, 0L);
        try {
            assertTrue(instance != Kernel32.INVALID_HANDLE_VALUE, "the raw instance");
            String owner = Advapi32.ownerOf(instance);
            ChannelFuture f = connect(address, NamedPipe.currentUserSid()).await();
            if (owner == null) {
                assertInstanceOf(ConnectException.class, f.cause());
                assertTrue(f.cause().getMessage().contains("names no owner"), f.cause().getMessage());
            } else if (owner.equals(NamedPipe.currentUserSid())) {
                assertTrue(f.isSuccess(), () -> "connect failed: " + f.cause());
                f.channel().close().sync();
            } else {
                assertInstanceOf(ConnectException.class, f.cause()); // e.g. the user's group, as a default owner
                assertTrue(f.cause().getMessage().contains("is owned by " + owner), f.cause().getMessage());
            }
        } finally {
            Kernel32.CloseHandle(instance);
        }
    }

    @Test
    void requiredUserMustBeASid() {
        NamedPipeChannelConfig config = new NamedPipeChannel().config();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.setOption(NamedPipeChannelOption.REQUIRED_SERVER_USER, "Administrator"));
        assertTrue(e.getMessage().contains("SID"), e.getMessage());
    }

    @Test
    void defaultTimeoutIsValidatedAndIndependent() {
        NamedPipeServerChannelConfig config = new NamedPipeServerChannel().config();
        assertThrows(IllegalArgumentException.class,
                () -> config.setOption(NamedPipeChannelOption.DEFAULT_TIMEOUT_MILLIS, -1));
        config.setOption(NamedPipeChannelOption.MAX_INSTANCES, 3);
        config.setOption(NamedPipeChannelOption.DEFAULT_TIMEOUT_MILLIS, 500);
        assertEquals(3, config.getMaxInstances());
        assertEquals(500, config.getDefaultTimeoutMillis());
    }
}
