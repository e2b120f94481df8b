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
 * gRPC over local pipes with grpc-netty: {@link dev.npipe.grpc.LocalGrpc} sets up the server and channel builders in
 * one call each on every system (named pipes on Windows, Unix domain sockets on Linux and macOS) and tells a service
 * who its caller is; {@link dev.npipe.grpc.NamedPipeGrpc} does the same for named pipes only;
 * {@link dev.npipe.grpc.AllowedUsersInterceptor} admits calls by user (a SID or a uid) on both.
 */
package dev.npipe.grpc;
