package dev.npipe.transport.faults;

/**
 * The counts of the fault and load suite. The full figures run with {@code -Dnpipe.faults.soak=true}; by default
 * each heavy count is scaled so the suite fits CI (Wine, 2 cores, minutes not hours), and the summary says so.
 * Each count can also be set on its own ({@code -Dnpipe.faults.<name>=N}); none is ever below 1.
 */
final class FaultScale {
    static final boolean SOAK = Boolean.getBoolean("npipe.faults.soak");
    private static final String CI_REASON = "CI under Wine on 2 cores must finish the suite in minutes; "
            + "-Dnpipe.faults.soak=true runs the full figure";

    private FaultScale() {
    }

    /** The count named {@code name}: its property, else the full figure in soak mode, else the CI figure. */
    static int count(String name, String what, int full, int ci) {
        int used = Math.max(1, Integer.getInteger("npipe.faults." + name, SOAK ? full : ci));
        FaultLedger.scaled(what, full, used, Integer.getInteger("npipe.faults." + name) != null
                ? "set by -Dnpipe.faults." + name : CI_REASON);
        return used;
    }
}
