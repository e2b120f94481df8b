package dev.npipe.transport.testsuite;

import dev.npipe.transport.LeakRecorder;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a testsuite test when Netty's leak detector reported a leak during it (or, since leaks are found when
 * buffers are garbage collected, shortly before it). Netty's tests only log leaks; here they fail, and they no
 * longer pile up in {@link LeakRecorder} to fail whichever of our own tests checks next.
 */
public final class LeakCheckExtension implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext context) {
        LeakRecorder.assertNoLeaks();
    }
}
