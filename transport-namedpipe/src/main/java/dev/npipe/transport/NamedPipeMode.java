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
package dev.npipe.transport;

/** How a pipe carries data: as a stream of bytes, or as messages whose boundaries the pipe keeps. */
public enum NamedPipeMode {
    /** A byte stream, like a TCP socket: writes may be merged and split. Reads deliver {@code ByteBuf}s. */
    BYTE,
    /**
     * Messages: each write is one message and the reader sees its boundaries. A message that fits in one read is
     * delivered as one {@code dev.npipe.codec.message.PipeMessage}; a longer one as
     * {@code dev.npipe.codec.message.PipeMessageChunk}s, one per read. Add a {@code PipeMessageAggregator} to get
     * only whole messages, under a size limit.
     */
    MESSAGE
}
