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
 * The Netty transport for Windows named pipes. {@code dev.npipe.transport} and {@code dev.npipe.transport.local}
 * (one entry point for named pipes on Windows and Unix domain sockets elsewhere) are API; the Win32 bindings are
 * package-private classes of {@code dev.npipe.transport}.
 */
module dev.npipe.transport {
    requires transitive dev.npipe.codec.message;
    requires transitive io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires com.sun.jna;
    requires com.sun.jna.platform;
    // dev.npipe.transport.local: SO_PEERCRED of NIO sockets, and this process's uid for the socket directory.
    requires jdk.net;
    requires jdk.security.auth;

    exports dev.npipe.transport;
    exports dev.npipe.transport.local;
}
