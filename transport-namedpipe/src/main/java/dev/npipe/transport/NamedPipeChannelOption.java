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

import io.netty.channel.ChannelOption;

/**
 * Options of named-pipe channels, set like any {@link ChannelOption} through {@code Bootstrap.option(...)} and
 * {@code ServerBootstrap.option(...)}.
 */
public final class NamedPipeChannelOption<T> extends ChannelOption<T> {
    /**
     * Server: how many pipe instances wait for clients at once (default 64). More instances let more clients
     * connect in a burst without seeing {@code ERROR_PIPE_BUSY} and backing off; a waiting instance holds a handle
     * and no buffer. The default comes from connect storms (BENCHMARKS.md): 200 clients at once connected 2-4
     * times faster with 64 than with 4 or 16.
     */
    public static final ChannelOption<Integer> LISTENING_INSTANCES = valueOf(NamedPipeChannelOption.class,
            "LISTENING_INSTANCES");
    /** Server: the size the pipe reserves for bytes going to the server, a hint to Windows (default 64 KiB). */
    public static final ChannelOption<Integer> IN_BUFFER_SIZE = valueOf(NamedPipeChannelOption.class,
            "IN_BUFFER_SIZE");
    /** Server: the size the pipe reserves for bytes going to the client, a hint to Windows (default 64 KiB). */
    public static final ChannelOption<Integer> OUT_BUFFER_SIZE = valueOf(NamedPipeChannelOption.class,
            "OUT_BUFFER_SIZE");

    /**
     * Server: whether the pipe is created as a byte or a message pipe (default {@link NamedPipeMode#BYTE}). Its
     * children read in the same mode.
     */
    public static final ChannelOption<NamedPipeMode> PIPE_MODE = valueOf(NamedPipeChannelOption.class, "PIPE_MODE");
    /**
     * Client: how to read the pipe (default {@link NamedPipeMode#BYTE}). {@link NamedPipeMode#MESSAGE} needs a
     * message pipe; connecting to a byte pipe with it fails with a clear error.
     */
    public static final ChannelOption<NamedPipeMode> READ_MODE = valueOf(NamedPipeChannelOption.class, "READ_MODE");

    /**
     * Server: who may open the pipe, as SDDL. Default ({@code null}): full access for the user this process runs
     * as, SYSTEM and Administrators, and nobody else — not Everyone, not anonymous logons. Invalid SDDL is refused
     * with an {@link IllegalArgumentException} carrying the Win32 error.
     */
    public static final ChannelOption<String> SECURITY_DESCRIPTOR = valueOf(NamedPipeChannelOption.class,
            "SECURITY_DESCRIPTOR");
    /**
     * Server: the most pipe instances, listening and connected together (1..254, or 255 for unlimited, the
     * default). At the limit no new instance listens until a connection closes; clients meanwhile see the pipe busy
     * and retry. The server holds one more instance of its own, connected to itself, so the name exists from bind
     * to close and no other process can create it in between.
     */
    public static final ChannelOption<Integer> MAX_INSTANCES = valueOf(NamedPipeChannelOption.class,
            "MAX_INSTANCES");
    /**
     * Client: the SID that must own the pipe, checked right after connecting from the pipe's own security
     * descriptor; a pipe owned by anyone else (a squatter that created the name first) fails the connect. The owner
     * is the server's user, or for a server running elevated usually the Administrators group (S-1-5-32-544).
     * {@link NamedPipe#currentUserSid()} gives this process's own user. Default {@code null}: not checked.
     */
    public static final ChannelOption<String> REQUIRED_SERVER_USER = valueOf(NamedPipeChannelOption.class,
            "REQUIRED_SERVER_USER");
    /**
     * Server: the time-out in milliseconds that clients using WaitNamedPipe with NMPWAIT_USE_DEFAULT_WAIT get
     * (0, the default, means Windows' 50 ms).
     */
    public static final ChannelOption<Integer> DEFAULT_TIMEOUT_MILLIS = valueOf(NamedPipeChannelOption.class,
            "DEFAULT_TIMEOUT_MILLIS");
    /**
     * Both ends: a zero-length write means end of stream, as go-winio's {@code CloseWrite} does (default false).
     * With it, {@code shutdownOutput()} sends one zero-length write after what was written before, and reading
     * one ends the input (with {@link ChannelOption#ALLOW_HALF_CLOSURE} the channel stays open for writing,
     * otherwise it closes). On a message pipe the application may then not write empty messages (refused with an
     * {@link IllegalArgumentException}, unless {@link #SKIP_EMPTY_WRITES} keeps them off the pipe); on a byte pipe
     * an empty buffer carries nothing anyway. Without it, zero-length messages are data and {@code shutdownOutput()}
     * cannot tell the peer (it fails, saying so).
     */
    public static final ChannelOption<Boolean> ZERO_LENGTH_EOF = valueOf(NamedPipeChannelOption.class,
            "ZERO_LENGTH_EOF");
    /**
     * Both ends: an empty write is completed in its turn (after the writes before it) without reaching the pipe,
     * also on a message pipe, where it would otherwise be a zero-length message (default false). For protocols
     * that are byte streams but write empty buffers, as grpc-netty does to learn when earlier writes are flushed:
     * to go-winio a zero-length message means end of stream, and Wine reports even byte pipes as message pipes.
     * On a byte pipe an empty write never reaches the pipe anyway.
     */
    public static final ChannelOption<Boolean> SKIP_EMPTY_WRITES = valueOf(NamedPipeChannelOption.class,
            "SKIP_EMPTY_WRITES");
    /**
     * Client: how long in milliseconds to keep trying while no server has created the pipe
     * ({@code ERROR_FILE_NOT_FOUND}), counted from the start of the connect and never beyond
     * {@link ChannelOption#CONNECT_TIMEOUT_MILLIS}. 0 fails at the first {@code ERROR_FILE_NOT_FOUND}, as a TCP
     * connect to a closed port does; -1, the default, keeps trying until the connect time-out, for a client started
     * before its server. A busy pipe ({@code ERROR_PIPE_BUSY}: the server exists, every instance is taken) is
     * retried until the connect time-out either way.
     */
    public static final ChannelOption<Integer> ABSENT_PIPE_TIMEOUT_MILLIS = valueOf(NamedPipeChannelOption.class,
            "ABSENT_PIPE_TIMEOUT_MILLIS");
    /**
     * How long in milliseconds a read may wait for data holding its buffer (the allocator's guess, 2 KiB or more)
     * before it gives the buffer back and waits with a zero-byte read instead, which holds no memory and completes
     * when data arrives; the real read then follows at once. Default 1000: a busy connection never pays the extra
     * read, an idle one holds no read buffer. 0: always wait with a zero-byte read (libuv's way); -1: never.
     */
    public static final ChannelOption<Integer> IDLE_READ_BUFFER_MILLIS = valueOf(NamedPipeChannelOption.class,
            "IDLE_READ_BUFFER_MILLIS");
    /** Server: refuse clients on other machines (PIPE_REJECT_REMOTE_CLIENTS, default true). */
    public static final ChannelOption<Boolean> REJECT_REMOTE_CLIENTS = valueOf(NamedPipeChannelOption.class,
            "REJECT_REMOTE_CLIENTS");

    @SuppressWarnings("deprecation")
    private NamedPipeChannelOption() {
        super(null);
    }
}
