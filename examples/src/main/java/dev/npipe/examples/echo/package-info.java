/**
 * An echo server and client through {@code dev.npipe.transport.local.LocalPipes}: a named pipe on Windows, a Unix
 * domain socket on Linux and macOS, with the same code. The smallest complete use of the transport.
 */
package dev.npipe.examples.echo;
