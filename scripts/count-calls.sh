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

# System calls per echoed message, for every implementation of the benchmark measured the same way: Wine's relay
# trace of the ntdll Nt* calls below (what kernelbase's ReadFile, WriteFile, GetQueuedCompletionStatus(Ex),
# CancelIoEx, ConnectNamedPipe, PeekNamedPipe, WaitFor*, SetEvent ... become; each is one kernel call on Windows),
# counted per process, for a client and a server of the same implementation doing round trips on one connection.
# Each pairing runs twice (WARMUP ms, then SHORT or LONG ms measured) and the figure is (calls2 - calls1) /
# (msgs2 - msgs1), msgs being the client's total= (every round trip since its start): start-up, class loading,
# connect and shut-down cancel out, so it is the steady state's count, which load does not change.
#
#   scripts/count-calls.sh [--quick] [--throughput] [--sizes "64 1024"] [--impls "c go java java1 node asyncio mp"]
#                          [--short MS] [--long MS]
#   --quick: C, ours (1 loop) and Node only, byte pipes (scripts/bench.sh's quick run)
#   --throughput: the throughput workload instead (16 connections, each keeping a window of messages in flight),
#     C's client against the server of each of --impls (default: C, ours with 1 loop, Node), 64 B and 1 KiB,
#     byte and message pipes; the server's calls per echoed message are what differ.
#
# Needs the built peers in examples/target/bench/ (scripts/bench.sh builds them; this script builds what is
# missing). A peer that cannot be had (no node.exe, no Windows python.exe) is skipped with its reason.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/wine-env.sh
source scripts/wine-env.sh
# shellcheck source=scripts/peers-env.sh
source scripts/peers-env.sh

SIZES="64"
IMPLS="c go java java1 node asyncio mp"
WARMUP=1000
ONLY_MODE=""
SHORT=500
LONG=2500
TEST=latency
CONNS=1
PREC=2
while [ $# -gt 0 ]; do
  case $1 in
    --quick) IMPLS="c java1 node"; ONLY_MODE=byte; shift ;;
    --throughput) TEST=throughput; CONNS=16; IMPLS="c java1 node"; SIZES="64 1024"; PREC=3; shift ;;
    --sizes) SIZES=$2; shift 2 ;;
    --impls) IMPLS=$2; shift 2 ;;
    --short) SHORT=$2; shift 2 ;;
    --long) LONG=$2; shift 2 ;;
    *) echo "count-calls: unknown argument $1" >&2; exit 2 ;;
  esac
done

ensure_wine || { echo "count-calls: Wine is missing" >&2; exit 1; }
OUT=$PWD/examples/target/bench
WORK=$OUT/calls
mkdir -p "$WORK"
if [ ! -f "$OUT/npbench.exe" ]; then
  ensure_mingw && x86_64-w64-mingw32-gcc -O2 -Wall -Werror -o "$OUT/npbench.exe" examples/src/main/c/npbench.c
fi
[ -f "$OUT/win32/winio-bench.exe" ] || bash scripts/build-go-peers.sh "$OUT" >&2 || true
if [ ! -f "$OUT/classpath.txt" ] || [ ! -d examples/target/classes ]; then
  ./mvnw -B -q -pl examples -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$OUT/classpath.txt" >&2
fi

# The traced calls. Relay sees calls through ntdll's exports, which is how kernelbase (and so every program's
# ReadFile, GetQueuedCompletionStatusEx ...) reaches them; calls inside ntdll itself are not exports and not seen.
IO_CALLS="NtReadFile NtWriteFile NtRemoveIoCompletion NtRemoveIoCompletionEx NtSetIoCompletion NtCancelIoFile
NtCancelIoFileEx NtFsControlFile NtDeviceIoControlFile NtQueryInformationFile NtSetInformationFile
NtFlushBuffersFile NtCreateFile NtCreateNamedPipeFile NtClose"
WAIT_CALLS="NtWaitForSingleObject NtWaitForMultipleObjects NtSignalAndWaitForSingleObject NtSetEvent NtResetEvent
NtClearEvent NtPulseEvent NtReleaseSemaphore NtDelayExecution NtYieldExecution NtWaitForKeyedEvent
NtReleaseKeyedEvent NtWaitForAlertByThreadId NtAlertThreadByThreadId NtQueueApcThread NtTestAlert"
include=""
for f in $IO_CALLS $WAIT_CALLS; do include+="${include:+;}ntdll.$f"; done
# Under HKCU\Software\Wine\Debug; read only when WINEDEBUG has +relay, so the rest of the suite is not affected.
# RelayFromExclude empty: Wine's default leaves out calls made by kernel32 and a few other DLLs.
reg_file=$WORK/relay.reg
printf 'REGEDIT4\n\n[HKEY_CURRENT_USER\\Software\\Wine\\Debug]\n"RelayInclude"="%s"\n"RelayFromExclude"=""\n' \
  "$include" >"$reg_file"

exec 9>"$WIN32_LOCK"
flock -w 1800 9 || { echo "count-calls: the Wine prefix stayed locked" >&2; exit 1; }
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
wine regedit "$(to_win_path "$reg_file")" >/dev/null 2>&1
wineserver -w

# Command prefix of each implementation, or the reason it cannot run.
declare -A CMD WHY MODES LABEL THREADS
CMD[c]="$OUT/npbench.exe"; LABEL[c]="C (npbench)"; MODES[c]="byte message"
CMD[go]="$OUT/win32/winio-bench.exe"; LABEL[go]="go-winio"; MODES[go]="byte message"
[ -f "${CMD[go]}" ] || WHY[go]="winio-bench.exe could not be built"
cp=$(to_win_classpath "$OUT/classpath.txt" examples/target/classes)
ensure_windows_jre >/dev/null || WHY[java]="no Windows JRE"
CMD[java]="$WIN_JAVA -Xmx256m -Dio.netty.leakDetection.level=DISABLED -cp $cp dev.npipe.examples.bench.JavaPeer"
LABEL[java]="ours (Java, 2 loops)"; MODES[java]="byte message"
# One loop per side: a server child stays on its server's port. With 2 loops Wine passes each child's completions
# on from the server's port (one post and one more dequeue per completion) because Wine lacks
# FileReplaceCompletionInformation; Windows 8.1+ moves the child's handle instead, as one loop gets here.
CMD[java1]=${CMD[java]}; WHY[java1]=${WHY[java]:-}; LABEL[java1]="ours (Java, 1 loop)"; MODES[java1]="byte message"
THREADS[java1]=1
if node=$(ensure_node_win 2>"$WORK/node.why"); then
  CMD[node]="$node $(to_win_path interop/node/npbench-peer.js)"
else WHY[node]=$(cat "$WORK/node.why"); fi
LABEL[node]="Node $NODE_WIN_VERSION (libuv)"; MODES[node]="byte"
if py=$(ensure_python_win 2>"$WORK/py.why"); then
  CMD[asyncio]="$py $(to_win_path interop/python/npbench_asyncio.py)"
  CMD[mp]="$py $(to_win_path interop/python/npbench_mp.py)"
else WHY[asyncio]=$(cat "$WORK/py.why"); WHY[mp]=${WHY[asyncio]}; fi
LABEL[asyncio]="Python 3.13 asyncio (proactor)"; MODES[asyncio]="byte"
LABEL[mp]="Python 3.13 multiprocessing"; MODES[mp]="message"
# node.exe refuses to start on what it takes for a Windows older than 8.1 (Wine 8 reports Windows 7 to it).
export NODE_SKIP_PLATFORM_CHECK=1

# run IMPL MODE SIZE MS TAG: one traced server + client pairing; leaves TAG.srv, TAG.cli (trace) and TAG.res.
run() {
  local impl=$1 mode=$2 size=$3 ms=$4 tag=$WORK/$5 pipe fifo i
  pipe='\\.\pipe\npcalls-'$$-$5
  fifo=$tag.stdin
  rm -f "$fifo" "$tag".*; mkfifo "$fifo"
  read -r -a cmd <<<"${CMD[$impl]}"
  # Output through pipes and standard input /dev/null for python.exe: under Wine its start-up refuses a Unix file
  # or FIFO there (init_sys_streams: "Invalid handle"); NPBENCH_NO_STDIN tells its server not to wait for EOF.
  local in=$fifo
  [ "$impl" = asyncio ] || [ "$impl" = mp ] && in=/dev/null
  # node.exe, the other way round, takes files but no Unix pipe for its output (EBADF).
  if [ "$impl" = node ]; then
    ( echo "$BASHPID" >"$tag.pid"; WINEDEBUG=+pid,+relay exec wine "${cmd[@]}" server "$pipe" "$mode" 2 ) \
      <"$in" >"$tag.out" 2>"$tag.srv" &
  else
    ( echo "$BASHPID" >"$tag.pid"; WINEDEBUG=+pid,+relay NPBENCH_NO_STDIN=1 exec wine "${cmd[@]}" server "$pipe" \
        "$mode" "${THREADS[$impl]:-2}" ) <"$in" > >(cat >"$tag.out") 2> >(cat >"$tag.srv") &
  fi
  [ "$in" = "$fifo" ] && exec 8>"$fifo"
  for i in $(seq 300); do grep -q '^READY' "$tag.out" 2>/dev/null && break; sleep 0.1; done
  # The throughput workload: C's client against every server (the figure compared is the server's).
  local cli_impl=$impl
  [ "$TEST" = throughput ] && cli_impl=c && read -r -a cmd <<<"${CMD[c]}"
  if [ "$cli_impl" = node ]; then
    WINEDEBUG=+pid,+relay timeout 300 wine "${cmd[@]}" client "$pipe" "$mode" "$TEST" "$CONNS" "$size" "$WARMUP" "$ms" \
      "${THREADS[$impl]:-2}" </dev/null >"$tag.res" 2>"$tag.cli" || true
  else
    WINEDEBUG=+pid,+relay timeout 300 wine "${cmd[@]}" client "$pipe" "$mode" "$TEST" "$CONNS" "$size" "$WARMUP" "$ms" \
      "${THREADS[$cli_impl]:-2}" </dev/null > >(cat >"$tag.res") 2> >(cat >"$tag.cli") || true
  fi
  [ "$in" = "$fifo" ] && exec 8>&-
  # node.exe cannot read a FIFO as standard input under Wine either, so it does not see it close: killed.
  local srv
  srv=$(cat "$tag.pid")
  for i in $(seq 30); do kill -0 "$srv" 2>/dev/null || break; sleep 0.1; done
  kill "$srv" 2>/dev/null || true
  wait 2>/dev/null || true
  sleep 0.5  # the cat processes behind > >(...) are not waited for
  rm -f "$fifo"
}

# counts FILE: "function count" lines for the traced calls (the relay's "Call ntdll.NtX(" lines). NtReadFile and
# NtWriteFile count on the connections' handles only (the CONNS handles with the most of them): a JVM also reads
# its jars and writes its logs, a varying amount from run to run.
counts() {
  sed -n 's/^.*:Call ntdll\.\(Nt[A-Za-z]*\)(\([0-9a-f]*\).*/\1 \2/p' "$1" | awk -v conns="$CONNS" '
    $1 == "NtReadFile" || $1 == "NtWriteFile" { rw[$1 " " $2]++; per[$2]++; next }
    { n[$1]++ }
    END { for (k = 0; k < conns; k++) {
            best = 0; top = ""
            for (h in per) if (!(h in conn) && per[h] > best) { best = per[h]; top = h }
            if (top != "") conn[top] = 1 }
          for (k in rw) { split(k, kf, " "); if (kf[2] in conn) n[kf[1]] += rw[k] }
          for (c in n) print c, n[c] }'
}
msgs() { sed -n 's/^RESULT .* total=\([0-9]*\).*/\1/p' "$1" | head -1; }

# per_msg A B N: per-function (count in B - count in A) / N, PREC decimals (3 for the throughput test, where a byte
# pipe's read takes dozens of messages), for functions that round to more than 0.
per_msg() {
  join -a1 -a2 -e0 -o 0,1.2,2.2 <(counts "$1" | sort) <(counts "$2" | sort) |
    awk -v n="$3" -v io="$IO_CALLS" -v p="$PREC" '
      BEGIN { split(io, a); for (i in a) isio[a[i]] = 1 }
      { d = ($3 - $2) / n; if (d < 0.5 * 10 ^ -p) next
        if ($1 in isio) { tio += d; sio = sio sprintf(" %s %.*f,", $1, p, d) }
        else { tw += d; sw = sw sprintf(" %s %.*f,", $1, p, d) } }
      END { sub(/,$/, "", sio); sub(/,$/, "", sw)
            printf "%.*f | %.*f | %s | %s\n", p, tio, p, tw, (sio == "" ? "-" : sio), (sw == "" ? "-" : sw) }'
}

echo "## System calls per echoed message"
echo
if [ "$TEST" = throughput ]; then
  echo "$(wine --version 2>/dev/null), throughput test: $CONNS connections, each keeping a window in flight, C's client (npbench)"
  echo "against each server, ${WARMUP} ms warm-up, ${SHORT} ms and"
else
  echo "$(wine --version 2>/dev/null), round trips on one connection (latency test), ${WARMUP} ms warm-up, ${SHORT} ms and"
fi
echo "${LONG} ms runs differenced; per process. I/O: read, write, dequeue (NtRemoveIoCompletion*), post, cancel, control, query;"
echo "wait/wake: NtWaitFor*, events, semaphores, NtDelayExecution (threads blocking or waking each other)."
echo
echo "| implementation | pipe | size | side | I/O calls/msg | wait+wake/msg | I/O calls | wait and wake calls |"
echo "|---|---|--:|---|--:|--:|---|---|"
for impl in $IMPLS; do
  if [ -n "${WHY[$impl]:-}" ]; then
    echo "| ${LABEL[$impl]} | | | | | | skipped: ${WHY[$impl]} | |"
    continue
  fi
  for mode in ${MODES[$impl]}; do
    [ -z "$ONLY_MODE" ] || [ "$mode" = "$ONLY_MODE" ] || continue
    for size in $SIZES; do
      run "$impl" "$mode" "$size" "$SHORT" "$impl-$mode-$size-a"
      run "$impl" "$mode" "$size" "$LONG" "$impl-$mode-$size-b"
      a=$WORK/$impl-$mode-$size-a b=$WORK/$impl-$mode-$size-b
      n1=$(msgs "$a.res") n2=$(msgs "$b.res")
      if [ -z "$n1" ] || [ -z "$n2" ] || [ "$n2" -le "$n1" ]; then
        echo "| ${LABEL[$impl]} | $mode | $size | | | | failed: no result or too few round trips ($n1, $n2; see $b.res, $b.srv) | |"
        continue
      fi
      for side in cli srv; do
        name=client; [ $side = srv ] && name=server
        echo "| ${LABEL[$impl]} | $mode | $size | $name | $(per_msg "$a.$side" "$b.$side" $((n2 - n1))) |"
      done
    done
  done
done
