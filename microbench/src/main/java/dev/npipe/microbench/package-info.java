/** JMH micro-benchmarks of the message codec, run on any JVM: {@code java -jar microbench/target/benchmarks.jar}. */
package dev.npipe.microbench;
