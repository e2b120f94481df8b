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

/**
 * An OVERLAPPED block for one kind of operation of one pipe handle (read, write or connect). Only one operation
 * uses a block at a time; the kernel owns the memory from the call that starts the operation until its completion
 * is dequeued, so the block is freed only after that.
 *
 * <p>Layout: the 32-byte OVERLAPPED ({@code Internal} holds the NTSTATUS, {@code InternalHigh} the bytes
 * transferred), then the completion port of the event loop that owns it, so a completion dequeued by another loop
 * can be passed on.
 */
final class Overlapped extends NativeBlock {
    /** Bytes of a block: OVERLAPPED plus the owner's port. */
    static final int SIZE = 48;
    /** Offset of the owner's completion port. */
    static final int OWNER_PORT_OFFSET = 32;

    private final Object owner;
    private boolean pending;
    /** Handled when its operation finished at once; its completion packet is still to be dequeued. */
    private boolean packetFollows;
    /** The error of the last start that failed at once. */
    private int startError;

    /**
     * @param ownerPort the completion port of the event loop that handles this block's completions
     * @param owner     whoever started the operation; the event loop hands completions back to it
     */
    Overlapped(long ownerPort, Object owner) {
        super(SIZE);
        this.owner = owner;
        view().putLong(OWNER_PORT_OFFSET, ownerPort);
    }

    /**
     * Makes a completion of this block that comes later unknown to every loop (the owner port reads 0), and keeps
     * the memory for good, since the kernel or another loop's port may still use it.
     */
    void forgetOwnerPort() {
        view().putLong(OWNER_PORT_OFFSET, 0L);
        keepForGood();
    }

    /** Resets the OVERLAPPED part before a new operation and marks the block in use by the kernel. */
    long start() {
        view().putLong(0, 0L);
        view().putLong(8, 0L);
        view().putLong(16, 0L);
        view().putLong(24, 0L);
        pending = true;
        return address();
    }

    /** The operation did not start (the call failed at once with {@code error}): the kernel leaves the block. */
    void notStarted(int error) {
        pending = false;
        startError = error;
    }

    /** The Win32 error of the last operation that did not start ({@link PipeHandle.Start#FAILED}). */
    int startError() {
        return startError;
    }

    /** The completion was dequeued: the kernel is done with the block. */
    void markFree() {
        pending = false;
        packetFollows = false;
    }

    /**
     * The operation finished at once and was handled then, but a completion packet for it is still queued (a
     * warning status on Windows 8+): the block stays in use until that packet is dequeued, which only frees it.
     */
    void handledBeforeItsPacket() {
        packetFollows = true;
    }

    /** True for a block {@link #handledBeforeItsPacket()} whose packet has not been dequeued yet. */
    boolean isHandledBeforeItsPacket() {
        return packetFollows;
    }

    /** True from {@link #start()} until the completion is dequeued. */
    boolean isPending() {
        return pending;
    }

    /** True once the kernel has finished the operation, whether or not its completion was dequeued. */
    boolean hasKernelFinished() {
        return view().getInt(0) != NtDll.STATUS_PENDING;
    }

    /** Bytes the finished operation moved ({@code InternalHigh}). */
    int bytesTransferred() {
        return (int) view().getLong(8);
    }

    /** The NTSTATUS of the finished operation. */
    int status() {
        return view().getInt(0);
    }

    /** The Win32 error of the finished operation: 0 on success, ERROR_MORE_DATA for part of a longer message. */
    int error() {
        int status = status();
        return status == 0 ? 0 : NtDll.toWin32Error(status);
    }

    /** The owner given at creation. */
    Object owner() {
        return owner;
    }

    @Override
    public String toString() {
        return "Overlapped(0x" + Long.toHexString(address()) + ", status 0x" + Integer.toHexString(status()) + ", "
                + owner + ')';
    }
}
