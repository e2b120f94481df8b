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
import dev.npipe.codec.message.PipeMessageChunk;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.concurrent.TimeUnit;

import static dev.npipe.transport.ChannelState.CLOSE_DEFERRED;
import static dev.npipe.transport.ChannelState.HANDLING_READ;
import static dev.npipe.transport.ChannelState.INPUT_SHUTDOWN;
import static dev.npipe.transport.ChannelState.INPUT_SHUTDOWN_SEEN;
import static dev.npipe.transport.ChannelState.IN_READ_BATCH;
import static dev.npipe.transport.ChannelState.MESSAGE_CHUNKS;
import static dev.npipe.transport.ChannelState.MESSAGE_PIPE;
import static dev.npipe.transport.ChannelState.OPEN;
import static dev.npipe.transport.ChannelState.READ_PENDING;

/**
 * The read side of a connected pipe: one overlapped ReadFile at a time, in batches as Netty's read loop asks.
 * A batch starts with a completion; while the {@link RecvByteBufAllocator} wants more, the next ReadFile belongs
 * to it as long as it finishes at once (the bytes were there: no completion is queued for it, see
 * {@link PipeHandle#skipCompletionPortOnSuccess(boolean)}). The first read that has to wait ends the batch with one
 * {@code channelReadComplete}, so what handlers wrote in it is flushed now rather than after another trip through
 * the completion port; that read's completion starts the next batch. The end of the peer's output follows Netty's
 * half-closure rules.
 *
 * <p>A read that waits holds its buffer. One that has waited {@link NamedPipeChannelOption#IDLE_READ_BUFFER_MILLIS}
 * is cancelled and replaced by a zero-byte read, which holds nothing and completes when data arrives; the real read
 * then finishes at once. A zero-byte read answered soon means the connection is busy again, and reads hold buffers
 * again.
 */
final class PipeReader extends PendingOperation {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PipeReader.class);

    /** Held while a zero-byte read is in flight: it has no buffer, and releasing this one does nothing. */
    private static final ByteBuf NO_BUFFER = Unpooled.EMPTY_BUFFER;
    /** A message pipe's "maybe more data": another message may be queued whatever the size of the last one. */
    private static final UncheckedBooleanSupplier MAYBE_MORE_MESSAGES = () -> true;

    private final NamedPipeChannel channel;
    private final ChannelState state;
    private final Runnable idleCheck = this::checkIdleRead;
    /** When the read in flight began to wait (nanoTime); 0 when none waits. */
    private long waitingSince;
    private boolean bufferWaits;
    private boolean waitWithoutBuffer;
    private boolean idleCheckScheduled;
    /** The last read on a message pipe ended with ERROR_MORE_DATA: the next one continues that message. */
    private boolean midMessage;

    PipeReader(NamedPipeChannel channel, ChannelState state) {
        this.channel = channel;
        this.state = state;
    }

    /** {@code read()}: starts a read unless one is in flight or a completion is being handled. */
    void beginRead() {
        if (!state.isActive() || state.is(CLOSE_DEFERRED)) {
            return;
        }
        if (state.is(INPUT_SHUTDOWN)) {
            fireInputShutdownReadCompleteOnce();
            return;
        }
        state.set(READ_PENDING);
        if (!state.is(HANDLING_READ)) {
            start();
        }
    }

    /** Stops reading for good: the read in flight is cancelled. */
    void shutdown() {
        state.set(INPUT_SHUTDOWN);
        state.clear(READ_PENDING);
        if (isBusy()) {
            channel.pipe().cancel(block());
        }
    }

    /** Auto-read was turned off: a read in flight that nobody asked for is cancelled (its bytes stay queued). */
    void autoReadCleared() {
        state.clear(READ_PENDING);
        if (isBusy() && !state.is(IN_READ_BATCH)) {
            channel.pipe().cancel(block());
        }
    }

    /** A read is wanted: auto-read is on, or {@code read()} was called and nothing has been read since. */
    private boolean wantsRead() {
        return state.isActive() && !state.is(INPUT_SHUTDOWN | CLOSE_DEFERRED)
                && (channel.config().isAutoRead() || state.is(READ_PENDING));
    }

    /**
     * Starts the read that begins the next batch. One that finishes at once is handed on by the loop later, as its
     * queued completion would have been: never inside {@code read()}, and after the other channels' completions.
     */
    private void start() {
        if (isBusy()) {
            return;
        }
        boolean zeroByte = waitWithoutBuffer || channel.config().getIdleReadBufferMillis() == 0;
        ByteBuf buf = zeroByte ? NO_BUFFER : newBuffer();
        PipeHandle.Start result = zeroByte ? channel.pipe().readNothing(block()) : readInto(buf);
        if (result == PipeHandle.Start.DONE_AT_ONCE) {
            hold(buf);
            finishedAtOnce();
        } else if (result != PipeHandle.Start.FAILED) {
            hold(buf); // a read whose packet still comes is handed on by that packet, as one that waited
            waiting(zeroByte);
        } else {
            buf.release();
            endBatch();
            failed(block().startError());
        }
    }

    private ByteBuf newBuffer() {
        RecvByteBufAllocator.Handle allocHandle = channel.unsafe().recvBufAllocHandle();
        ByteBuf buf = channel.config().getAllocator().directBuffer(allocHandle.guess());
        allocHandle.attemptedBytesRead(buf.writableBytes());
        return buf;
    }

    private PipeHandle.Start readInto(ByteBuf buf) {
        int length = buf.writableBytes();
        return channel.pipe().read(block(), NativeBlock.addressOf(buf, buf.writerIndex(), length), length);
    }

    /** A read's completion (dequeued, or finished at once and handed on by the loop): a new batch. */
    void complete(int bytes, int error) {
        ByteBuf buf = take();
        if (buf == null) {
            logger.warn("{}: a read completed that was not started (bytes={}, error={})", channel, bytes,
                    Win32Error.describe(error));
            return;
        }
        long waitedSince = waitingSince;
        waitingSince = 0;
        if (!state.is(OPEN) || state.is(CLOSE_DEFERRED)) {
            buf.release();
            return;
        }
        state.set(HANDLING_READ);
        try {
            channel.unsafe().recvBufAllocHandle().reset(channel.config());
            boolean batchGoesOn = buf == NO_BUFFER ? dataArrived(bytes, error, waitedSince) : handle(buf, bytes, error);
            while (batchGoesOn) {
                batchGoesOn = readOn();
            }
        } finally {
            state.clear(HANDLING_READ);
        }
        if (wantsRead()) {
            start();
        }
    }

    /**
     * The allocator wants more: reads again. A read that finishes at once is handed on in this batch (returns
     * whether the batch goes on); one that has to wait ends the batch, and stays in flight only if still wanted.
     */
    private boolean readOn() {
        ByteBuf buf = newBuffer();
        PipeHandle.Start result = readInto(buf);
        if (result == PipeHandle.Start.DONE_AT_ONCE) {
            handledAtOnce();
            return handle(buf, block().bytesTransferred(), block().error());
        }
        if (result == PipeHandle.Start.DONE_AT_ONCE_PACKET_FOLLOWS) {
            Overlapped done = block();
            handledBeforeItsPacket(); // the next read of the batch takes another block
            return handle(buf, done.bytesTransferred(), done.error());
        }
        if (result == PipeHandle.Start.FAILED) {
            buf.release();
            endBatch();
            failed(block().startError());
            return false;
        }
        hold(buf);
        waiting(false);
        endBatch();
        if (!wantsRead() && isBusy()) {
            channel.pipe().cancel(block()); // the allocator read on, but nobody asked for more (auto-read off)
        }
        return false;
    }

    /**
     * A zero-byte read completed: data is there (the real read follows in this batch; returns true), or on a message
     * pipe an empty message was taken, or the read failed (both handed on as a read of nothing).
     */
    private boolean dataArrived(int bytes, int error, long waitedSince) {
        boolean messageWaiting = state.is(MESSAGE_PIPE) && error == Win32Error.ERROR_MORE_DATA;
        if (error != 0 && !messageWaiting) {
            return handle(NO_BUFFER, bytes, error);
        }
        if (state.is(MESSAGE_PIPE) && !messageWaiting) {
            // The zero-byte read took an empty message: it is handed on as any empty read would be.
            return handle(channel.config().getAllocator().directBuffer(0), 0, 0);
        }
        int idleMillis = channel.config().getIdleReadBufferMillis();
        if (idleMillis > 0 && waitedSince != 0
                && System.nanoTime() - waitedSince < TimeUnit.MILLISECONDS.toNanos(idleMillis)) {
            waitWithoutBuffer = false; // answered soon: busy again, so waiting reads hold buffers again
        }
        return true;
    }

    /** The read just started waits for data; one holding a buffer is checked on once it has waited too long. */
    private void waiting(boolean zeroByte) {
        waitingSince = System.nanoTime();
        bufferWaits = !zeroByte;
        int idleMillis = channel.config().getIdleReadBufferMillis();
        if (!zeroByte && idleMillis >= 0 && !idleCheckScheduled) {
            idleCheckScheduled = true;
            channel.eventLoop().schedule(idleCheck, Math.max(1, idleMillis), TimeUnit.MILLISECONDS);
        }
    }

    /** A read has held its buffer too long with no data: it is cancelled, and a zero-byte read takes its place. */
    private void checkIdleRead() {
        idleCheckScheduled = false;
        int idleMillis = channel.config().getIdleReadBufferMillis();
        if (waitingSince == 0 || !bufferWaits || idleMillis < 0 || !isBusy() || !state.isActive()) {
            return; // no read waits with a buffer (the next one that does schedules a check again)
        }
        long left = TimeUnit.MILLISECONDS.toNanos(Math.max(1, idleMillis)) - (System.nanoTime() - waitingSince);
        if (left > 0) {
            idleCheckScheduled = true; // a newer read: check on it when it is due
            channel.eventLoop().schedule(idleCheck, left, TimeUnit.NANOSECONDS);
            return;
        }
        waitWithoutBuffer = true;
        channel.pipe().cancel(block()); // completes as aborted (or with data that just came); then start() follows
    }

    /** Hands the read on; returns whether the next read belongs to the same batch. */
    private boolean handle(ByteBuf buf, int bytes, int error) {
        boolean messagePipe = state.is(MESSAGE_PIPE);
        boolean chunks = state.is(MESSAGE_CHUNKS);
        boolean moreToCome = messagePipe && error == Win32Error.ERROR_MORE_DATA;
        if (error != 0 && !moreToCome) {
            buf.release();
            endBatch();
            if (!PipeErrors.isCancelled(error)) {
                failed(error);
            } // else: auto-read was turned off or the input shut down; a wanted read starts again
            return false;
        }
        if (bytes == 0 && !moreToCome) {
            boolean endOfStream = messagePipe && channel.config().isZeroLengthEof();
            if (endOfStream || !chunks) {
                buf.release();
                endBatch();
                if (endOfStream) {
                    endOfInput();
                }
                return false; // else an empty read carries no bytes
            }
        }
        RecvByteBufAllocator.Handle allocHandle = channel.unsafe().recvBufAllocHandle();
        buf.writerIndex(buf.writerIndex() + bytes);
        allocHandle.lastBytesRead(bytes);
        allocHandle.incMessagesRead(1);
        state.set(IN_READ_BATCH);
        state.clear(READ_PENDING);
        Object read = buf;
        if (chunks) {
            // A message that fits in one read is handed on whole: one object, and nothing for the aggregator to do.
            read = moreToCome || midMessage ? new PipeMessageChunk(buf, !moreToCome) : new PipeMessage(buf);
            midMessage = moreToCome;
        }
        channel.pipeline().fireChannelRead(read);
        if (wantsMore(allocHandle)) {
            return true;
        }
        endBatch();
        return false;
    }

    /**
     * Whether the next read belongs to this batch: the allocator wants more. On a byte pipe its guess is whether the
     * last read filled its buffer. On a message pipe a read ends with its message, so a buffer not filled says nothing
     * of the next one: the batch goes on (up to the allocator's messages per read) while reads finish at once, rather
     * than ending and handing the next read, finished at once too, to the loop's next turn.
     */
    private boolean wantsMore(RecvByteBufAllocator.Handle allocHandle) {
        if (!state.isActive() || state.is(INPUT_SHUTDOWN | CLOSE_DEFERRED)) {
            return false;
        }
        if (state.is(MESSAGE_PIPE) && allocHandle instanceof RecvByteBufAllocator.ExtendedHandle) {
            return ((RecvByteBufAllocator.ExtendedHandle) allocHandle).continueReading(MAYBE_MORE_MESSAGES);
        }
        return allocHandle.continueReading();
    }

    private void endBatch() {
        if (state.is(IN_READ_BATCH)) {
            state.clear(IN_READ_BATCH);
            channel.unsafe().recvBufAllocHandle().readComplete();
            channel.pipeline().fireChannelReadComplete();
        }
    }

    private void failed(int error) {
        if (PipeErrors.isEndOfPipe(error)) {
            endOfInput();
            return;
        }
        channel.pipeline().fireExceptionCaught(PipeErrors.ioFailure("ReadFile", channel.pipeAddress(), error));
        channel.unsafe().close(channel.unsafe().voidPromise());
    }

    /** The peer ended its output (closed, or sent the end-of-stream message): Netty's half-closure rules. */
    private void endOfInput() {
        if (state.is(INPUT_SHUTDOWN)) {
            fireInputShutdownReadCompleteOnce();
            return;
        }
        if (!channel.config().isAllowHalfClosure()) {
            channel.unsafe().close(channel.unsafe().voidPromise());
            return;
        }
        state.set(INPUT_SHUTDOWN);
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        if (state.isActive() && (channel.config().isAutoRead() || state.is(READ_PENDING))) {
            fireInputShutdownReadCompleteOnce();
        }
    }

    private void fireInputShutdownReadCompleteOnce() {
        if (!state.is(INPUT_SHUTDOWN_SEEN)) {
            state.set(INPUT_SHUTDOWN_SEEN);
            state.clear(READ_PENDING);
            ChannelPipeline pipeline = channel.pipeline();
            pipeline.fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
        }
    }
}
