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
package dev.npipe.transport.local;

import dev.npipe.codec.message.LengthPrefixedMessageDecoder;
import dev.npipe.codec.message.LengthPrefixedMessageEncoder;
import dev.npipe.codec.message.PipeMessageAggregator;
import io.netty.channel.ChannelPipeline;

/**
 * The handlers that make a channel deliver whole {@code PipeMessage}s in message mode: a named message pipe already
 * keeps boundaries and reads chunks, so it needs only a {@link PipeMessageAggregator}; a Unix domain socket is a byte
 * stream, so messages are framed with a length prefix both ways.
 */
final class MessageFraming {
    /** Names of the handlers added, as they appear in the pipeline. */
    static final String DECODER = "localPipeMessageDecoder";
    static final String ENCODER = "localPipeMessageEncoder";
    private static final LengthPrefixedMessageEncoder LENGTH_PREFIX_ENCODER = new LengthPrefixedMessageEncoder();

    private MessageFraming() {
    }

    static void addTo(ChannelPipeline pipeline, LocalPipeKind kind, int maxMessageLength) {
        if (kind == LocalPipeKind.NAMED_PIPE) {
            pipeline.addLast(DECODER, new PipeMessageAggregator(maxMessageLength));
        } else {
            pipeline.addLast(DECODER, new LengthPrefixedMessageDecoder(maxMessageLength));
            pipeline.addLast(ENCODER, LENGTH_PREFIX_ENCODER);
        }
    }
}
