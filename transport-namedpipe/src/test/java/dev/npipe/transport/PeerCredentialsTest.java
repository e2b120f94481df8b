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
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who is on the other end: process, session and user as the server sees the client, and the server's process as the
 * client sees it.
 */
@Tag("win32")
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class PeerCredentialsTest {
    private NamedPipeEventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = PipeTestSupport.newGroup("peer", 1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        PipeTestSupport.shutdown(group);
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void serverSeesThisProcessAndUserAndTheLoopThreadRevertsAfterwards() throws Exception {
        NamedPipeAddress address = PipeTestSupport.uniqueAddress();
        BlockingQueue<NamedPipeChannel> children = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(NamedPipeServerChannel.class)
                .childHandler(new ChannelInitializer<NamedPipeChannel>() {
                    @Override
                    protected void initChannel(NamedPipeChannel ch) {
                        children.add(ch);
                    }
                })
                .bind(address).sync().channel();
        NamedPipeChannel client = (NamedPipeChannel) new Bootstrap().group(group).channel(NamedPipeChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
        NamedPipeChannel child = children.poll(5, TimeUnit.SECONDS);
        assertNotNull(child);

        NamedPipePeerCredentials peer = child.peerCredentials().get(5, TimeUnit.SECONDS);
        // The remote address carries the same, read at accept; the client's is the pipe.
        NamedPipePeerAddress remote = assertInstanceOf(NamedPipePeerAddress.class, child.remoteAddress());
        assertEquals(address, remote.pipe());
        assertEquals(peer, remote.credentials().orElseThrow(() -> new AssertionError("no credentials: " + remote)));
        assertTrue(remote.toString().startsWith(address.path() + " (client pid " + Kernel32.GetCurrentProcessId()
                + ", session "), remote.toString());
        assertTrue(remote.toString().endsWith(", user " + Advapi32.currentUserSid() + ")"), remote.toString());
        assertEquals(address, client.remoteAddress());
        assertEquals(Kernel32.GetCurrentProcessId(), peer.processId(), "client process id");
        assertEquals(Advapi32.currentUserSid(), peer.userSid(), "client user SID");
        // After the call the loop thread has no impersonation token: OpenThreadToken says ERROR_NO_TOKEN.
        int tokenError = child.eventLoop().submit(() -> {
            try (NativeBlock.Scoped token = NativeBlock.scoped(8)) {
                if (Advapi32.OpenThreadToken(Kernel32.GetCurrentThread(), 8, 1, token.address()) != 0) {
                    Kernel32.CloseHandle(token.view().getLong(0));
                    return 0;
                }
                return Kernel32.lastError();
            }
        }).get(5, TimeUnit.SECONDS);
        assertEquals(1008, tokenError, "event-loop thread still impersonating? OpenThreadToken gave "
                + Win32Error.describe(tokenError));

        int serverPid = client.serverProcessId().get(5, TimeUnit.SECONDS);
        // Real values on Windows and on Wine 8 and 10 alike (an earlier probe that said otherwise under Wine read
        // its output before the call).
        assertEquals(Kernel32.GetCurrentProcessId(), serverPid, "server process id");
        try (NativeBlock.Scoped session = NativeBlock.scoped(8)) {
            assertEquals(1, Kernel32.ProcessIdToSessionId(Kernel32.GetCurrentProcessId(), session.address()));
            assertEquals(session.view().getInt(0), peer.sessionId(), "the client's session is this process's");
        }
        client.close().sync();
        server.close().sync();
    }

    /**
     * The fallback for clients whose level does not let the server open their token (anonymous, as go-winio dials;
     * Wine does not enforce levels, so it is forced here): the user is read from the client's process token, and the
     * credentials say so. Our own clients allow identification, so the default path impersonates.
     */
    @Test
    void theUserCanBeReadFromTheClientsProcessWhenImpersonationCannotTell() throws Exception {
        try (PipePair pair = new PipePair(group, sb -> { }, b -> { }, null, null)) {
            NamedPipeChannel child = pair.child;
            NamedPipePeerCredentials byImpersonation = child.peerCredentials().get(5, TimeUnit.SECONDS);
            assertEquals(NamedPipePeerCredentials.UserSource.IMPERSONATION, byImpersonation.userSource());
            NamedPipePeerCredentials byProcess = child.eventLoop()
                    .submit(() -> PipeIdentity.clientOf(child.pipe(), false)).get(5, TimeUnit.SECONDS);
            assertEquals(NamedPipePeerCredentials.UserSource.CLIENT_PROCESS, byProcess.userSource());
            assertEquals(Kernel32.GetCurrentProcessId(), byProcess.processId());
            assertEquals(byImpersonation.sessionId(), byProcess.sessionId());
            assertEquals(NamedPipe.currentUserSid(), byProcess.userSid(), "the user of the client's process");
            assertEquals(byImpersonation.userSid(), byProcess.userSid());
        }
    }
}
