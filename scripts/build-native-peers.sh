#!/usr/bin/env bash
# Builds the native Win32 peers of the interop tests (C, mingw-w64) into TARGET/win32/.
# Called by transport-namedpipe/pom.xml before the Win32 suite runs.
set -euo pipefail
TARGET=$(realpath "${1:?usage: build-native-peers.sh TARGET_DIR}")
source "$(dirname "${BASH_SOURCE[0]}")/wine-env.sh"
ensure_mingw || { echo "build-native-peers: mingw-w64 is missing and could not be installed" >&2; exit 1; }
mkdir -p "$TARGET/win32"
"$MINGW_CC" -O2 -Wall -Werror -o "$TARGET/win32/msgpeer.exe" \
  "$TARGET/../src/test/c/msgpeer.c"
echo "build-native-peers: built $TARGET/win32/msgpeer.exe"
