package dev.npipe.transport;

/** How a pipe carries data: as a stream of bytes, or as messages whose boundaries the pipe keeps. */
public enum NamedPipeMode {
    /** A byte stream, like a TCP socket: writes may be merged and split. Reads deliver {@code ByteBuf}s. */
    BYTE,
    /**
     * Messages: each write is one message and the reader sees its boundaries. A message that fits in one read is
     * delivered as one {@code dev.npipe.codec.message.PipeMessage}; a longer one as
     * {@code dev.npipe.codec.message.PipeMessageChunk}s, one per read. Add a {@code PipeMessageAggregator} to get
     * only whole messages, under a size limit.
     */
    MESSAGE
}
