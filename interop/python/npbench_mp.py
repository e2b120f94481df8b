#
# Copyright 2026 The npipe authors
#
# Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
# with the License. You may obtain a copy of the License at
#
#     https://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
# on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
# the specific language governing permissions and limitations under the License.
#
"""Python multiprocessing.connection peer of the npipe benchmark: Listener/Client on AF_PIPE, which are message
pipes with overlapped ReadFile/WriteFile, each call waited for on its thread (a thread per connection, two for
throughput). npbench.exe's command line, workloads and result line, message pipes only.

  python npbench_mp.py server <pipe> message <threads>
  python npbench_mp.py client <pipe> message latency|throughput <conns> <size> <warmup-ms> <measure-ms> <threads>

<threads> is accepted for npbench's command line and ignored.
"""
import os
import sys
import threading
import time
from multiprocessing.connection import Client, Listener

# The embeddable Windows CPython puts only its python313._pth entries on sys.path, not the script's folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from npbench_common import percentiles, result_line, usage, window_for  # noqa: E402


def echo(conn):
    """Writes every message back, as npbench's server."""
    try:
        while True:
            conn.send_bytes(conn.recv_bytes())
    except (EOFError, OSError):
        conn.close()


def server(path):
    listener = Listener(path, family="AF_PIPE")
    print("READY", flush=True)

    def accept():
        while True:
            threading.Thread(target=echo, args=(listener.accept(),), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    # Runs until standard input closes, as npbench's server; under Wine a Unix pipe or FIFO as standard input is
    # no valid Windows handle: then it runs until killed (scripts/count-calls.sh sets NPBENCH_NO_STDIN for that).
    try:
        if os.environ.get("NPBENCH_NO_STDIN"):
            threading.Event().wait()
        sys.stdin.buffer.read()
    except (OSError, AttributeError, ValueError):
        threading.Event().wait()
    os._exit(0)


class Run:
    def __init__(self, test, size):
        self.latency = test == "latency"
        self.size = size
        self.measuring = False
        self.stopping = False
        self.msgs = 0
        self.total = 0
        self.rtts = []
        self.lock = threading.Lock()


def count_echo(run, rtt_us=None):
    """One echo back: counted since start, and in the measured window (with its round trip, if timed)."""
    with run.lock:
        run.total += 1
        if run.measuring:
            run.msgs += 1
            if rtt_us is not None:
                run.rtts.append(rtt_us)


def latency_load(run, conn, payload):
    while not run.stopping:
        t = time.perf_counter_ns()
        conn.send_bytes(payload)
        conn.recv_bytes()
        count_echo(run, (time.perf_counter_ns() - t) / 1e3)


def window_load(run, conn, payload):
    credits = threading.Semaphore(window_for(run.size))

    def writer():
        while not run.stopping:
            credits.acquire()
            conn.send_bytes(payload)

    threading.Thread(target=writer, daemon=True).start()
    while not run.stopping:
        conn.recv_bytes()
        count_echo(run)
        credits.release()


def client(path, test, conns, size, warmup_ms, measure_ms):
    run = Run(test, size)
    payload = bytes(size)
    connections = [Client(path, family="AF_PIPE") for _ in range(conns)]
    target = latency_load if run.latency else window_load
    for c in connections:
        threading.Thread(target=target, args=(run, c, payload), daemon=True).start()
    time.sleep(warmup_ms / 1e3)
    run.measuring = True
    t0 = time.perf_counter()
    time.sleep(measure_ms / 1e3)
    run.measuring = False
    run.stopping = True
    secs = time.perf_counter() - t0
    with run.lock:
        print(result_line(run.msgs, size, secs, percentiles(run.rtts) if run.latency else None, run.total), flush=True)
    os._exit(0)


def main(argv):
    if len(argv) < 4 or argv[2] != "message":
        usage("npbench_mp.py", "message pipes only (multiprocessing's AF_PIPE)")
    if argv[0] == "server":
        server(argv[1])
    elif argv[0] == "client" and len(argv) == 9:
        client(argv[1], argv[3], int(argv[4]), int(argv[5]), int(argv[6]), int(argv[7]))
    else:
        usage("npbench_mp.py", "")


if __name__ == "__main__":
    main(sys.argv[1:])
