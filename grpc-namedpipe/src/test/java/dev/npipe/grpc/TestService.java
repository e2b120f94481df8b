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

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * grpc-java's test service, implemented for these tests. Unary: echoes, or with {@code "hang"} never answers.
 * Server streaming: {@code "<count>x<size>"} sends count responses of size characters, as fast as flow control lets
 * it; a count of -1 streams until cancelled. Bidi: echoes each request and answers the client's half-close with
 * {@code "received <n>"}. Every call the client cancels or lets expire is counted in {@link #cancelled}.
 */
final class TestService extends SimpleServiceGrpc.SimpleServiceImplBase {
    final AtomicInteger started = new AtomicInteger();
    final CountDownLatch cancelled;

    TestService(int expectedCancels) {
        cancelled = new CountDownLatch(expectedCancels);
    }

    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
        ServerCallStreamObserver<SimpleResponse> out = (ServerCallStreamObserver<SimpleResponse>) responses;
        out.setOnCancelHandler(cancelled::countDown);
        started.incrementAndGet();
        if (!"hang".equals(request.getRequestMessage())) {
            out.onNext(response("echo:" + request.getRequestMessage()));
            out.onCompleted();
        }
    }

    @Override
    public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> responses) {
        String[] countAndSize = request.getRequestMessage().split("x");
        int[] left = {Integer.parseInt(countAndSize[0])};
        SimpleResponse chunk = response("s".repeat(Integer.parseInt(countAndSize[1])));
        ServerCallStreamObserver<SimpleResponse> out = (ServerCallStreamObserver<SimpleResponse>) responses;
        out.setOnCancelHandler(cancelled::countDown);
        started.incrementAndGet();
        boolean[] completed = {false};
        // Sends only while the transport wants more, so a slow client holds the server back instead of its heap.
        out.setOnReadyHandler(() -> {
            while (out.isReady() && left[0] != 0 && !out.isCancelled()) {
                out.onNext(chunk);
                if (left[0] > 0) {
                    left[0]--;
                }
            }
            if (left[0] == 0 && !completed[0]) {
                completed[0] = true;
                out.onCompleted();
            }
        });
    }

    @Override
    public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> responses) {
        started.incrementAndGet();
        return new StreamObserver<>() {
            private int received;

            @Override
            public void onNext(SimpleRequest request) {
                received++;
                responses.onNext(response("echo:" + request.getRequestMessage()));
            }

            @Override
            public void onError(Throwable t) {
                cancelled.countDown();
            }

            @Override
            public void onCompleted() {
                responses.onNext(response("received " + received));
                responses.onCompleted();
            }
        };
    }

    static SimpleRequest request(String message) {
        return SimpleRequest.newBuilder().setRequestMessage(message).build();
    }

    static SimpleResponse response(String message) {
        return SimpleResponse.newBuilder().setResponseMessage(message).build();
    }
}
