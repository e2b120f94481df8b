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
 * A Netty 4.2 transport over Windows named pipes. {@link dev.npipe.transport.NamedPipeEventLoopGroup} runs
 * event loops that each own one I/O completion port; {@link dev.npipe.transport.NamedPipeServerChannel} serves a
 * {@link dev.npipe.transport.NamedPipeAddress} with several listening pipe instances, and
 * {@link dev.npipe.transport.NamedPipeChannel} is one connected pipe, on the server or the client side. All I/O is
 * overlapped; an event loop blocks only in its completion wait.
 */
package dev.npipe.transport;
