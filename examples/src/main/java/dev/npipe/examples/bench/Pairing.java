package dev.npipe.examples.bench;

/** Who is client and who is server in a run: native C (npbench.exe) or Java (this transport). */
enum Pairing {
    NATIVE_NATIVE("C -> C"),
    NATIVE_TO_JAVA("C -> Java"),
    JAVA_TO_NATIVE("Java -> C"),
    JAVA_JAVA("Java -> Java");

    /** "client -> server" as the table shows it. */
    final String label;

    Pairing(String label) {
        this.label = label;
    }
}
