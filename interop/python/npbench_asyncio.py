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
"""Python asyncio peer of the npipe benchmark, on Windows' ProactorEventLoop (overlapped pipe I/O on one I/O
completion port): npbench.exe's command line, workloads and result line, byte pipes only (asyncio's pipe
transports are streams).

  python npbench_asyncio.py server <pipe> byte <threads>
  python npbench_asyncio.py client <pipe> byte latency|throughput <conns> <size> <warmup-ms> <measure-ms> <threads>

<threads> is accepted for npbench's command line and ignored: one event loop.
"""
import asyncio
import os
import sys
import threading
import time

# The embeddable Windows CPython puts only its python313._pth entries on sys.path, not the script's folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from npbench_common import percentiles, result_line, usage, window_for


class Echo(asyncio.Protocol):
    """Writes every read back with one write, as npbench's server."""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


class Load(asyncio.Protocol):
    """One client connection: one message at a time (latency) or a window in flight (throughput)."""

    def __init__(self, run):
        self.run = run
        self.received = 0
        self.in_flight = 0
        self.sent_at = 0

    def connection_made(self, transport):
        self.transport = transport

    def send(self):
        r = self.run
        if r.stopping:
            return
        if r.latency:
            self.sent_at = time.perf_counter_ns()
            self.transport.write(r.payload[:r.size])
        else:
            # The free part of the window in one write, as npbench on a byte pipe.
            n = r.window - self.in_flight
            self.in_flight = r.window
            self.transport.write(r.payload[:n * r.size])

    def data_received(self, data):
        r = self.run
        self.received += len(data)
        done, self.received = divmod(self.received, r.size)
        if done == 0:
            return
        r.total += done
        if r.measuring:
            r.msgs += done
            if r.latency:
                r.rtts.append((time.perf_counter_ns() - self.sent_at) / 1e3)
        self.in_flight -= done
        self.send()


class Run:
    def __init__(self, test, size):
        self.latency = test == "latency"
        self.size = size
        self.window = window_for(size)
        self.payload = bytes(size * self.window)
        self.measuring = False
        self.stopping = False
        self.msgs = 0
        self.total = 0
        self.rtts = []


async def client(path, test, conns, size, warmup_ms, measure_ms):
    loop = asyncio.get_running_loop()
    run = Run(test, size)
    loads = []
    for _ in range(conns):
        transport, load = await loop.create_pipe_connection(lambda: Load(run), path)
        load.transport = transport  # connection_made runs only on a later loop turn
        loads.append(load)
    for load in loads:
        load.send()
    await asyncio.sleep(warmup_ms / 1e3)
    run.measuring = True
    t0 = time.perf_counter()
    await asyncio.sleep(measure_ms / 1e3)
    run.measuring = False
    run.stopping = True
    secs = time.perf_counter() - t0
    print(result_line(run.msgs, size, secs, percentiles(run.rtts) if run.latency else None, run.total), flush=True)
    for load in loads:
        load.transport.abort()


async def server(path):
    loop = asyncio.get_running_loop()
    servers = await loop.start_serving_pipe(Echo, path)
    print("READY", flush=True)
    stop = asyncio.Event()
    # Runs until standard input closes, as npbench's server (read on a thread: the proactor has no stdin reader).
    # Under Wine a Unix pipe or FIFO as standard input is no valid Windows handle: then it runs until killed.
    def wait_for_stdin():
        if os.environ.get("NPBENCH_NO_STDIN"):
            return
        try:
            sys.stdin.buffer.read()
        except (OSError, AttributeError, ValueError):
            return
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_for_stdin, daemon=True).start()
    await stop.wait()
    for s in servers:
        s.close()


def main(argv):
    if len(argv) < 4 or argv[2] != "byte":
        usage("npbench_asyncio.py", "byte pipes only")
    if argv[0] == "server":
        asyncio.run(server(argv[1]))
    elif argv[0] == "client" and len(argv) == 9:
        asyncio.run(client(argv[1], argv[3], int(argv[4]), int(argv[5]), int(argv[6]), int(argv[7])))
    else:
        usage("npbench_asyncio.py", "")


if __name__ == "__main__":
    main(sys.argv[1:])
