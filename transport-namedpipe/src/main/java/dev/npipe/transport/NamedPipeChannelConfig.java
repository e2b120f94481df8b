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

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.util.internal.ObjectUtil;

import java.util.Map;

/**
 * Configuration of a connected pipe: Netty's common options (connect time-out, auto-read, watermarks,
 * {@link ChannelOption#ALLOW_HALF_CLOSURE}, ...), {@link NamedPipeChannelOption#READ_MODE},
 * {@link NamedPipeChannelOption#REQUIRED_SERVER_USER}, {@link NamedPipeChannelOption#ZERO_LENGTH_EOF},
 * {@link NamedPipeChannelOption#SKIP_EMPTY_WRITES},
 * {@link NamedPipeChannelOption#ABSENT_PIPE_TIMEOUT_MILLIS} and {@link NamedPipeChannelOption#IDLE_READ_BUFFER_MILLIS}.
 *
 * <p>{@link ChannelOption#SO_KEEPALIVE} is accepted and kept, but does nothing: a pipe has no keep-alive probes and
 * needs none, since Windows breaks the pipe as soon as the process at the other end ends. It is accepted so that
 * frameworks that set it on every channel (grpc-netty does) run without a warning.
 */
public final class NamedPipeChannelConfig extends DefaultChannelConfig implements DuplexChannelConfig {
    private volatile NamedPipeMode readMode = NamedPipeMode.BYTE;
    private volatile String requiredServerUser;
    private volatile boolean allowHalfClosure;
    private volatile boolean zeroLengthEof;
    private volatile boolean skipEmptyWrites;
    private volatile int absentPipeTimeoutMillis = -1;
    private volatile int idleReadBufferMillis = 1000;
    private volatile boolean keepAlive;

    NamedPipeChannelConfig(Channel channel) {
        super(channel);
    }

    @Override
    protected void autoReadCleared() {
        ((NamedPipeChannel) channel).autoReadCleared();
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), NamedPipeChannelOption.READ_MODE,
                NamedPipeChannelOption.REQUIRED_SERVER_USER, NamedPipeChannelOption.ZERO_LENGTH_EOF,
                NamedPipeChannelOption.SKIP_EMPTY_WRITES,
                NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS, NamedPipeChannelOption.IDLE_READ_BUFFER_MILLIS,
                ChannelOption.ALLOW_HALF_CLOSURE,
                ChannelOption.SO_KEEPALIVE);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == NamedPipeChannelOption.READ_MODE) {
            return (T) readMode;
        }
        if (option == NamedPipeChannelOption.REQUIRED_SERVER_USER) {
            return (T) requiredServerUser;
        }
        if (option == NamedPipeChannelOption.ZERO_LENGTH_EOF) {
            return (T) Boolean.valueOf(zeroLengthEof);
        }
        if (option == NamedPipeChannelOption.SKIP_EMPTY_WRITES) {
            return (T) Boolean.valueOf(skipEmptyWrites);
        }
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(allowHalfClosure);
        }
        if (option == NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS) {
            return (T) Integer.valueOf(absentPipeTimeoutMillis);
        }
        if (option == NamedPipeChannelOption.IDLE_READ_BUFFER_MILLIS) {
            return (T) Integer.valueOf(idleReadBufferMillis);
        }
        if (option == ChannelOption.SO_KEEPALIVE) {
            return (T) Boolean.valueOf(keepAlive);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == NamedPipeChannelOption.READ_MODE) {
            setReadMode((NamedPipeMode) value);
            return true;
        }
        if (option == NamedPipeChannelOption.REQUIRED_SERVER_USER) {
            setRequiredServerUser((String) value);
            return true;
        }
        if (option == NamedPipeChannelOption.ZERO_LENGTH_EOF) {
            setZeroLengthEof((Boolean) value);
            return true;
        }
        if (option == NamedPipeChannelOption.SKIP_EMPTY_WRITES) {
            setSkipEmptyWrites((Boolean) value);
            return true;
        }
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
            return true;
        }
        if (option == NamedPipeChannelOption.ABSENT_PIPE_TIMEOUT_MILLIS) {
            setAbsentPipeTimeoutMillis((Integer) value);
            return true;
        }
        if (option == NamedPipeChannelOption.IDLE_READ_BUFFER_MILLIS) {
            setIdleReadBufferMillis((Integer) value);
            return true;
        }
        if (option == ChannelOption.SO_KEEPALIVE) {
            keepAlive = (Boolean) value; // kept for getOption, no effect: see the class comment
            return true;
        }
        return super.setOption(option, value);
    }

    /** {@return how the pipe is read: bytes, or message chunks} */
    public NamedPipeMode getReadMode() {
        return readMode;
    }

    /**
     * Sets how a client reads the pipe; set before connecting. A server's children take the server's mode.
     *
     * @param readMode {@link NamedPipeMode#BYTE} (buffers) or {@link NamedPipeMode#MESSAGE} (message chunks)
     * @return this config
     */
    public NamedPipeChannelConfig setReadMode(NamedPipeMode readMode) {
        this.readMode = ObjectUtil.checkNotNull(readMode, "READ_MODE");
        return this;
    }

    /** {@return the SID the server's user must have, or {@code null} when not checked} */
    public String getRequiredServerUser() {
        return requiredServerUser;
    }

    /**
     * Requires the server process to run as the user with this SID ({@code S-1-...}); {@code null}: no check.
     *
     * @param sid the SID, or {@code null} for no check
     * @return this config
     */
    public NamedPipeChannelConfig setRequiredServerUser(String sid) {
        if (sid != null && !sid.regionMatches(true, 0, "S-1-", 0, 4)) {
            throw new IllegalArgumentException("REQUIRED_SERVER_USER must be a SID like S-1-5-21-..., not '" + sid
                    + "' (NamedPipe.currentUserSid() gives this process's user)");
        }
        this.requiredServerUser = sid;
        return this;
    }

    /** Whether the end of the peer's output only shuts our input down, leaving the channel open for writes. */
    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    /**
     * With {@code true}, the end of the peer's output fires {@code ChannelInputShutdownEvent} and the channel stays
     * open for writing; with {@code false} (the default) the channel closes.
     */
    @Override
    public NamedPipeChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    /** {@return whether a zero-length write means end of stream (see {@link NamedPipeChannelOption#ZERO_LENGTH_EOF})} */
    public boolean isZeroLengthEof() {
        return zeroLengthEof;
    }

    /**
     * Makes a zero-length write mean end of stream, both ways; see {@link NamedPipeChannelOption#ZERO_LENGTH_EOF}.
     *
     * @param zeroLengthEof {@code true} to turn it on (message pipes only)
     * @return this config
     */
    public NamedPipeChannelConfig setZeroLengthEof(boolean zeroLengthEof) {
        this.zeroLengthEof = zeroLengthEof;
        return this;
    }

    /** {@return whether empty writes stay off the pipe (see {@link NamedPipeChannelOption#SKIP_EMPTY_WRITES})} */
    public boolean isSkipEmptyWrites() {
        return skipEmptyWrites;
    }

    /**
     * Completes empty writes in their turn without writing them; see {@link NamedPipeChannelOption#SKIP_EMPTY_WRITES}.
     *
     * @param skipEmptyWrites {@code true} to keep empty writes off the pipe, message pipes included
     * @return this config
     */
    public NamedPipeChannelConfig setSkipEmptyWrites(boolean skipEmptyWrites) {
        this.skipEmptyWrites = skipEmptyWrites;
        return this;
    }

    /**
     * {@return how long a client keeps trying while the pipe does not exist, in milliseconds; -1 (the default): up
     * to the connect time-out} See {@link NamedPipeChannelOption#ABSENT_PIPE_TIMEOUT_MILLIS}.
     */
    public int getAbsentPipeTimeoutMillis() {
        return absentPipeTimeoutMillis;
    }

    /**
     * How long a client keeps trying while the pipe does not exist: 0 fails at once, -1 (the default) waits up to
     * the connect time-out; see {@link NamedPipeChannelOption#ABSENT_PIPE_TIMEOUT_MILLIS}.
     *
     * @param millis -1, 0 or a positive number of milliseconds
     * @return this config
     */
    public NamedPipeChannelConfig setAbsentPipeTimeoutMillis(int millis) {
        if (millis < -1) {
            throw new IllegalArgumentException("ABSENT_PIPE_TIMEOUT_MILLIS must be -1 (up to the connect time-out), "
                    + "0 (fail at once) or a positive number of milliseconds, not " + millis);
        }
        this.absentPipeTimeoutMillis = millis;
        return this;
    }

    /**
     * {@return how long a read may wait for data holding its buffer, in milliseconds; 0: never holds one, -1: always}
     * See {@link NamedPipeChannelOption#IDLE_READ_BUFFER_MILLIS}.
     */
    public int getIdleReadBufferMillis() {
        return idleReadBufferMillis;
    }

    /**
     * How long a read may wait for data holding its buffer before it waits with a zero-byte read instead; see
     * {@link NamedPipeChannelOption#IDLE_READ_BUFFER_MILLIS}.
     *
     * @param millis -1 (always hold a buffer), 0 (never) or a positive number of milliseconds (default 1000)
     * @return this config
     */
    public NamedPipeChannelConfig setIdleReadBufferMillis(int millis) {
        if (millis < -1) {
            throw new IllegalArgumentException("IDLE_READ_BUFFER_MILLIS must be -1 (reads always hold a buffer), "
                    + "0 (waiting reads never do) or a positive number of milliseconds, not " + millis);
        }
        this.idleReadBufferMillis = millis;
        return this;
    }

    @Override
    public NamedPipeChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public NamedPipeChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public NamedPipeChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public NamedPipeChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public NamedPipeChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public NamedPipeChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public NamedPipeChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public NamedPipeChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    public NamedPipeChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public NamedPipeChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public NamedPipeChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
