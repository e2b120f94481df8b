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
#   scripts/count-calls.sh [--wine10] [--quick] [--throughput [--own-client | --client IMPL]] [--cpu | --requests] [--sizes "64 1024"]
#                          [--modes "byte message"] [--impls "c go java java1 node asyncio mp"] [--warmup MS]
#                          [--short MS] [--long MS] [--by-thread] [--threads N]
#   --wine10: under Wine 10 with JDK 25 for ours (the chroot of scripts/wine10-env.sh), as bench.sh --wine10
#   --quick: C, ours (1 loop) and Node only, byte pipes (scripts/bench.sh's quick run)
#   --throughput: the throughput workload instead (16 connections, each keeping a window of messages in flight),
#     C's client against the server of each of --impls (default: C, ours with 1 loop, Node), 64 B and 1 KiB,
#     byte and message pipes; the server's calls per echoed message are what differ.
#   --own-client: with --throughput, each implementation's own client against its server (Java -> Java as two
#     JVMs, go-winio -> go-winio), instead of C's client: what both sides cost when neither is C.
#   --client IMPL: with --throughput, IMPL's client (c, go or java) against every server instead of C's: one client
#     for all, to tell a server's share of a pairing's rate from its client's.
#   --cpu: CPU time per echoed message instead of calls, untraced (WINEDEBUG=-all): the client's, the server's
#     and wineserver's (which does the work of every pipe call under Wine), differenced over the two runs the same
#     way. Where the time of a call goes, which the call counts cannot say: in the program making it, or in
#     wineserver. Absolute figures are this machine's; compare implementations in the same run. CPU time comes in
#     clock ticks (10 ms) and start-ups vary, so use runs of seconds (--short 1000 --long 4000): short ones can even
#     come out negative.
#   --requests: wineserver's requests per echoed message instead (wineserver -d1 traces every request it serves),
#     per process (server, client), by request, differenced the same way. Under Wine every kernel call, wait and
#     wake that leaves a process is a request, whatever API made it: this counts what the relay trace cannot see
#     (the JVM's own threads, Wine's completion of an operation that waited), which the call counts leave out.
#   --threads N: N worker threads for C's server and client, GOMAXPROCS N for go-winio's, N loops for ours (java)
#     on each side, instead of 2. Under Wine every call is a round trip to wineserver that its thread waits for:
#     more threads than processors let a process go on while some of them wait (see BENCHMARKS.md).
#   --by-thread: CPU time per echoed message by thread instead (untraced), in the steady state of one run of LONG
#     ms (12000 unless given): each thread's user + system time from /proc/PID/task, sampled twice inside the
#     measured window (from WARMUP + 4 s after the client starts, which leaves a JVM 4 s to start, to WARMUP + LONG
#     - 3 s),
#     over the messages of that window at the client's msg/s. Threads are grouped by name (Wine names a thread's
#     Linux task after its Windows description: a JVM's "C2 CompilerThread0", a loop's "peer-server-1-1"), digits
#     after - or # as N. What --cpu cannot tell: how much of a process's CPU is its I/O threads' and how much the JIT's or GC's.
#
# PEER_JAVA_OPTS: more options for ours' JVMs (both sides), e.g. -XX:+PrintCompilation; their output is kept in
# examples/target/bench/calls/ (TAG.out, TAG.res).
#
# Needs the built peers in examples/target/bench/ (scripts/bench.sh builds them; this script builds what is
# missing). A peer that cannot be had (no node.exe, no Windows python.exe) is skipped with its reason.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/wine-env.sh
source scripts/wine-env.sh
name_failures count-calls
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
CPU=""
REQS=""
BY_THREAD=""
OWN_CLIENT=""
CLIENT=c
NTHREADS=2
WINE10=""
while [ $# -gt 0 ]; do
  case $1 in
    --wine10) WINE10=1; shift ;;
    --quick) IMPLS="c java1 node"; ONLY_MODE=byte; shift ;;
    --throughput) TEST=throughput; CONNS=16; IMPLS="c java1 node"; SIZES="64 1024"; PREC=3; shift ;;
    --cpu) CPU=1; shift ;;
    --requests) REQS=1; shift ;;
    --by-thread) BY_THREAD=1; shift ;;
    --own-client) OWN_CLIENT=1; shift ;;
    --client) CLIENT=$2; shift 2 ;;
    --threads) NTHREADS=$2; shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --modes) ONLY_MODE=$2; shift 2 ;;
    --impls) IMPLS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --short) SHORT=$2; shift 2 ;;
    --long) LONG=$2; LONG_SET=1; shift 2 ;;
    *) echo "count-calls: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -n "$BY_THREAD" ]; then
  [ -z "$CPU$REQS" ] || { echo "count-calls: --by-thread is its own measure, not with --cpu or --requests" >&2; exit 2; }
  [ -n "${LONG_SET:-}" ] || LONG=12000
  [ "$LONG" -ge 8000 ] || { echo "count-calls: --by-thread needs --long 8000 or more (a JVM's start)" >&2; exit 2; }
fi

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

if [ -n "$WINE10" ]; then
  # shellcheck source=scripts/wine10-env.sh
  source scripts/wine10-env.sh
  use_wine10 "$OUT/classpath.txt" || { echo "count-calls: Wine 10 could not be set up: $WINE10_ERROR" >&2; exit 1; }
fi
# WINE_ARGV: the command that runs a Windows program now, with the environment's WINEDEBUG and NPBENCH_NO_STDIN
# (exec and timeout take a command, not the wine function of Wine 10's; its chroot starts from an empty environment).
wine_argv() {
  if [ -n "$WINE10" ]; then
    wine10_command && WINE_ARGV=("${WINE10_RUN[@]}" env "NPBENCH_NO_STDIN=${NPBENCH_NO_STDIN:-}" wine)
  else WINE_ARGV=(wine); fi
}

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
CMD[java]="$WIN_JAVA -Xmx256m ${PEER_JAVA_OPTS:-} -Dio.netty.leakDetection.level=DISABLED -cp $cp dev.npipe.examples.bench.JavaPeer"
LABEL[java]="ours (Java, $NTHREADS loops)"; MODES[java]="byte message"
# One loop per side: a server child stays on its server's port. With 2 loops Wine passes each child's completions
# on from the server's port (one post and one more dequeue per completion) because Wine lacks
# FileReplaceCompletionInformation; Windows 8.1+ moves the child's handle instead, as one loop gets here.
CMD[java1]=${CMD[java]}; WHY[java1]=${WHY[java]:-}; LABEL[java1]="ours (Java, 1 loop)"; MODES[java1]="byte message"
THREADS[java1]=1
THREADS[c]=$NTHREADS; THREADS[go]=$NTHREADS; THREADS[java]=$NTHREADS
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
if [ -n "${WHY[$CLIENT]:-}" ] || [ -z "${CMD[$CLIENT]:-}" ]; then
  echo "count-calls: --client $CLIENT cannot run: ${WHY[$CLIENT]:-no such implementation (${!CMD[*]})}" >&2; exit 2
fi
# node.exe refuses to start on what it takes for a Windows older than 8.1 (Wine 8 reports Windows 7 to it).
export NODE_SKIP_PLATFORM_CHECK=1

# ticks PID: the CPU time (user + system, in clock ticks) of a live process so far; empty once it has gone. After
# the state, fields 14 and 15 of stat (utime, stime) are the 11th and 12th.
ticks() { sed -n 's/^.*) [A-Z] //p' "/proc/$1/stat" 2>/dev/null | awk '{ print $11 + $12 }'; }
# The wineserver of this prefix (other prefixes may have one too).
prefix_wineserver() {
  local p
  for p in $(pgrep -x wineserver 2>/dev/null; pgrep -x wineserver64 2>/dev/null); do
    tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qx "WINEPREFIX=$WINEPREFIX" && { echo "$p"; return; }
  done
}

# prefix_pids: the processes of this prefix and its wineserver.
prefix_pids() {
  local p
  for p in $(ls /proc | grep -E '^[0-9]+$'); do
    tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qx "WINEPREFIX=$WINEPREFIX" && echo "$p"
  done
  prefix_wineserver
}

# snapshot SERVER_PID PIDS...: "time SECONDS", then "ROLE TID TICKS NAME" for every thread of those processes: ROLE
# server, wineserver, or the process id of any other (the client is told from Wine's own services afterwards: the
# one that used the most CPU in the window). One awk reads every thread's stat, so the sample takes milliseconds.
snapshot() {
  local srv=$1 ws p files=()
  shift
  ws=$(prefix_wineserver)
  for p in "$@"; do files+=(/proc/"$p"/task/*/stat); done
  echo "time $(date +%s.%N)"
  awk -v srv="$srv" -v ws="$ws" '
    { split(FILENAME, f, "/"); role = f[3] == srv ? "server" : f[3] == ws ? "wineserver" : f[3]
      name = $0; sub(/^[^(]*\(/, "", name); sub(/\)[^)]*$/, "", name)
      rest = $0; sub(/^.*\) /, "", rest); split(rest, r, " ")
      print role, f[5], r[12] + r[13], name }' "${files[@]}" 2>/dev/null || true  # a thread that ended meanwhile
}

# by_thread T1 T2 RATE: "side name µs/msg" per thread group (digits as N) between two snapshots, at RATE msg/s;
# side server, client (the other process that used the most CPU) or wineserver; "side all µs/msg" for each side.
by_thread() {
  awk -v rate="$3" -v hz="$(getconf CLK_TCK)" '
    FNR == 1 { t[FILENAME == ARGV[1] ? 1 : 2] = $2; next }
    { name = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ ?/, "", name); gsub(/-[0-9]+/, "-N", name); gsub(/#[0-9]+/, "#N", name)
      if (name == "") name = "(unnamed)"
      k = $1 SUBSEP $2; if (FILENAME == ARGV[1]) { a[k] = $3 } else if (k in a) { d[$1 SUBSEP name] += $3 - a[k]; per[$1] += $3 - a[k] } }
    END { cli = ""; best = -1
          for (r in per) if (r != "server" && r != "wineserver" && per[r] > best) { best = per[r]; cli = r }
          n = rate * (t[2] - t[1])
          for (k in d) { split(k, kf, SUBSEP); side = kf[1] == cli ? "client" : kf[1]
            if (side != "server" && side != "client" && side != "wineserver") continue
            printf "%s %.3f %s\n", side, d[k] / hz * 1e6 / n, kf[2] }
          for (r in per) { side = r == cli ? "client" : r
            if (side == "server" || side == "client" || side == "wineserver") printf "%s %.3f all\n", side, per[r] / hz * 1e6 / n } }' "$1" "$2"
}

# run IMPL MODE SIZE MS TAG: one server + client pairing; leaves TAG.srv, TAG.cli (traces) and TAG.res, and with
# --cpu TAG.cpu: "server client wineserver" CPU seconds (the server's and wineserver's from READY on).
run() {
  local impl=$1 mode=$2 size=$3 ms=$4 tag=$WORK/$5 pipe fifo i dbg=+pid,+relay
  [ -z "$CPU$REQS$BY_THREAD" ] || dbg=-all
  pipe='\\.\pipe\npcalls-'$$-$5
  fifo=$tag.stdin
  rm -f "$fifo" "$tag".*; mkfifo "$fifo"
  if [ -n "$REQS" ]; then
    # A wineserver of our own for this pairing, tracing every request (thread id, request, arguments) to a file.
    wineserver -k >/dev/null 2>&1 || true
    wineserver -w >/dev/null 2>&1 || true
    wineserver -f -d1 2>"$tag.ws" &
    for i in $(seq 50); do [ -s "$tag.ws" ] && break; sleep 0.1; done
  fi
  read -r -a cmd <<<"${CMD[$impl]}"
  # Output through pipes and standard input /dev/null for python.exe: under Wine its start-up refuses a Unix file
  # or FIFO there (init_sys_streams: "Invalid handle"); NPBENCH_NO_STDIN tells its server not to wait for EOF.
  local in=$fifo
  [ "$impl" = asyncio ] || [ "$impl" = mp ] && in=/dev/null
  # node.exe, the other way round, takes files but no Unix pipe for its output (EBADF).
  if [ "$impl" = node ]; then
    ( echo "$BASHPID" >"$tag.pid"; export WINEDEBUG=$dbg; wine_argv; exec "${WINE_ARGV[@]}" "${cmd[@]}" server \
        "$pipe" "$mode" 2 ) \
      <"$in" >"$tag.out" 2>"$tag.srv" &
  else
    ( echo "$BASHPID" >"$tag.pid"; export WINEDEBUG=$dbg NPBENCH_NO_STDIN=1; wine_argv
      exec "${WINE_ARGV[@]}" "${cmd[@]}" server "$pipe" "$mode" "${THREADS[$impl]:-2}" ) <"$in" > >(cat >"$tag.out") 2> >(cat >"$tag.srv") &
  fi
  [ "$in" = "$fifo" ] && exec 8>"$fifo"
  for i in $(seq 300); do grep -q '^READY' "$tag.out" 2>/dev/null && break; sleep 0.1; done
  local srv ws srv0 ws0
  srv=$(cat "$tag.pid")
  if [ -n "$CPU" ]; then ws=$(prefix_wineserver); srv0=$(ticks "$srv"); ws0=$(ticks "$ws"); fi
  # The throughput workload: C's client (or --client's) against every server (the figure compared is the
  # server's), unless --own-client.
  local cli_impl=$impl
  [ "$TEST" = throughput ] && [ -z "$OWN_CLIENT" ] && cli_impl=$CLIENT && read -r -a cmd <<<"${CMD[$CLIENT]}"
  # With --by-thread, every thread's CPU time twice inside the client's measured window (see the usage above).
  local sampler=""
  if [ -n "$BY_THREAD" ]; then
    ( sleep "$(awk -v w="$WARMUP" 'BEGIN { print (w + 4000) / 1000 }')"
      local pids; pids=$(prefix_pids | sort -u)
      # shellcheck disable=SC2086
      snapshot "$srv" $pids >"$tag.t1"; sleep "$(awk -v l="$LONG" 'BEGIN { print (l - 7000) / 1000 }')"
      # shellcheck disable=SC2086
      snapshot "$srv" $pids >"$tag.t2" ) &
    sampler=$!
  fi
  # The client in a subshell whose `times` gives the CPU time of what it waited for (the client process).
  if [ "$cli_impl" = node ]; then
    ( export WINEDEBUG=$dbg; wine_argv; timeout 300 "${WINE_ARGV[@]}" "${cmd[@]}" client "$pipe" "$mode" "$TEST" "$CONNS" "$size" "$WARMUP" "$ms" \
      "${THREADS[$impl]:-2}" </dev/null >"$tag.res" 2>"$tag.cli" || true; times >"$tag.times" )
  else
    ( export WINEDEBUG=$dbg; wine_argv; timeout 300 "${WINE_ARGV[@]}" "${cmd[@]}" client "$pipe" "$mode" "$TEST" "$CONNS" "$size" "$WARMUP" "$ms" \
      "${THREADS[$cli_impl]:-2}" </dev/null > >(cat >"$tag.res") 2> >(cat >"$tag.cli") || true
      times >"$tag.times" )
  fi
  [ -z "$sampler" ] || wait "$sampler" 2>/dev/null || true
  if [ -n "$CPU" ]; then
    local srv1 ws1 cli
    srv1=$(ticks "$srv"); ws1=$(ticks "$ws")
    # `times`' second line: the children's user and system time, as 0m1.230s.
    cli=$(sed -n 2p "$tag.times" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] }
                                           print s }')
    awk -v s0="${srv0:-0}" -v s1="${srv1:-0}" -v w0="${ws0:-0}" -v w1="${ws1:-0}" -v c="$cli" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "%.3f %.3f %.3f\n", (s1 - s0) / hz, c, (w1 - w0) / hz }' >"$tag.cpu"
  fi
  [ "$in" = "$fifo" ] && exec 8>&-
  # node.exe cannot read a FIFO as standard input under Wine either, so it does not see it close: killed.
  for i in $(seq 30); do kill -0 "$srv" 2>/dev/null || break; sleep 0.1; done
  kill "$srv" 2>/dev/null || true
  wait 2>/dev/null || true
  sleep 0.5  # the cat processes behind > >(...) are not waited for
  rm -f "$fifo"
  if [ -n "$REQS" ]; then
    wineserver -k >/dev/null 2>&1 || true
    wait 2>/dev/null || true
    requests "$tag.ws" "$srv" >"$tag.req"
    rm -f "$tag.ws"
  fi
}

# requests TRACE SERVER_PID: "role request count" for the server (its Unix process id) and the client (the other
# process with the most requests), from a wineserver -d1 trace, and the same for each one's I/O threads (those
# that made read requests: on pipes) as server-io and client-io: a JVM's other threads (the JIT's, the GC's) make
# requests of their own, which vary from one start to the next and so do not cancel out in the difference of two
# runs. A thread belongs to the process whose first thread (init_first_thread, which names its Unix pid) or one of
# whose threads (new_thread on the current process) made it; a thread's requests are keyed by that process as
# well as its id, which wineserver may give again to a later thread.
requests() {
  awk -v srv="$2" '
    { tid = substr($1, 1, 4) }
    $2 == "init_first_thread(" { sub(/^unix_pid=/, "", $3); sub(/,$/, "", $3); first[tid] = $3; next }
    $2 == "init_first_thread()" && $3 == "=" { t = $7; sub(/^tid=/, "", t); sub(/,$/, "", t); proc[t] = first[tid]; next }
    $2 == "new_thread(" { own[tid] = ($3 == "process=ffffffff,"); next }
    $2 == "new_thread()" && $3 == "=" { t = $6; sub(/^tid=/, "", t); sub(/,$/, "", t); if (own[tid]) proc[t] = proc[tid]; next }
    $2 ~ /\($/ || ($2 ~ /\(\)$/ && $3 != "=") {
      name = $2; sub(/\(.*$/, "", name); p = (tid in proc) ? proc[tid] : "?"
      n[p " " name]++; total[p]++; nt[p " " tid " " name]++; if (name == "read") reads[p " " tid]++ }
    END { best = 0; cli = ""
          for (p in total) if (p != srv && p != "?" && total[p] > best) { best = total[p]; cli = p }
          for (k in n) { split(k, kf, " ")
            if (kf[1] == srv) print "server", kf[2], n[k]; else if (kf[1] == cli) print "client", kf[2], n[k] }
          for (k in nt) { split(k, kf, " "); if (!((kf[1] " " kf[2]) in reads)) continue
            if (kf[1] == srv) io["server-io " kf[3]] += nt[k]; else if (kf[1] == cli) io["client-io " kf[3]] += nt[k] }
          for (k in io) print k, io[k] }' "$1"
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

# req_per_msg A B N SIDE: SIDE's (requests in B - requests in A) / N, in all and by request.
req_per_msg() {
  join -a1 -a2 -e0 -o 0,1.2,2.2 <(awk -v s="$4" '$1 == s { print $2, $3 }' "$1" | sort) \
      <(awk -v s="$4" '$1 == s { print $2, $3 }' "$2" | sort) |
    awk -v n="$3" '{ d = ($3 - $2) / n; t += d; if (d >= 0.05) { c[$1] = d } }
      END { m = 0; for (k in c) m++
            while (m-- > 0) { best = ""; for (k in c) if (best == "" || c[k] > c[best]) best = k
                              out = out sprintf(" %s %.2f,", best, c[best]); delete c[best] }
            sub(/,$/, "", out); printf "%.2f |%s", t, out }'
}

if [ -n "$BY_THREAD" ]; then
  echo "## CPU time per echoed message, by thread"
elif [ -n "$CPU" ]; then
  echo "## CPU time per echoed message"
elif [ -n "$REQS" ]; then
  echo "## wineserver requests per echoed message"
else
  echo "## System calls per echoed message"
fi
echo
if [ "$TEST" = throughput ]; then
  client="C's client (npbench) against each server"
  [ "$CLIENT" = c ] || client="${LABEL[$CLIENT]}'s client against each server"
  [ -z "$OWN_CLIENT" ] || client="each implementation's own client against its server"
  echo "$(wine --version 2>/dev/null), throughput test: $CONNS connections, each keeping a window in flight, $client, $NTHREADS threads or loops a side (ours with 1 loop: 1),"
  if [ -n "$BY_THREAD" ]; then echo "${WARMUP} ms warm-up,"; else echo "${WARMUP} ms warm-up, ${SHORT} ms and"; fi
elif [ -n "$BY_THREAD" ]; then
  echo "$(wine --version 2>/dev/null), round trips on one connection (latency test), ${WARMUP} ms warm-up,"
else
  echo "$(wine --version 2>/dev/null), round trips on one connection (latency test), ${WARMUP} ms warm-up, ${SHORT} ms and"
fi
if [ -n "$REQS" ]; then
  echo "${LONG} ms runs differenced; every request wineserver served (wineserver -d1), per process, by request: the"
  echo "waits (select), reads, writes, dequeues (remove_completion), an operation's result fetched after it waited"
  echo "(get_async_result), events (event_op) ... The trace slows wineserver down, so more operations wait than untraced."
  echo "An I/O threads row counts only the threads that made pipe reads: what the loops themselves ask for, without the"
  echo "JIT's and the GC's threads, whose work varies from one start to the next and does not cancel out."
  echo
  echo "| implementation | pipe | size | side | requests/msg | requests (>= 0.05 per message) |"
  echo "|---|---|--:|---|--:|---|"
elif [ -n "$BY_THREAD" ]; then
  echo "one ${LONG} ms run, untraced; microseconds of CPU (user + system) per message of each group of threads (by"
  echo "name, numbers after - or # as N) between two samples of /proc inside the measured window, at the client's msg/s; only groups"
  echo "of >= 0.05 µs/msg are named. $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
  echo
  echo "| implementation | pipe | size | msg/s | side | µs/msg | by thread (µs/msg) |"
  echo "|---|---|--:|--:|---|--:|---|"
elif [ -n "$CPU" ]; then
  echo "${LONG} ms runs differenced, untraced; microseconds of CPU (user + system) per message, of each process and of"
  echo "wineserver (the work of the pipe calls under Wine); msg/s is the longer run's. $(nproc) processors, load average"
  echo "$(cut -d' ' -f1-3 /proc/loadavg) at the start."
  echo
  echo "| implementation | pipe | size | msg/s | server µs/msg | client µs/msg | wineserver µs/msg | all µs/msg |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|"
else
  echo "${LONG} ms runs differenced; per process. I/O: read, write, dequeue (NtRemoveIoCompletion*), post, cancel, control, query;"
  echo "wait/wake: NtWaitFor*, events, semaphores, NtDelayExecution (threads blocking or waking each other)."
  echo
  echo "| implementation | pipe | size | side | I/O calls/msg | wait+wake/msg | I/O calls | wait and wake calls |"
  echo "|---|---|--:|---|--:|--:|---|---|"
fi
for impl in $IMPLS; do
  if [ -n "${WHY[$impl]:-}" ]; then
    echo "| ${LABEL[$impl]} | | | | | | skipped: ${WHY[$impl]} | |"
    continue
  fi
  for mode in ${MODES[$impl]}; do
    [ -z "$ONLY_MODE" ] || [[ " $ONLY_MODE " == *" $mode "* ]] || continue
    for size in $SIZES; do
      if [ -n "$BY_THREAD" ]; then
        b=$WORK/$impl-$mode-$size-b
        run "$impl" "$mode" "$size" "$LONG" "$impl-$mode-$size-b"
        rate=$(sed -n 's/^RESULT msgs=\([0-9]*\) .*secs=\([0-9.]*\).*/\1 \2/p' "$b.res" | awk '{ printf "%.0f", $1 / $2 }')
        # A process of the first sample missing from the second (the client ended before it) would count as idle.
        gone=$(join -v1 <(awk 'NR > 1 { print $1 }' "$b.t1" | sort -u) <(awk 'NR > 1 { print $1 }' "$b.t2" | sort -u) | wc -l)
        if [ -z "$rate" ] || [ ! -s "$b.t2" ] || [ "$gone" -gt 0 ]; then
          echo "| ${LABEL[$impl]} | $mode | $size | | | | failed: no result, or the client ended before the second sample (see $b.res) |"
          continue
        fi
        by_thread "$b.t1" "$b.t2" "$rate" >"$b.threads"
        for side in server client wineserver; do
          all=$(awk -v s=$side '$1 == s && $3 == "all" { print $2 }' "$b.threads")
          groups=$(awk -v s=$side '$1 == s && $3 != "all" && $2 >= 0.05 { n = $0; sub(/^[^ ]+ [^ ]+ /, "", n); print $2 "\t" n }' \
            "$b.threads" | sort -rn | awk -F'\t' '{ printf "%s%s %.2f", (NR > 1 ? ", " : ""), $2, $1 }')
          echo "| ${LABEL[$impl]} | $mode | $size | $rate | $side | ${all:-?} | $groups |"
        done
        continue
      fi
      run "$impl" "$mode" "$size" "$SHORT" "$impl-$mode-$size-a"
      run "$impl" "$mode" "$size" "$LONG" "$impl-$mode-$size-b"
      a=$WORK/$impl-$mode-$size-a b=$WORK/$impl-$mode-$size-b
      n1=$(msgs "$a.res") n2=$(msgs "$b.res")
      if [ -z "$n1" ] || [ -z "$n2" ] || [ "$n2" -le "$n1" ]; then
        echo "| ${LABEL[$impl]} | $mode | $size | | | | failed: no result or too few round trips ($n1, $n2; see $b.res, $b.srv) | |"
        continue
      fi
      if [ -n "$REQS" ]; then
        for side in client client-io server server-io; do
          echo "| ${LABEL[$impl]} | $mode | $size | ${side/-io/, I/O threads} | $(req_per_msg "$a.req" "$b.req" $((n2 - n1)) $side) |"
        done
        continue
      fi
      if [ -n "$CPU" ]; then
        rate=$(sed -n 's/^RESULT msgs=\([0-9]*\) .*secs=\([0-9.]*\).*/\1 \2/p' "$b.res" | awk '{ printf "%.0f", $1 / $2 }')
        read -r s1 c1 w1 <"$a.cpu"; read -r s2 c2 w2 <"$b.cpu"
        cells=$(awk -v n=$((n2 - n1)) -v s="$s1 $s2" -v c="$c1 $c2" -v w="$w1 $w2" 'BEGIN {
          split(s, S); split(c, C); split(w, W)
          ds = (S[2] - S[1]) * 1e6 / n; dc = (C[2] - C[1]) * 1e6 / n; dw = (W[2] - W[1]) * 1e6 / n
          printf "%.1f | %.1f | %.1f | %.1f", ds, dc, dw, ds + dc + dw }')
        echo "| ${LABEL[$impl]} | $mode | $size | $rate | $cells |"
        continue
      fi
      for side in cli srv; do
        name=client; [ $side = srv ] && name=server
        echo "| ${LABEL[$impl]} | $mode | $size | $name | $(per_msg "$a.$side" "$b.$side" $((n2 - n1))) |"
      done
    done
  done
done
