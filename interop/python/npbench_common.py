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
"""What the Python peers share with npbench.exe: the window size and the result line."""
import sys


def window_for(size):
    """Messages a throughput connection keeps in flight: about 64 KiB, 2 to 64 (as npbench.c)."""
    return max(2, min(64, (64 * 1024) // size))


def percentiles(samples):
    """p50, p99 and p99.9 of round trips in microseconds."""
    if not samples:
        return (float("nan"),) * 3
    s = sorted(samples)
    return tuple(s[min(len(s) - 1, int(len(s) * p))] for p in (0.5, 0.99, 0.999))


def result_line(msgs, size, secs, pcts, total):
    """npbench's RESULT line (total: messages since the start, warm-up included); these peers cannot tell which
    operations finished at once."""
    p50, p99, p999 = pcts if pcts else (float("nan"),) * 3
    return (f"RESULT msgs={msgs} bytes={msgs * size} secs={secs:.6f} p50_us={p50:.1f} p99_us={p99:.1f}"
            f" p999_us={p999:.1f} at_once=NaN total={total}")


def usage(prog, why):
    sys.stderr.write(f"{prog}: {why}\nusage: {prog} server <pipe> byte|message <threads> | client <pipe>"
                     " byte|message latency|throughput <conns> <size> <warmup-ms> <measure-ms> <threads>\n")
    sys.exit(2)
