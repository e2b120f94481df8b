/**
 * The Win32 calls of the named-pipe transport, and nothing else: direct-mapped kernel32 and ntdll entry points
 * with primitive arguments (no per-call structure marshalling), error names, and the native blocks the kernel
 * writes into. All other packages reach Windows only through this one.
 */
package dev.npipe.transport.win32;
