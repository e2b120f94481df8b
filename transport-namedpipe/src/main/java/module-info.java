/**
 * The Netty transport for Windows named pipes. Only {@code dev.npipe.transport} is API; the Win32 bindings in
 * {@code dev.npipe.transport.win32} stay inside the module.
 */
module dev.npipe.transport {
    requires transitive dev.npipe.codec.message;
    requires transitive io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires com.sun.jna;
    requires com.sun.jna.platform;

    exports dev.npipe.transport;
}
