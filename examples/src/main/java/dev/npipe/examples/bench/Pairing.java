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
package dev.npipe.examples.bench;

/** Who is client and who is server in a run: native C (npbench.exe), Java (this transport) or a peer. */
enum Pairing {
    NATIVE_NATIVE("C -> C"),
    NATIVE_TO_JAVA("C -> Java"),
    JAVA_TO_NATIVE("Java -> C"),
    JAVA_JAVA("Java -> Java"),
    /** Peer: Netty NIO over TCP loopback, Java client and server (what Java users on Windows use today). */
    NIO_TCP("NIO TCP Java -> Java"),
    /** Peer: a blocking RandomAccessFile client, a thread per connection, against our Java server. */
    BLOCKING_TO_JAVA("blocking RAF -> Java"),
    /** Peer: Microsoft's go-winio as client and server (winio-bench.exe), what a Go program gets. */
    WINIO_WINIO("go-winio -> go-winio"),
    /** Peer: Node.js (libuv) as client and server, over {@code net} (interop/node; byte pipes). */
    NODE_NODE("Node -> Node"),
    /** Peer: Python asyncio's proactor loop as client and server (interop/python; byte pipes). */
    ASYNCIO_ASYNCIO("asyncio -> asyncio"),
    /** Peer: Python multiprocessing.connection as client and server (interop/python; message pipes). */
    MP_MP("multiprocessing -> multiprocessing");

    /** Whether this pairing is a peer (what a user would use instead), compared with Java -> Java. */
    boolean isPeer() {
        return this == NIO_TCP || this == BLOCKING_TO_JAVA || this == WINIO_WINIO || this == NODE_NODE
                || this == ASYNCIO_ASYNCIO || this == MP_MP;
    }

    /** "client -> server" as the table shows it. */
    final String label;

    Pairing(String label) {
        this.label = label;
    }
}
