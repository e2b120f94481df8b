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
 * One entry point for local inter-process channels on every system: {@link dev.npipe.transport.local.LocalPipes}
 * gives a {@link dev.npipe.transport.local.LocalPipeTransport} that carries a logical service name over Windows named
 * pipes on Windows and over Netty's Unix domain sockets on Linux and macOS, with the same bootstrap code, the same
 * message mode and private-by-default access on each.
 */
package dev.npipe.transport.local;
