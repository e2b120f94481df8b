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
 * Whole messages for Netty pipelines over named pipes. A message-mode pipe keeps its writers' message boundaries,
 * and its transport fires a message that fits in one read as one {@link dev.npipe.codec.message.PipeMessage}, and
 * a longer one as a {@link dev.npipe.codec.message.PipeMessageChunk} per read;
 * {@link dev.npipe.codec.message.PipeMessageAggregator} joins chunks into
 * {@link dev.npipe.codec.message.PipeMessage}s under a size limit, and
 * {@link dev.npipe.codec.message.PipeMessageEncoder} sends each written message as exactly one write. On byte
 * streams (byte-mode pipes, sockets) {@link dev.npipe.codec.message.LengthPrefixedMessageDecoder} and
 * {@link dev.npipe.codec.message.LengthPrefixedMessageEncoder} frame the same message objects with a 4-byte length
 * prefix, so user handlers do not depend on the pipe's mode.
 */
package dev.npipe.codec.message;
