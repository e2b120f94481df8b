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
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gRPC calls of every kind over a pipe, set up by {@link NamedPipeGrpc}; every test ends with a leak check. */
@Tag("win32")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GrpcCallsTest extends GrpcPipeTest {
    private static final Logger log = Logger.getLogger(GrpcCallsTest.class.getName());

    @Test
    void thousandUnaryCalls() throws Exception {
        pipe = new GrpcPipe().start(new TestService(0).bindService());
        SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(pipe.channel);
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            assertEquals("echo:" + i, stub.unaryRpc(TestService.request(String.valueOf(i))).getResponseMessage());
        }
        log.info("1,000 unary calls in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
    }

    @Test
    void hundredMebibyteServerStream() throws Exception {
        pipe = new GrpcPipe().start(new TestService(0).bindService());
        int chunk = 64 * 1024;
        int chunks = 1600; // 100 MiB
        long start = System.nanoTime();
        Iterator<SimpleResponse> responses = SimpleServiceGrpc.newBlockingStub(pipe.channel)
                .serverStreamingRpc(TestService.request(chunks + "x" + chunk));
        long bytes = 0;
        int count = 0;
        while (responses.hasNext()) {
            bytes += responses.next().getResponseMessage().length();
            count++;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(chunks, count, "responses");
        assertEquals(100L * 1024 * 1024, bytes, "bytes");
        log.info("100 MiB server stream in " + millis + " ms (" + (100_000L / Math.max(1, millis)) + " MiB/s)");
    }

    @Test
    void bidiStreamEndsWithTheClientsHalfClose() throws Exception {
        pipe = new GrpcPipe().start(new TestService(0).bindService());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<SimpleRequest> requests = SimpleServiceGrpc.newStub(pipe.channel)
                .bidiStreamingRpc(collect(received, done));
        for (int i = 0; i < 100; i++) {
            requests.onNext(TestService.request(String.valueOf(i)));
            assertEquals("echo:" + i, received.poll(10, TimeUnit.SECONDS), "echo of request " + i);
        }
        requests.onCompleted(); // half-close: the server answers it and ends the call
        assertEquals("received 100", received.poll(10, TimeUnit.SECONDS));
        done.get(10, TimeUnit.SECONDS);
        assertTrue(received.isEmpty(), "more than expected: " + received);
    }

    @Test
    void deadlineExceededReachesTheServerAsCancel() throws Exception {
        TestService service = new TestService(1);
        pipe = new GrpcPipe().start(service.bindService());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> SimpleServiceGrpc
                .newBlockingStub(pipe.channel).withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                .unaryRpc(TestService.request("hang")));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.toString());
        assertTrue(service.cancelled.await(10, TimeUnit.SECONDS), "the server did not see the deadline pass");
        // The connection is still good.
        assertEquals("echo:after", SimpleServiceGrpc.newBlockingStub(pipe.channel)
                .unaryRpc(TestService.request("after")).getResponseMessage());
    }

    @Test
    void cancellingMidStreamStopsTheServer() throws Exception {
        TestService service = new TestService(1);
        pipe = new GrpcPipe().start(service.bindService());
        Context.CancellableContext context = Context.current().withCancellation();
        int read = context.call(() -> {
            Iterator<SimpleResponse> responses = SimpleServiceGrpc.newBlockingStub(pipe.channel)
                    .serverStreamingRpc(TestService.request("-1x8192")); // endless
            int n = 0;
            while (n < 500 && responses.hasNext()) {
                responses.next();
                n++;
            }
            return n;
        });
        assertEquals(500, read);
        context.cancel(null);
        assertTrue(service.cancelled.await(10, TimeUnit.SECONDS), "the server did not see the cancel");
        assertEquals("echo:after", SimpleServiceGrpc.newBlockingStub(pipe.channel)
                .unaryRpc(TestService.request("after")).getResponseMessage());
    }

    @Test
    void serverShutdownEndsCallsInFlightWithUnavailable() throws Exception {
        TestService service = new TestService(0);
        pipe = new GrpcPipe().start(service.bindService());
        SimpleServiceGrpc.SimpleServiceStub stub = SimpleServiceGrpc.newStub(pipe.channel);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            CompletableFuture<Void> unary = new CompletableFuture<>();
            stub.unaryRpc(TestService.request("hang"), collect(new LinkedBlockingQueue<>(), unary));
            CompletableFuture<Void> stream = new CompletableFuture<>();
            stub.serverStreamingRpc(TestService.request("-1x4096"), collect(new LinkedBlockingQueue<>(), stream));
            calls.add(unary);
            calls.add(stream);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (service.started.get() < 16 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(16, service.started.get(), "calls started on the server");

        pipe.server.shutdownNow();
        assertTrue(pipe.server.awaitTermination(10, TimeUnit.SECONDS), "server did not terminate");
        for (CompletableFuture<Void> call : calls) {
            Throwable failure = assertThrows(Exception.class, () -> call.get(10, TimeUnit.SECONDS)).getCause();
            assertNotNull(failure, "a call in flight ended without a status");
            assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(failure).getCode(), failure.toString());
        }
        StatusRuntimeException later = assertThrows(StatusRuntimeException.class,
                () -> SimpleServiceGrpc.newBlockingStub(pipe.channel).unaryRpc(TestService.request("late")));
        assertEquals(Status.Code.UNAVAILABLE, later.getStatus().getCode(), later.toString());
    }

    @Test
    void grpcHealthService() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        pipe = new GrpcPipe().start(health.getHealthService().bindService());
        HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(pipe.channel);
        assertEquals(ServingStatus.SERVING, stub.check(check("")).getStatus());
        health.setStatus("npipe.test", ServingStatus.NOT_SERVING);
        assertEquals(ServingStatus.NOT_SERVING, stub.check(check("npipe.test")).getStatus());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> stub.check(check("npipe.unknown")));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

        Context.CancellableContext context = Context.current().withCancellation();
        try {
            Iterator<io.grpc.health.v1.HealthCheckResponse> watch = context.call(() -> stub.watch(check("npipe.test")));
            assertEquals(ServingStatus.NOT_SERVING, watch.next().getStatus());
            health.setStatus("npipe.test", ServingStatus.SERVING);
            assertEquals(ServingStatus.SERVING, watch.next().getStatus());
        } finally {
            context.cancel(null);
        }
    }

    private static HealthCheckRequest check(String service) {
        return HealthCheckRequest.newBuilder().setService(service).build();
    }

    /** Puts each response's message into {@code into}; completes {@code done} with the call's end. */
    private static StreamObserver<SimpleResponse> collect(BlockingQueue<String> into, CompletableFuture<Void> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(SimpleResponse response) {
                into.add(response.getResponseMessage());
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
    }
}
