package dev.npipe.transport.win32;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rule the transport follows for a read that ends at once with ERROR_MORE_DATA under
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is the rule of the system it runs on, as the probe measured it: Windows 8 and
 * later queue a packet (a warning is not NT_SUCCESS), Wine does as Windows 7 and queues none; in the test mode that
 * emulates Windows 8+ under Wine the probe sees the emulated packet.
 */
@Tag("win32")
class WarningCompletionsTest {
    @Test
    void theProbeMeasuresTheRuleOfThisSystem() {
        WarningCompletions.Rule expected;
        String system;
        if (WarningCompletions.EMULATE_WINDOWS_8) {
            expected = WarningCompletions.Rule.QUEUED;
            system = "Wine with Windows 8's rule emulated";
        } else if (isWine()) {
            expected = WarningCompletions.Rule.NOT_QUEUED;
            system = "Wine (Windows 7's rule)";
        } else {
            expected = WarningCompletions.Rule.QUEUED;
            system = "Windows " + System.getProperty("os.version") + " (Java 17 runs on 8.1 and later)";
        }
        assertEquals(expected, WarningCompletions.rule(), "the rule measured on " + system);
        assertEquals(expected == WarningCompletions.Rule.QUEUED, WarningCompletions.queued());
    }

    static boolean isWine() {
        try {
            com.sun.jna.NativeLibrary.getInstance("ntdll").getFunction("wine_get_version");
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }
}
