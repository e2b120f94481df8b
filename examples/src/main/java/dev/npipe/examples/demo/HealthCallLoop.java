package dev.npipe.examples.demo;

import io.grpc.Channel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Keeps unary {@code Health/Check} calls in flight on one gRPC channel: each call that ends starts the next. */
final class HealthCallLoop {
    private static final HealthCheckRequest SERVER = HealthCheckRequest.getDefaultInstance();
    private final HealthGrpc.HealthStub stub;
    private final Latency latency;
    private final Throughput calls;
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private volatile boolean stopped;

    HealthCallLoop(Channel channel, Latency latency, Throughput calls) {
        this.stub = HealthGrpc.newStub(channel);
        this.latency = latency;
        this.calls = calls;
    }

    void next() {
        if (stopped) {
            return;
        }
        long start = System.nanoTime();
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).check(SERVER, new StreamObserver<>() {
            private ServingStatus status;

            @Override
            public void onNext(HealthCheckResponse response) {
                status = response.getStatus();
            }

            @Override
            public void onError(Throwable error) {
                ended(error.toString());
            }

            @Override
            public void onCompleted() {
                ended(status == ServingStatus.SERVING ? null : "status " + status);
            }

            private void ended(String failure) {
                if (stopped) {
                    return; // calls cut off by the end of the demo are not failures
                }
                if (failure != null) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, failure);
                } else {
                    latency.record((System.nanoTime() - start) / 1000);
                    calls.add(1);
                }
                next();
            }
        });
    }

    void stop() {
        stopped = true;
    }

    static int failed(List<HealthCallLoop> loops) {
        return loops.stream().mapToInt(l -> l.failed.get()).sum();
    }

    static String firstFailure(List<HealthCallLoop> loops) {
        return loops.stream().map(l -> l.firstFailure.get()).filter(f -> f != null).findFirst().orElse("none");
    }
}
