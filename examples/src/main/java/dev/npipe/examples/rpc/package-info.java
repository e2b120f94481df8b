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
