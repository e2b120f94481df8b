/**
 * Whole messages for Netty pipelines. Message-mode named pipes deliver {@link dev.npipe.codec.message.PipeMessageChunk}s
 * that {@link dev.npipe.codec.message.PipeMessageAggregator} joins into {@link dev.npipe.codec.message.PipeMessage}s
 * under a size limit; on byte streams the length-prefixed decoder and encoder yield the same message objects, so
 * user handlers do not depend on the pipe's mode.
 */
package dev.npipe.codec.message;
