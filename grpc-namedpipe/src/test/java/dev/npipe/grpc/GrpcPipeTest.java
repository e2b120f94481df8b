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
