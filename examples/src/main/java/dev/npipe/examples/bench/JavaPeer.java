/*
 * Copyright 2026 The npipe authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
 * on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
 * the specific language governing permissions and limitations under the License.
 */
package dev.npipe.examples.bench;

import dev.npipe.transport.NamedPipeAddress;
import dev.npipe.transport.NamedPipeMode;

import java.io.InputStream;
import java.util.Locale;

/**
 * The transport with npbench.exe's command line, so a harness that runs peers as processes (scripts/count-calls.sh
 * counts each process's system calls) runs ours the same way:
 *
 * <pre>JavaPeer server PIPE byte|message THREADS
 * JavaPeer client PIPE byte|message latency|throughput CONNS SIZE WARMUP_MS MEASURE_MS THREADS</pre>
 *
 * The server prints {@code READY} once listening and runs until standard input closes; the client prints
 * npbench's {@code RESULT msgs=N bytes=N secs=S ... total=N} line.
 */
public final class JavaPeer {
    private JavaPeer() {
    }

    /**
     * Runs a server or a client.
     *
     * @param args as npbench.exe's
     * @throws Exception if the run fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: JavaPeer server PIPE byte|message THREADS | JavaPeer client"
                    + " PIPE byte|message latency|throughput CONNS SIZE WARMUP_MS MEASURE_MS THREADS");
        }
        NamedPipeAddress address = new NamedPipeAddress(args[1]);
        NamedPipeMode mode = switch (args[2]) {
            case "byte" -> NamedPipeMode.BYTE;
            case "message" -> NamedPipeMode.MESSAGE;
            default -> throw new IllegalArgumentException("mode must be byte or message, not " + args[2]);
        };
        if (args[0].equals("server")) {
            try (LoopProbe loops = new LoopProbe("peer-server", Integer.parseInt(args[3]));
                 BenchEchoServer server = new BenchEchoServer(loops.group(), address, mode)) {
                System.out.println("READY");
                System.out.flush();
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // Runs until the harness closes standard input, as npbench's server.
                }
            }
            return;
        }
        Workload.Test test = args[3].equals("latency") ? Workload.Test.LATENCY : Workload.Test.THROUGHPUT;
        Workload w = new Workload(mode, test, Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        try (LoopProbe loops = new LoopProbe("peer-client", Integer.parseInt(args[8]))) {
            Figures f = new BenchClient(loops).run(address, w, Long.parseLong(args[6]), Long.parseLong(args[7]), null);
            System.out.printf(Locale.ROOT, "RESULT msgs=%d bytes=%d secs=%.6f p50_us=%.1f p99_us=%.1f p999_us=%.1f at_once=NaN total=%d%n",
                    f.messages(), f.messages() * w.size(), f.seconds(), f.p50Micros(), f.p99Micros(), f.p999Micros(),
                    BenchClient.TOTAL.sum());
        }
    }
}
