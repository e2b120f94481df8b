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
 * The Win32 calls of the named-pipe transport, and nothing else: direct-mapped kernel32 and ntdll entry points
 * with primitive arguments (no per-call structure marshalling), error names, and the native blocks the kernel
 * writes into. All other packages reach Windows only through this one.
 */
package dev.npipe.transport.win32;
