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

import io.netty.channel.IoHandle;

/** An {@link IoHandle} that a {@link NamedPipeIoHandler} can serve: the channels' Unsafe implements it. */
interface NamedPipeIoHandle extends IoHandle {
    /** A close waits for the completion of an operation in flight: its loop must complete that before it stops. */
    default boolean isCloseDeferred() {
        return false;
    }
}
