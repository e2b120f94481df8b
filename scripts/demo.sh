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

# The demo: an echo server, the RPC example and gRPC (health checks) on named pipes, under a Windows JVM (Wine on
# Linux), with a short load on each; prints the pipe names, who the server sees at the other end, connections, MB/s, calls/s, p50/p99.
# Installs Wine and the Windows JRE when missing (as scripts/test.sh does). Usage: scripts/demo.sh [seconds per phase]
# On Windows, natively:  mvnw.cmd -q install -DskipTests  then
#                        mvnw.cmd -q -pl examples exec:java -Dexec.mainClass=dev.npipe.examples.demo.Demo
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/wine-env.sh
name_failures demo
SECONDS_PER_PHASE=${1:-5}

ensure_wine || { echo "demo: Wine is missing and could not be installed" >&2; exit 1; }
ensure_windows_jre >/dev/null || { echo "demo: the Windows JRE could not be downloaded" >&2; exit 1; }

OUT=$PWD/examples/target/demo
mkdir -p "$OUT"
echo "demo: building (a minute on a cold cache) ..."
# -DskipTests, not -Dmaven.test.skip: the reactor must still make transport-namedpipe's test jar, which
# grpc-namedpipe names as a test dependency (Maven resolves it even when no test runs); only the runtime
# class path goes to the demo.
./mvnw -B -q -pl examples -am package dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/classpath.txt" >&2
cp=$(to_win_classpath "$OUT/classpath.txt" examples/target/classes)

exec 9>"$WIN32_LOCK"
flock -w 1800 9 || { echo "demo: the Wine prefix stayed locked" >&2; exit 1; }
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT
echo "demo: starting the Windows JVM ($(wine --version 2>/dev/null))"
wine "$WIN_JAVA" -Xmx512m -cp "$cp" dev.npipe.examples.demo.Demo "$SECONDS_PER_PHASE" 9>&- |
  sed -u -e 's/\r$//' -e '/Attempt to get process group affinity failed/d'
rc=${PIPESTATUS[0]}
echo "demo: took ${SECONDS}s"
exit "$rc"
