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

./mvnw -B verify "$@"

# In CI the benchmark runs too, in quick mode (about 2 minutes), so it keeps working: native and Java peers,
# every pairing and workload, and its table in the log. Locally: scripts/bench.sh.
if [ "${CI:-}" = true ]; then
  scripts/bench.sh --quick
fi
