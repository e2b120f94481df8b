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
package dev.npipe.grpc;

import io.grpc.Context;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Iterator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * grpc-java over this transport against grpc-go over Microsoft's go-winio, both ways, with nothing but gRPC's
 * standard health service: unary {@code Check} calls, then the server-streaming {@code Watch} of a service whose
 * status flips every 5 ms. The Go side is interop/go/cmd/grpc-peer.
 */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GoInteropTest extends GrpcPipeTest {
    private static final int CHECKS = 100;
    /**
     * grpc-peer gives itself 10 s for all its calls; under Wine on a busy two-core machine a Go call took up to
     * 250 ms (grpc-java's calls, 25 to 50 ms), so the Go client makes fewer.
     */
    private static final int CHECKS_FROM_GO = 10;
    private static final int UPDATES = 100;
    private static final String FLIP = "npipe.flip";

    @Test
    void javaClientCallsGoServer() throws Exception {
        pipe = new GrpcPipe();
        try (GoPeer server = GoPeer.start("serve", pipe.address.path())) {
            server.awaitLine("LISTENING", 30);
            pipe.channel = NamedPipeGrpc.channelBuilder(pipe.address, pipe.group).build();
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(pipe.channel);
            for (int i = 0; i < CHECKS; i++) {
                assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus(),
                        "check " + i);
            }
            Context.CancellableContext watching = Context.current().withCancellation();
            try {
                Iterator<HealthCheckResponse> updates = watching.call(() -> health
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .watch(HealthCheckRequest.newBuilder().setService(FLIP).build()));
                ServingStatus previous = null;
                for (int i = 0; i < UPDATES; i++) {
                    ServingStatus status = updates.next().getStatus();
                    assertNotEquals(previous, status, "update " + i + " repeats the one before");
                    previous = status;
                }
            } finally {
                watching.cancel(null);
            }
            assertEquals(0, server.closeInputAndWait(30), "grpc-peer serve exit code; output: " + server.output());
        }
    }

    @Test
    void goClientCallsJavaServer() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        pipe = new GrpcPipe();
        pipe.server = NamedPipeGrpc.serverBuilder(pipe.address, pipe.group)
                .addService(health.getHealthService()).build().start();
        ScheduledExecutorService flipper = Executors.newSingleThreadScheduledExecutor();
        boolean[] serving = {false};
        flipper.scheduleAtFixedRate(() -> {
            serving[0] = !serving[0];
            health.setStatus(FLIP, serving[0] ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }, 0, 5, TimeUnit.MILLISECONDS);
        try (GoPeer client = GoPeer.start("call", pipe.address.path(), String.valueOf(CHECKS_FROM_GO))) {
            String result = client.awaitLine("OK", 60);
            assertEquals("OK checks=" + CHECKS_FROM_GO + " updates=" + UPDATES, result);
            assertEquals(0, client.waitFor(30), "grpc-peer call exit code; output: " + client.output());
        } finally {
            flipper.shutdownNow();
        }
    }
}
