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
