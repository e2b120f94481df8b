/*
 * Copyright 2026 The npipe authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
 * on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
 * the specific language governing permissions and limitations under the License.
 */
/**
 * grpc-java over a named pipe with {@code dev.npipe.grpc.NamedPipeGrpc}: grpc-java's own health service
 * ({@code grpc.health.v1.Health}, from {@code io.grpc:grpc-services}) served by {@link
 * dev.npipe.examples.grpc.HealthServer} to its own Windows user only, and called by {@link
 * dev.npipe.examples.grpc.HealthClient}. Windows only: gRPC runs on the named pipe transport itself.
 */
package dev.npipe.examples.grpc;
