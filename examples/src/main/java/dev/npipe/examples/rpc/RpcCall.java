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
