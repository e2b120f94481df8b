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

import dev.npipe.codec.message.PipeMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import static dev.npipe.transport.ChannelState.CLOSE_DEFERRED;
import static dev.npipe.transport.ChannelState.EOF_IN_FLIGHT;
import static dev.npipe.transport.ChannelState.EOF_PENDING;
import static dev.npipe.transport.ChannelState.MESSAGE_PIPE;
import static dev.npipe.transport.ChannelState.OPEN;
import static dev.npipe.transport.ChannelState.REMOVING_WRITTEN;

/**
 * The write side of a connected pipe: one overlapped WriteFile at a time. On a byte pipe small buffers are copied
 * into one so a burst of them costs one WriteFile; on a message pipe every buffer is one message, never merged.
 * The buffer handed to the kernel is kept until its completion, and released before any promise completes.
 */
final class PipeWriter extends PendingOperation {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PipeWriter.class);
    /** Buffers at least this large are written as they are; smaller ones are copied together. */
    private static final int COALESCE_THRESHOLD = 16 * 1024;
    private static final int MAX_COALESCED_BYTES = 64 * 1024;

    private final NamedPipeChannel channel;
    private final ChannelState state;
    /** Readable bytes of the flushed buffers, counted by {@link #countFlushed} up to the coalescing limit. */
    private long flushedBytes;
    private final ChannelOutboundBuffer.MessageProcessor countFlushed = msg -> {
        flushedBytes += ((ByteBuf) msg).readableBytes();
        return flushedBytes < MAX_COALESCED_BYTES;
    };

    /**
     * Set while {@link #complete} starts the next write: one that finishes at once is completed there. Outside it a
     * write that finishes at once is handed on by the loop (never inside the caller's flush).
     */
    private boolean mayCompleteInline;
    /** Bytes of the write that finished at once and was handled inline; -1 if none. */
    private int writtenInline = -1;

    PipeWriter(NamedPipeChannel channel, ChannelState state) {
        this.channel = channel;
        this.state = state;
    }

    /** A write (not the end-of-stream message) is in flight. */
    boolean isWriting() {
        return isBusy() && !state.is(EOF_IN_FLIGHT);
    }

    /**
     * What may be written: buffers and {@link PipeMessage}s, as one block of native memory each. What it refuses
     * (it throws) it leaves as it was: Netty's write releases it then.
     */
    Object filter(Object msg) {
        ByteBuf buf;
        if (msg instanceof PipeMessage) {
            buf = ((PipeMessage) msg).content();
        } else if (msg instanceof ByteBuf) {
            buf = (ByteBuf) msg;
        } else {
            throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName()
                    + " (expected ByteBuf or PipeMessage)");
        }
        if (!buf.isReadable() && !skipsEmpty() && channel.config().isZeroLengthEof()) {
            throw new IllegalArgumentException("a zero-length message ends the stream when ZERO_LENGTH_EOF is set"
                    + " on " + channel.pipeAddress() + "; use shutdownOutput() for that, or turn the option off");
        }
        if (NativeBlock.isContiguousNative(buf)) {
            if (buf != msg) {
                buf.retain();
                ReferenceCountUtil.release(msg);
            }
            return buf;
        }
        // WriteFile needs one block of native memory: copy heap and composite buffers once, here.
        ByteBuf direct = channel.config().getAllocator().directBuffer(buf.readableBytes());
        try {
            direct.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
        } catch (Throwable t) {
            direct.release();
            throw t;
        }
        ReferenceCountUtil.release(msg);
        return direct;
    }

    /**
     * The one rule for an empty write: on a byte pipe it carries nothing, and with SKIP_EMPTY_WRITES it is kept off
     * a message pipe too; either way {@link #write} completes it in its turn without WriteFile. Otherwise it is a
     * zero-length message, refused by {@link #filter} when ZERO_LENGTH_EOF makes that the end of the stream.
     */
    private boolean skipsEmpty() {
        return !state.is(MESSAGE_PIPE) || channel.config().isSkipEmptyWrites();
    }

    /** Starts writing what was flushed, unless a write is in flight (its completion goes on). */
    void write(ChannelOutboundBuffer in) throws Exception {
        if (isBusy() || state.is(REMOVING_WRITTEN | CLOSE_DEFERRED)) {
            return;
        }
        boolean messages = state.is(MESSAGE_PIPE);
        boolean skipEmpty = skipsEmpty();
        ByteBuf head;
        while ((head = (ByteBuf) in.current()) != null && !head.isReadable() && skipEmpty) {
            in.remove();
        }
        if (head == null) {
            return;
        }
        ByteBuf toWrite;
        if (messages || in.size() == 1 || head.readableBytes() >= COALESCE_THRESHOLD) {
            // Written from its reader index as it is: a slice would be one more object per write.
            toWrite = head.retain();
        } else {
            toWrite = coalesce(in);
        }
        int length = toWrite.readableBytes();
        PipeHandle.Start result = channel.pipe().write(block(),
                NativeBlock.addressOf(toWrite, toWrite.readerIndex(), length), length);
        if (result == PipeHandle.Start.FAILED) {
            toWrite.release();
            throw PipeErrors.ioFailure("WriteFile", channel.pipeAddress(), block().startError());
        }
        hold(toWrite);
        if (result == PipeHandle.Start.DONE_AT_ONCE) {
            if (mayCompleteInline) {
                // Inside the loop's handling of the last write: this one is completed there, no loop turn later.
                mayCompleteInline = false;
                writtenInline = block().bytesTransferred();
                handledAtOnce();
            } else {
                finishedAtOnce(); // promises complete when the loop hands it on, never inside this flush
            }
        }
    }

    /** Copies the flushed small buffers, up to {@link #MAX_COALESCED_BYTES}, into one direct buffer. */
    private ByteBuf coalesce(ChannelOutboundBuffer in) throws Exception {
        // Sized by the bytes flushed: totalPendingWriteBytes() is the MessageSizeEstimator's guess (plus an overhead
        // per entry), which may be far less, cutting a burst into tiny writes, or 0, a loop of empty ones.
        flushedBytes = 0;
        in.forEachFlushedMessage(countFlushed);
        int total = (int) Math.min(flushedBytes, MAX_COALESCED_BYTES);
        ByteBuf copy = channel.config().getAllocator().directBuffer(total);
        in.forEachFlushedMessage(msg -> {
            ByteBuf buf = (ByteBuf) msg;
            int n = Math.min(buf.readableBytes(), copy.writableBytes());
            copy.writeBytes(buf, buf.readerIndex(), n);
            return copy.isWritable();
        });
        return copy;
    }

    /**
     * A write's completion (dequeued, or finished at once and handed on by the loop). The next write starts here;
     * while writes finish at once they are completed here too, up to the config's write spin count, as Netty's
     * transports write on in one flush: a burst of messages on a message pipe, one WriteFile each, then costs no
     * loop turn per message.
     */
    void complete(int bytes, int error) {
        int spins = channel.config().getWriteSpinCount();
        while (completeOne(bytes, error)) {
            mayCompleteInline = --spins > 0;
            writtenInline = -1;
            try {
                channel.flushRest();
            } finally {
                mayCompleteInline = false;
            }
            if (writtenInline < 0) {
                return; // nothing more to write, a write waits for its completion, or the loop hands it on
            }
            bytes = writtenInline;
            error = 0;
        }
    }

    /** Handles one write's completion; {@return true if the channel is open and writes go on: the next may start} */
    private boolean completeOne(int bytes, int error) {
        if (state.is(EOF_IN_FLIGHT)) {
            state.clear(EOF_IN_FLIGHT);
            if (error != 0 && !PipeErrors.isCancelled(error)) {
                logger.debug("{}: the end-of-stream message failed: {}", channel, Win32Error.describe(error));
            }
            return false;
        }
        ByteBuf written = take();
        if (written == null) {
            logger.warn("{}: a write completed that was not started (bytes={}, error={})", channel, bytes,
                    Win32Error.describe(error));
            return false;
        }
        // Our reference goes first: a promise completed below finds the buffer released by its writer only.
        written.release();
        if (state.is(CLOSE_DEFERRED)) {
            removeWritten(bytes, error);
            if (error != 0 && !PipeErrors.isCancelled(error)) {
                // The kernel failed the write itself (the reader gone: ERROR_BROKEN_PIPE), not our cancel: what was
                // flushed fails with that, as after a write error on an open channel, not with the close's
                // ClosedChannelException.
                failFlushed(PipeErrors.ioFailure("WriteFile", channel.pipeAddress(), error));
            }
            channel.finishDeferredClose();
            return false;
        }
        if (!state.is(OPEN)) {
            return false;
        }
        if (error != 0) {
            channel.writeFailed(PipeErrors.ioFailure("WriteFile", channel.pipeAddress(), error));
            return false;
        }
        removeWritten(bytes, 0);
        if (state.is(EOF_PENDING)) {
            state.clear(EOF_PENDING);
            writeEndOfStream();
            return false;
        }
        return true;
    }

    /** Completes the promises of what the kernel wrote; a message is written whole or not at all. */
    private void removeWritten(int bytes, int error) {
        ChannelOutboundBuffer in = channel.unsafe().outboundBuffer();
        if (in == null) {
            return; // output shut down or channel closed: its writes were failed already
        }
        state.set(REMOVING_WRITTEN);
        try {
            if (!state.is(MESSAGE_PIPE)) {
                in.removeBytes(bytes);
            } else if (error == 0) {
                in.remove();
            }
        } finally {
            state.clear(REMOVING_WRITTEN);
        }
    }

    /**
     * Fails the messages flushed so far with {@code cause}, as Netty's close does with a write error's. Only those:
     * a listener that writes and flushes again meets the close that follows, not this loop.
     */
    private void failFlushed(Throwable cause) {
        ChannelOutboundBuffer in = channel.unsafe().outboundBuffer();
        if (in != null) {
            for (int flushed = in.size(); flushed > 0 && in.remove(cause); flushed--) {
                // the next flushed message
            }
        }
    }

    /**
     * {@code shutdownOutput()} after Netty stopped taking writes: sends the end of the stream as one zero-length
     * message (go-winio's CloseWrite convention), after the write in flight. A byte pipe has no such marker.
     */
    void shutdownOutput() {
        NamedPipeAddress address = channel.pipeAddress();
        if (!channel.config().isZeroLengthEof()) {
            throw new UnsupportedOperationException("a named pipe has no half-close of its own: " + address
                    + " takes no more writes, but the peer was not told; on a message pipe, set "
                    + "NamedPipeChannelOption.ZERO_LENGTH_EOF on both ends to send the end of the stream as a "
                    + "zero-length message");
        }
        if (!state.is(MESSAGE_PIPE)) {
            throw new UnsupportedOperationException("a byte pipe has no end-of-stream marker (a zero-length write "
                    + "may never reach the reader): " + address + " takes no more writes, but the peer was not "
                    + "told; use a message pipe (PIPE_MODE MESSAGE) with ZERO_LENGTH_EOF for half-close");
        }
        if (isBusy()) {
            state.set(EOF_PENDING);
        } else {
            writeEndOfStream();
        }
    }

    private void writeEndOfStream() {
        PipeHandle.Start result = channel.pipe().write(block(), block().address(), 0);
        if (result != PipeHandle.Start.FAILED) {
            state.set(EOF_IN_FLIGHT);
            if (result == PipeHandle.Start.DONE_AT_ONCE) {
                finishedAtOnce();
            }
        } else if (!PipeErrors.isEndOfPipe(block().startError())) {
            channel.pipeline().fireExceptionCaught(PipeErrors.ioFailure("WriteFile(end of stream)",
                    channel.pipeAddress(), block().startError()));
        }
    }
}
