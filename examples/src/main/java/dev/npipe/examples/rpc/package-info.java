/**
 * Request/response calls over a message-mode local pipe, through {@code dev.npipe.transport.local.LocalPipes}, so
 * the same code runs on Windows (named pipes), Linux and macOS (Unix domain sockets). Each request and response is
 * one {@code PipeMessage} that carries a call id ({@code RpcFrames}), so a connection carries many calls at once.
 *
 * <ul>
 * <li>{@link dev.npipe.examples.rpc.RpcServer} serves an {@link dev.npipe.examples.rpc.RpcService}: a result, or an
 * error response when the service throws.</li>
 * <li>{@link dev.npipe.examples.rpc.RpcClient} matches responses to calls by id, times each call out, fails the
 * calls in flight when its connection closes, and reconnects when the server comes back.</li>
 * <li>{@link dev.npipe.examples.rpc.RpcException} says why a call has no result, and whether the server ran it.</li>
 * </ul>
 */
package dev.npipe.examples.rpc;
