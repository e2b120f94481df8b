package dev.npipe.transport;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs on both JVMs: available on Windows, unavailable with a reason elsewhere; classes load everywhere. */
class NamedPipeAvailabilityTest {
    @Test
    void availableExactlyOnWindows() {
        assertEquals(Platform.isWindows(), NamedPipe.isAvailable());
        if (Platform.isWindows()) {
            assertNull(NamedPipe.unavailabilityCause());
            NamedPipe.ensureAvailability();
        } else {
            assertNotNull(NamedPipe.unavailabilityCause());
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, NamedPipe::ensureAvailability);
            assertTrue(e.getMessage().contains("Windows"), e.getMessage());
            assertThrows(UnsatisfiedLinkError.class, NamedPipeEventLoopGroup::new);
        }
    }

    @Test
    void channelClassesLoadEverywhere() {
        assertNotNull(new NamedPipeChannel().config());
        assertNotNull(new NamedPipeServerChannel().config());
    }
}
