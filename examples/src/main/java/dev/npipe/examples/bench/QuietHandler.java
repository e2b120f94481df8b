package dev.npipe.examples.bench;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** A handler that does nothing, shared by every channel of a scale run (connections that only sit there). */
@ChannelHandler.Sharable
final class QuietHandler extends ChannelInboundHandlerAdapter {
    static final QuietHandler INSTANCE = new QuietHandler();

    private QuietHandler() {
    }
}
