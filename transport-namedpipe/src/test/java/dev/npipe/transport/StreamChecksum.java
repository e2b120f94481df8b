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

import io.netty.buffer.ByteBuf;

import java.util.zip.CRC32;

/**
 * The checksum the Go peers print (interop/go/internal/pipe): CRC-32 over a byte stream or, for messages, over
 * every message as its 4-byte big-endian length and its bytes, so that lost or moved boundaries show.
 */
final class StreamChecksum {
    private final boolean framed;
    private final CRC32 crc = new CRC32();
    private long bytes;
    private long messages;

    StreamChecksum(boolean framed) {
        this.framed = framed;
    }

    /** Counts the readable bytes of {@code buf} (one message when framed), leaving its indexes alone. */
    synchronized void add(ByteBuf buf) {
        if (framed) {
            int n = buf.readableBytes();
            crc.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        }
        crc.update(buf.nioBuffer());
        bytes += buf.readableBytes();
        messages++;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long messages() {
        return messages;
    }

    /** The checksum as the Go peers print it: 8 lower-case hex digits. */
    synchronized String hex() {
        return String.format("%08x", crc.getValue());
    }
}
