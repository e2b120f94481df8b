package dev.npipe.examples.rpc;

/**
 * What an {@link RpcServer} serves: turns a request's argument into its result. It runs on the connection's event
 * loop, so it must not block; a service that blocks belongs on its own executor (for instance, add the server's
 * handler to the pipeline with an {@code EventExecutorGroup}).
 */
@FunctionalInterface
public interface RpcService {
    /**
     * Answers one request.
     *
     * @param argument the request's body
     * @return the result, sent back to the caller
     * @throws Exception any failure: it goes back to the caller as an error response with its message, and the
     *         connection goes on
     */
    byte[] call(byte[] argument) throws Exception;
}
