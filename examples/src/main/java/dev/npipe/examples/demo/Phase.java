package dev.npipe.examples.demo;

import java.util.Locale;
import java.util.function.Supplier;

/** A timed phase of the demo: a second of warm-up, then a progress line every second, then the summary. */
final class Phase {
    private final String name;
    private final long seconds;

    Phase(String name, long seconds) {
        this.name = name;
        this.seconds = seconds;
    }

    /** Runs the phase; {@code figures} describes the load so far, {@code reset} starts counting afresh. */
    void run(Supplier<String> figures, Runnable reset) throws InterruptedException {
        Thread.sleep(1000); // warm-up: JIT and the pipes' first round trips are not what a user runs at
        reset.run();
        for (long s = 1; s <= seconds; s++) {
            Thread.sleep(1000);
            System.out.printf(Locale.ROOT, "%s: [%d/%d s] %s%n", name, s, seconds, figures.get());
        }
        System.out.printf(Locale.ROOT, "%s: RESULT %s%n", name, figures.get());
    }
}
