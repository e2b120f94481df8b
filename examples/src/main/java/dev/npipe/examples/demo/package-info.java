/** The one-command demo: an echo server and the RPC example under load, with the figures a user wants to see. */
package dev.npipe.examples.demo;
