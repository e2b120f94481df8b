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
package dev.npipe.grpc;

import dev.npipe.transport.LeakRecorder;
import org.junit.jupiter.api.AfterEach;

/** What every gRPC-over-a-pipe test shares: the pipe a test made is closed after it, and nothing may leak. */
abstract class GrpcPipeTest {
    /** The test's server and channel, if it made them. */
    GrpcPipe pipe;

    @AfterEach
    void closePipeAndCheckLeaks() throws InterruptedException {
        if (pipe != null) {
            pipe.close();
        }
        LeakRecorder.assertNoLeaks();
    }
}
