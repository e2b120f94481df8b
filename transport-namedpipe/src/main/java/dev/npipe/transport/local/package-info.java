/**
 * One entry point for local inter-process channels on every system: {@link dev.npipe.transport.local.LocalPipes}
 * gives a {@link dev.npipe.transport.local.LocalPipeTransport} that carries a logical service name over Windows named
 * pipes on Windows and over Netty's Unix domain sockets on Linux and macOS, with the same bootstrap code, the same
 * message mode and private-by-default access on each.
 */
package dev.npipe.transport.local;
