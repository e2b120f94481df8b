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

# Checks the CI workflows in .github/workflows with actionlint, built from the Go module proxy into .build/bin
# (once; the Go of build-go-peers.sh's rules: Go >= 1.26 on PATH, else bootstrapped there).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ACTIONLINT_VERSION=v1.7.12
BIN=$PWD/.build/bin
if [ ! -x "$BIN/actionlint-$ACTIONLINT_VERSION" ]; then
  go=$(command -v go || true)
  [ -n "$go" ] || { echo "lint-workflows: no Go to build actionlint with" >&2; exit 1; }
  mkdir -p "$BIN"
  echo "lint-workflows: building actionlint $ACTIONLINT_VERSION ..."
  tmp=$(mktemp -d "$BIN/build.XXXXXX")
  (cd / && GOBIN=$tmp GOTOOLCHAIN=local "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION") >&2
  mv "$tmp/actionlint" "$BIN/actionlint-$ACTIONLINT_VERSION" && rm -rf "$tmp"
fi
# Shellcheck of run: blocks only where shellcheck is installed (actionlint uses it when found).
"$BIN/actionlint-$ACTIONLINT_VERSION" -no-color .github/workflows/*.yml
echo "lint-workflows: actionlint $ACTIONLINT_VERSION: $(ls .github/workflows/*.yml | wc -l) workflow file(s), no problem found"
