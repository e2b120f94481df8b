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

# Builds the Go peers (interop/go: winio-peer.exe, grpc-peer.exe, winio-bench.exe, on go-winio and grpc-go) and the stand-in
# bcryptprimitives.dll they need under Wine into TARGET/win32/, and puts that DLL into the Wine prefix's system32.
# Called by the Maven modules whose Win32 tests run the peers, before the Win32 suite, and by scripts/bench.sh.
#
# Go: grpc-go needs Go >= 1.26. A `go` that old or newer on PATH is used as it is. Otherwise Go $GO_VERSION is
# bootstrapped from the Go module proxy, where every Go release is the module golang.org/toolchain: any Go
# (Debian's golang-go, installed here if there is none) downloads that module into its module cache, and its
# files are copied to .build/go/ and made executable. Modules come from the proxy too (GOPROXY as configured).
# (GOTOOLCHAIN=go1.26.8 would do this download itself, but only a Go of 1.21 or newer knows GOTOOLCHAIN, and
# Debian 12's golang-go is 1.19.)
#
# Why system32: Go >= 1.22 programs load bcryptprimitives.dll!ProcessPrng at start-up with
# LOAD_LIBRARY_SEARCH_SYSTEM32, so a copy beside the .exe is not found; Wine 8 has no such DLL at all.
set -euo pipefail
TARGET=$(realpath -m "${1:?usage: build-go-peers.sh TARGET_DIR}")
# shellcheck source=scripts/wine-env.sh
SELF=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$SELF")/wine-env.sh"
GO_VERSION=1.26.8
SRC=$REPO/interop/go
W=$TARGET/win32
DLL_SRC=$SRC/bcryptprimitives/bcryptprimitives.c

# Prints the go command to use, installing Go $GO_VERSION under .build/go if needed.
ensure_go() {
  local v
  if command -v go >/dev/null; then
    v=$(cd / && GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || true)
    if [[ $v =~ ^go1\.([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 26 ]; then command -v go; return; fi
  fi
  if [ -n "$ON_WINDOWS" ]; then
    echo "build-go-peers: Go >= 1.26 is needed on PATH (https://go.dev/dl, or actions/setup-go)" >&2
    return 1
  fi
  local home=$REPO/.build/go/go$GO_VERSION
  if [ ! -x "$home/bin/go" ]; then
    echo "build-go-peers: bootstrapping Go $GO_VERSION from the Go module proxy ..." >&2
    command -v go >/dev/null || _apt_install golang-go || return 1
    local arch dir tmp module
    case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
    module=golang.org/toolchain@v0.0.1-go$GO_VERSION.linux-$arch
    dir=$(cd / && GOTOOLCHAIN=local go mod download -json "$module" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -d "$dir/bin" ] || { echo "build-go-peers: could not download $module" >&2; return 1; }
    mkdir -p "$REPO/.build/go"
    tmp=$(mktemp -d "$REPO/.build/go/unpack.XXXXXX")
    cp -r "$dir/." "$tmp/" && chmod -R u+w "$tmp" && chmod +x "$tmp"/bin/* "$tmp"/pkg/tool/*/*
    rm -rf "$home" && mv "$tmp" "$home"  # rename: never a half-copied toolchain
  fi
  echo "$home/bin/go"
}

GO=$(ensure_go) || { echo "build-go-peers: no Go >= 1.26 and none could be installed" >&2; exit 1; }
ensure_mingw || { echo "build-go-peers: mingw-w64 is missing and could not be installed" >&2; exit 1; }
mkdir -p "$W"

# Rebuild only when the sources, this script or the Go version changed.
stamp=$( (cd "$SRC" && find . -type f | LC_ALL=C sort | xargs sha256sum; sha256sum "$SELF";
  "$GO" version) | sha256sum | cut -d' ' -f1)
outputs=("$W/winio-peer.exe" "$W/grpc-peer.exe" "$W/winio-bench.exe" "$W/bcryptprimitives.dll")
if [ "$(cat "$W/go-peers.stamp" 2>/dev/null)" = "$stamp" ] && ls "${outputs[@]}" >/dev/null 2>&1; then
  echo "build-go-peers: up to date: ${outputs[*]}"
else
  rm -f "$W/go-peers.stamp"
  for peer in winio-peer grpc-peer winio-bench; do
    (cd "$SRC" && GOOS=windows GOARCH=amd64 CGO_ENABLED=0 GOFLAGS=-mod=readonly GOTOOLCHAIN=local \
      "$GO" build -trimpath -o "$W/$peer.exe" "./cmd/$peer")
  done
  "$MINGW_CC" -O2 -Wall -Werror -shared -s -o "$W/bcryptprimitives.dll" "$DLL_SRC" -ladvapi32
  echo "$stamp" >"$W/go-peers.stamp"
  echo "build-go-peers: built ${outputs[*]} with $("$GO" version)"
fi

# Every time: the prefix may have been made anew since the last build. Windows has the real DLL.
if [ -n "$ON_WINDOWS" ]; then
  :
elif ensure_wine; then
  sys32=$WINEPREFIX/drive_c/windows/system32
  if [ ! -f "$sys32/bcryptprimitives.dll" ] || [ "$W/bcryptprimitives.dll" -nt "$sys32/bcryptprimitives.dll" ]; then
    cp "$W/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll"
    echo "build-go-peers: installed the stand-in bcryptprimitives.dll into $sys32"
  fi
else
  echo "build-go-peers: Wine is missing, so the stand-in bcryptprimitives.dll was not installed" >&2
fi
