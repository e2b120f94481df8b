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
