/**
 * gRPC over local pipes with grpc-netty: {@link dev.npipe.grpc.LocalGrpc} sets up the server and channel builders in
 * one call each on every system (named pipes on Windows, Unix domain sockets on Linux and macOS) and tells a service
 * who its caller is; {@link dev.npipe.grpc.NamedPipeGrpc} does the same for named pipes only;
 * {@link dev.npipe.grpc.AllowedUsersInterceptor} admits calls by user (a SID or a uid) on both.
 */
package dev.npipe.grpc;
