#!/usr/bin/env bash
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

# The side-by-side benchmark: the transport against native C doing the same Win32 calls, in one run on a
# Windows JVM under Wine. Builds npbench.exe (examples/src/main/c/npbench.c), the go-winio peer (winio-bench.exe, with
# scripts/build-go-peers.sh) and the examples, then runs
# dev.npipe.examples.bench.PipeBenchmark, which prints the table (and writes it to examples/target/bench/).
#
#   scripts/bench.sh            quick mode: the whole matrix, short runs (about 3 minutes)
#   scripts/bench.sh --full     full mode: 1 s warm-up and 3 s measured per run, scale rows (about 18 minutes)
#   scripts/bench.sh --wine10 [--quick|--full] ...
#                               the same on JDK 25 under Wine 10 (the chroot of scripts/wine10-env.sh), where
#                               HotSpot no longer takes its ThreadCritical lock, an auto-reset event that costs a
#                               wineserver round trip per use under Wine; the calls count stays on Wine 8
#   Further arguments go to PipeBenchmark, e.g. --select 'throughput 16 1024' --server-threads 1; --rounds N runs
#   the selected cells N times in the same JVM after its warm-up, and the summary gives each ratio to C of the same
#   round and their median
# The Node and Python peers (interop/node, interop/python) come from npm and PyPI (scripts/peers-env.sh); one that
# cannot be had is left out with its reason. At the end, scripts/count-calls.sh prints the system calls per echoed
# message (quick mode: C, ours and Node on byte pipes; full mode: every implementation, 64 B and 1 KiB).
# BENCH_JAVA_OPTS adds JVM options, e.g. a JFR recording:
#   BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=Z:\tmp\bench.jfr,settings=profile'
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
WINE10=
[ "${1:-}" != --wine10 ] || { WINE10=1; shift; }
# shellcheck source=scripts/wine-env.sh
source scripts/wine-env.sh
# shellcheck source=scripts/peers-env.sh
source scripts/peers-env.sh
name_failures bench

MODE=--quick
case "${1:-}" in
  --quick) shift ;;
  --full) MODE=--full; shift ;;
esac

ensure_wine || { echo "bench: Wine is missing and could not be installed" >&2; exit 1; }
ensure_mingw || { echo "bench: mingw-w64 is missing and could not be installed" >&2; exit 1; }

OUT=$PWD/examples/target/bench
mkdir -p "$OUT"
x86_64-w64-mingw32-gcc -O2 -Wall -Werror -o "$OUT/npbench.exe" examples/src/main/c/npbench.c
bash scripts/build-go-peers.sh "$OUT" >&2 || { echo "bench: the go-winio peer could not be built" >&2; exit 1; }
# examples is the last module of the reactor, so its classpath is what the file holds at the end.
./mvnw -B -q -pl examples -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$OUT/classpath.txt" >&2

cp=$(to_win_classpath "$OUT/classpath.txt" examples/target/classes)
peer_args=()
if node=$(ensure_node_win); then
  peer_args+=(--node "$(to_win_path "$node")" "$(to_win_path interop/node/npbench-peer.js)")
else echo "bench: the Node rows are left out (above: why)" >&2; fi
if py=$(ensure_python_win); then
  peer_args+=(--asyncio "$(to_win_path "$py")" "$(to_win_path interop/python/npbench_asyncio.py)"
    --mp "$(to_win_path "$py")" "$(to_win_path interop/python/npbench_mp.py)")
else echo "bench: the asyncio and multiprocessing rows are left out (above: why)" >&2; fi
# node.exe refuses to start on what it takes for a Windows older than 8.1 (Wine 8 reports Windows 7 to it).
export NODE_SKIP_PLATFORM_CHECK=1

if [ -n "$WINE10" ]; then
  # shellcheck source=scripts/wine10-env.sh
  source scripts/wine10-env.sh
  use_wine10 "$OUT/classpath.txt" || { echo "bench: Wine 10 could not be set up: $WINE10_ERROR" >&2; exit 1; }
fi
ensure_windows_jre >/dev/null || { echo "bench: the Windows JRE could not be downloaded" >&2; exit 1; }

# Shares the Wine prefix with the Win32 suite, whose clean-up would kill a concurrent run.
exec 9>"$WIN32_LOCK"
flock -w 1800 9 || { echo "bench: the Wine prefix stayed locked" >&2; exit 1; }
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT

read -r -a java_opts <<<"${BENCH_JAVA_OPTS:-}"
wine_version=$(wine --version 2>/dev/null || echo 'wine --version failed')
# run_jvm: the benchmark's JVM, its output on stdout and in $OUT/jvm.log; the JVM's exit status. Leak detection off:
# its sampling allocates, and this run measures what the hot path allocates.
run_jvm() {
  local status
  echo "bench: starting the benchmark's JVM ($WIN_JAVA, $wine_version)" >&2
  set +e
  wine "$WIN_JAVA" -Xmx1g -Dio.netty.leakDetection.level=DISABLED "${java_opts[@]}" \
    "-Dbench.wine=$wine_version" -cp "$cp" dev.npipe.examples.bench.PipeBenchmark \
    --npbench "$(to_win_path "$OUT/npbench.exe")" --winio-bench "$(to_win_path "$OUT/win32/winio-bench.exe")" \
    "${peer_args[@]}" "$MODE" --out "$(to_win_path "$OUT/results.md")" "$@" 9>&- 2>&1 |
    sed -u -e 's/\r$//' -e '/Attempt to get process group affinity failed/d' |  # a JDK 25 warning at each start
    tee "$OUT/jvm.log"
  status=${PIPESTATUS[0]}
  set -e
  return "$status"
}
# Wine gives the low 8 bits of a Windows exit code (0xC0000005 -> 5). A JVM that ends having printed nothing never
# reached the benchmark, whose first line comes before any cell. CI once ended so (status 1, no line, nothing said of
# why); process starts under Wine 8 do fail now and then (PipeTestSupport.startPeer meets one in about 2,700), so
# that case alone is started once more, and said.
status=0
run_jvm "$@" || status=$?
if [ "$status" != 0 ] && [ ! -s "$OUT/jvm.log" ]; then
  echo "bench: the benchmark's JVM ended with exit status $status before printing a line; starting it once more" >&2
  status=0
  run_jvm "$@" || status=$?
fi
if [ "$status" != 0 ]; then
  echo "bench: the benchmark's JVM ended with exit status $status" >&2
  exit 1
fi
echo "bench: the table is also in $OUT/results.md"
# The Wine prefix is free again for count-calls.sh, which takes the same lock.
flock -u 9
wineserver -k >/dev/null 2>&1 || true
if [ -n "$WINE10" ]; then
  echo "bench: calls per message are counted on Wine 8 only (scripts/count-calls.sh); not run for --wine10"
elif [ "$MODE" = --full ]; then
  bash scripts/count-calls.sh --sizes "64 1024" | tee "$OUT/calls.md"
else
  bash scripts/count-calls.sh --quick | tee "$OUT/calls.md"
fi
