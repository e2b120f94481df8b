/**
 * gRPC over Windows named pipes with grpc-netty: {@link dev.npipe.grpc.NamedPipeGrpc} sets up the server and
 * channel builders in one call and tells a service who its caller is; {@link dev.npipe.grpc.AllowedUsersInterceptor}
 * admits calls by Windows user.
 */
package dev.npipe.grpc;
