/** The message codec for message-mode pipes: whole messages from chunks, and length-prefixed framing. */
module dev.npipe.codec.message {
    requires transitive io.netty.buffer;
    requires transitive io.netty.codec;
    requires transitive io.netty.common;
    requires transitive io.netty.transport;

    exports dev.npipe.codec.message;
}
