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
import io.netty.channel.DefaultChannelConfig;

import java.util.Map;

import static io.netty.util.internal.ObjectUtil.checkInRange;
import static io.netty.util.internal.ObjectUtil.checkPositive;

/**
 * Configuration of a pipe server: how many instances listen at once and the pipe buffer sizes. Options are
 * independent: setting one never changes another.
 */
public final class NamedPipeServerChannelConfig extends DefaultChannelConfig {
    private volatile int listeningInstances = 64;
    private volatile int inBufferSize = 64 * 1024;
    private volatile int outBufferSize = 64 * 1024;
    private volatile NamedPipeMode pipeMode = NamedPipeMode.BYTE;
    private volatile String securityDescriptor;
    private volatile boolean rejectRemoteClients = true;
    private volatile int maxInstances = 255;
    private volatile int defaultTimeoutMillis;

    NamedPipeServerChannelConfig(NamedPipeServerChannel channel) {
        super(channel);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), NamedPipeChannelOption.LISTENING_INSTANCES,
                NamedPipeChannelOption.IN_BUFFER_SIZE, NamedPipeChannelOption.OUT_BUFFER_SIZE,
                NamedPipeChannelOption.PIPE_MODE, NamedPipeChannelOption.SECURITY_DESCRIPTOR,
                NamedPipeChannelOption.REJECT_REMOTE_CLIENTS, NamedPipeChannelOption.MAX_INSTANCES,
                NamedPipeChannelOption.DEFAULT_TIMEOUT_MILLIS);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == NamedPipeChannelOption.LISTENING_INSTANCES) {
            return (T) Integer.valueOf(listeningInstances);
        }
        if (option == NamedPipeChannelOption.IN_BUFFER_SIZE) {
            return (T) Integer.valueOf(inBufferSize);
        }
        if (option == NamedPipeChannelOption.OUT_BUFFER_SIZE) {
            return (T) Integer.valueOf(outBufferSize);
        }
        if (option == NamedPipeChannelOption.PIPE_MODE) {
            return (T) pipeMode;
        }
        if (option == NamedPipeChannelOption.SECURITY_DESCRIPTOR) {
            return (T) securityDescriptor;
        }
        if (option == NamedPipeChannelOption.REJECT_REMOTE_CLIENTS) {
            return (T) Boolean.valueOf(rejectRemoteClients);
        }
        if (option == NamedPipeChannelOption.MAX_INSTANCES) {
            return (T) Integer.valueOf(maxInstances);
        }
        if (option == NamedPipeChannelOption.DEFAULT_TIMEOUT_MILLIS) {
            return (T) Integer.valueOf(defaultTimeoutMillis);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == NamedPipeChannelOption.LISTENING_INSTANCES) {
            setListeningInstances((Integer) value);
        } else if (option == NamedPipeChannelOption.IN_BUFFER_SIZE) {
            setInBufferSize((Integer) value);
        } else if (option == NamedPipeChannelOption.OUT_BUFFER_SIZE) {
            setOutBufferSize((Integer) value);
        } else if (option == NamedPipeChannelOption.PIPE_MODE) {
            setPipeMode((NamedPipeMode) value);
        } else if (option == NamedPipeChannelOption.SECURITY_DESCRIPTOR) {
            setSecurityDescriptor((String) value);
        } else if (option == NamedPipeChannelOption.REJECT_REMOTE_CLIENTS) {
            setRejectRemoteClients((Boolean) value);
        } else if (option == NamedPipeChannelOption.MAX_INSTANCES) {
            setMaxInstances((Integer) value);
        } else if (option == NamedPipeChannelOption.DEFAULT_TIMEOUT_MILLIS) {
            setDefaultTimeoutMillis((Integer) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    /** {@return pipe instances kept waiting for clients, 1..255} */
    public int getListeningInstances() {
        return listeningInstances;
    }

    /**
     * Sets how many pipe instances wait for clients at once, 1..255.
     *
     * @param listeningInstances instances waiting at once, 1..255
     * @return this config
     */
    public NamedPipeServerChannelConfig setListeningInstances(int listeningInstances) {
        this.listeningInstances = checkInRange(listeningInstances, 1, 255, "LISTENING_INSTANCES");
        return this;
    }

    /** {@return the inbound buffer size hint in bytes} */
    public int getInBufferSize() {
        return inBufferSize;
    }

    /**
     * Sets the inbound (client to server) buffer size hint, in bytes (at least 1).
     *
     * @param inBufferSize bytes, at least 1
     * @return this config
     */
    public NamedPipeServerChannelConfig setInBufferSize(int inBufferSize) {
        this.inBufferSize = checkPositive(inBufferSize, "IN_BUFFER_SIZE");
        return this;
    }

    /** {@return the outbound buffer size hint in bytes} */
    public int getOutBufferSize() {
        return outBufferSize;
    }

    /**
     * Sets the outbound (server to client) buffer size hint, in bytes (at least 1).
     *
     * @param outBufferSize bytes, at least 1
     * @return this config
     */
    public NamedPipeServerChannelConfig setOutBufferSize(int outBufferSize) {
        this.outBufferSize = checkPositive(outBufferSize, "OUT_BUFFER_SIZE");
        return this;
    }

    /** {@return whether the pipe is a byte or a message pipe} */
    public NamedPipeMode getPipeMode() {
        return pipeMode;
    }

    /**
     * Creates the pipe as a byte or a message pipe; its children read in the same mode. Set before bind.
     *
     * @param pipeMode {@link NamedPipeMode#BYTE} or {@link NamedPipeMode#MESSAGE}
     * @return this config
     */
    public NamedPipeServerChannelConfig setPipeMode(NamedPipeMode pipeMode) {
        this.pipeMode = io.netty.util.internal.ObjectUtil.checkNotNull(pipeMode, "PIPE_MODE");
        return this;
    }

    /** {@return the SDDL set with {@link #setSecurityDescriptor}, or {@code null} for the default} */
    public String getSecurityDescriptor() {
        return securityDescriptor;
    }

    /**
     * Sets who may open the pipe, as SDDL; {@code null} restores the default (this user, SYSTEM, Administrators).
     *
     * @throws IllegalArgumentException with the Win32 error when Windows does not accept the SDDL
     * @param sddl a security descriptor in SDDL, or {@code null} for the default
     * @return this config
     */
    public NamedPipeServerChannelConfig setSecurityDescriptor(String sddl) {
        if (sddl != null) {
            Advapi32.validateSddl(sddl);
        }
        this.securityDescriptor = sddl;
        return this;
    }

    /** {@return the most pipe instances, listening and connected together; 255 means unlimited} */
    public int getMaxInstances() {
        return maxInstances;
    }

    /**
     * Sets the most pipe instances, listening and connected together, 1..255 (255: unlimited).
     *
     * @param maxInstances 1..255
     * @return this config
     */
    public NamedPipeServerChannelConfig setMaxInstances(int maxInstances) {
        this.maxInstances = checkInRange(maxInstances, 1, 255, "MAX_INSTANCES");
        return this;
    }

    /** {@return the default WaitNamedPipe time-out in milliseconds; 0 means Windows' default} */
    public int getDefaultTimeoutMillis() {
        return defaultTimeoutMillis;
    }

    /**
     * Sets the default WaitNamedPipe time-out in milliseconds (0 or more; 0: Windows' 50 ms).
     *
     * @param defaultTimeoutMillis milliseconds, 0 or more
     * @return this config
     */
    public NamedPipeServerChannelConfig setDefaultTimeoutMillis(int defaultTimeoutMillis) {
        this.defaultTimeoutMillis = io.netty.util.internal.ObjectUtil.checkPositiveOrZero(defaultTimeoutMillis,
                "DEFAULT_TIMEOUT_MILLIS");
        return this;
    }

    /** {@return whether clients on other machines are refused} */
    public boolean isRejectRemoteClients() {
        return rejectRemoteClients;
    }

    /**
     * Refuse (true, the default) or accept clients on other machines.
     *
     * @param rejectRemoteClients {@code true} to refuse remote clients
     * @return this config
     */
    public NamedPipeServerChannelConfig setRejectRemoteClients(boolean rejectRemoteClients) {
        this.rejectRemoteClients = rejectRemoteClients;
        return this;
    }

    @Override
    public NamedPipeServerChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }
}
