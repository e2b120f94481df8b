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
package dev.npipe.examples.rpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One call on its way out: what {@link RpcClient} writes into the channel, and {@link RpcClientHandler} gives an id,
 * a timer and a frame. Its {@link #result()} completes exactly once, whichever comes first.
 */
final class RpcCall {
    private final byte[] argument;
    private final Duration timeout;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();

    RpcCall(byte[] argument, Duration timeout) {
        this.argument = argument;
        this.timeout = timeout;
    }

    byte[] argument() {
        return argument;
    }

    Duration timeout() {
        return timeout;
    }

    CompletableFuture<byte[]> result() {
        return result;
    }

    void fail(RpcException.Reason reason, String message) {
        result.completeExceptionally(new RpcException(reason, message));
    }
}
