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
package dev.npipe.examples.demo;

import dev.npipe.examples.rpc.RpcClient;
import io.grpc.Channel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Keeps calls in flight: each call that ends starts the next, until stopped. A call completes with {@code null}
 * when it succeeded, or with what went wrong.
 */
final class CallLoop {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final Supplier<CompletionStage<String>> call;
    private final Latency latency;
    private final Throughput calls;
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private volatile boolean stopped;

    CallLoop(Supplier<CompletionStage<String>> call, Latency latency, Throughput calls) {
        this.call = call;
        this.latency = latency;
        this.calls = calls;
    }

    /** RPC calls on one client, each with a new argument whose reversed bytes must come back. */
    static CallLoop rpc(RpcClient client, Latency latency, Throughput calls) {
        AtomicInteger sequence = new AtomicInteger();
        return new CallLoop(() -> {
            byte[] argument = ("call-" + sequence.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
            return client.call(argument, TIMEOUT).handle((result, error) -> error != null ? error.toString()
                    : Arrays.equals(reversed(argument), result) ? null : "wrong result");
        }, latency, calls);
    }

    /** Unary {@code Health/Check} calls on one gRPC channel; anything but SERVING is a failure. */
    static CallLoop healthChecks(Channel channel, Latency latency, Throughput calls) {
        HealthGrpc.HealthStub stub = HealthGrpc.newStub(channel);
        return new CallLoop(() -> {
            CompletableFuture<String> ended = new CompletableFuture<>();
            stub.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).check(
                    HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
                        private ServingStatus status;

                        @Override
                        public void onNext(HealthCheckResponse response) {
                            status = response.getStatus();
                        }

                        @Override
                        public void onError(Throwable error) {
                            ended.complete(error.toString());
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(status == ServingStatus.SERVING ? null : "status " + status);
                        }
                    });
            return ended;
        }, latency, calls);
    }

    void next() {
        if (stopped) {
            return;
        }
        long start = System.nanoTime();
        call.get().whenComplete((failure, error) -> {
            if (stopped) {
                return; // calls cut off by the end of the demo are not failures
            }
            String wrong = error != null ? error.toString() : failure;
            if (wrong != null) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, wrong);
            } else {
                latency.record((System.nanoTime() - start) / 1000);
                calls.add(1);
            }
            next();
        });
    }

    void stop() {
        stopped = true;
    }

    static int failed(List<CallLoop> loops) {
        return loops.stream().mapToInt(l -> l.failed.get()).sum();
    }

    static String firstFailure(List<CallLoop> loops) {
        return loops.stream().map(l -> l.firstFailure.get()).filter(f -> f != null).findFirst().orElse("none");
    }

    /** The demo's RPC service: returns its argument reversed. */
    static byte[] reversed(byte[] argument) {
        byte[] r = new byte[argument.length];
        for (int i = 0; i < argument.length; i++) {
            r[i] = argument[argument.length - 1 - i];
        }
        return r;
    }
}
