package dev.npipe.transport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Proves the Win32 suite (scripts/win32-suite.sh) really runs on a Windows JVM, with
 * Netty's leak detector at PARANOID. Tagged win32, so the Linux surefire run skips it.
 */
@Tag("win32")
class Win32EnvironmentTest {

    @Test
    void runsOnWindowsJvmWithParanoidLeakDetection() {
        String os = System.getProperty("os.name");
        assertAll(
                () -> assertTrue(os.startsWith("Windows"), "os.name = " + os),
                () -> assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel()));
    }
}
