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

import io.netty.channel.IoEvent;

/**
 * One dequeued completion: which operation (its {@link Overlapped} block), how many bytes it moved and its Win32
 * error (0 for success). The handler reuses one instance; a handle must not keep it after
 * {@link NamedPipeIoHandle#handle} returns.
 */
final class NamedPipeIoEvent implements IoEvent {
    private Overlapped overlapped;
    private int bytes;
    private int error;

    void update(Overlapped overlapped, int bytes, int error) {
        this.overlapped = overlapped;
        this.bytes = bytes;
        this.error = error;
    }

    /** The block of the operation that completed. */
    Overlapped overlapped() {
        return overlapped;
    }

    /** Bytes transferred. */
    int bytes() {
        return bytes;
    }

    /** The Win32 error of the operation, 0 on success. */
    int error() {
        return error;
    }

    @Override
    public String toString() {
        return "NamedPipeIoEvent(bytes=" + bytes + ", error=" + error + ')';
    }
}
