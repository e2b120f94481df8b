package dev.npipe.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.internal.ObjectUtil;

import java.util.Map;

/**
 * Configuration of a connected pipe: Netty's common options (connect time-out, auto-read, watermarks, ...) and
 * {@link NamedPipeChannelOption#READ_MODE}.
 */
public final class NamedPipeChannelConfig extends DefaultChannelConfig {
    private volatile NamedPipeMode readMode = NamedPipeMode.BYTE;
    private volatile String requiredServerUser;

    NamedPipeChannelConfig(Channel channel) {
        super(channel);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), NamedPipeChannelOption.READ_MODE,
                NamedPipeChannelOption.REQUIRED_SERVER_USER);
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
        return super.setOption(option, value);
    }

    /** How the pipe is read: bytes, or message chunks. */
    public NamedPipeMode getReadMode() {
        return readMode;
    }

    /** Sets how a client reads the pipe; set before connecting. A server's children take the server's mode. */
    public NamedPipeChannelConfig setReadMode(NamedPipeMode readMode) {
        this.readMode = ObjectUtil.checkNotNull(readMode, "READ_MODE");
        return this;
    }

    /** The SID the server's user must have, or {@code null} when not checked. */
    public String getRequiredServerUser() {
        return requiredServerUser;
    }

    /** Requires the server process to run as the user with this SID ({@code S-1-...}); {@code null}: no check. */
    public NamedPipeChannelConfig setRequiredServerUser(String sid) {
        if (sid != null && !sid.regionMatches(true, 0, "S-1-", 0, 4)) {
            throw new IllegalArgumentException("REQUIRED_SERVER_USER must be a SID like S-1-5-21-..., not '" + sid
                    + "' (NamedPipe.currentUserSid() gives this process's user)");
        }
        this.requiredServerUser = sid;
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
