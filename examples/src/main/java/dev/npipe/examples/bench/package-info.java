/**
 * The side-by-side benchmark: the transport against native C (npbench.c) doing the same Win32 calls, run with
 * {@code scripts/bench.sh}; see BENCHMARKS.md.
 */
package dev.npipe.examples.bench;
