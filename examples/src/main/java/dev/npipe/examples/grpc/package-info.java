/**
 * grpc-java over a named pipe with {@code dev.npipe.grpc.NamedPipeGrpc}: grpc-java's own health service
 * ({@code grpc.health.v1.Health}, from {@code io.grpc:grpc-services}) served by {@link
 * dev.npipe.examples.grpc.HealthServer} to its own Windows user only, and called by {@link
 * dev.npipe.examples.grpc.HealthClient}. Windows only: gRPC runs on the named pipe transport itself.
 */
package dev.npipe.examples.grpc;
