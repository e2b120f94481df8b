/** An echo server and client over a named pipe: the smallest complete use of the transport. */
package dev.npipe.examples.echo;
