/**
 * A Netty 4.2 transport over Windows named pipes. {@link dev.npipe.transport.NamedPipeEventLoopGroup} runs
 * event loops that each own one I/O completion port; {@link dev.npipe.transport.NamedPipeServerChannel} serves a
 * {@link dev.npipe.transport.NamedPipeAddress} with several listening pipe instances, and
 * {@link dev.npipe.transport.NamedPipeChannel} is one connected pipe, on the server or the client side. All I/O is
 * overlapped; an event loop blocks only in its completion wait.
 */
package dev.npipe.transport;
