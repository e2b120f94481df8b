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

# Prints which dependencies, plugins and the Maven wrapper are behind the newest release Maven Central serves.
# A report only: it never fails the build (a registry that cannot be reached is said so).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VERSIONS=org.codehaus.mojo:versions-maven-plugin:2.19.1
out=$(mktemp)
# Pre-releases (alpha, beta, RC, milestones) are not offered as updates.
if ./mvnw -B "$VERSIONS:display-dependency-updates" "$VERSIONS:display-plugin-updates" \
     -DprocessDependencyManagement=true -DallowSnapshots=false \
     '-Dmaven.version.ignore=(?i).*[-.](alpha|beta|rc|m|cr|preview)[-.]?[0-9]*' >"$out" 2>&1; then
  # Only real updates: display-plugin-updates also lists the last versions for older Mavens ("3.5.0 -> 2.6.1").
  behind=$(grep -E ' -> ' "$out" | sed -e 's/^\[INFO\] *//' | sort -u | while read -r line; do
    from=$(awk '{print $(NF-2)}' <<<"$line") to=$(awk '{print $NF}' <<<"$line")
    [ "$from" != "$to" ] && [ "$(printf '%s\n%s\n' "$from" "$to" | sort -V | tail -n 1)" = "$to" ] && echo "$line"
  done)
  if [ -n "$behind" ]; then
    echo "outdated: behind the newest release (update when it suits; this does not fail the build):"
    printf '%s\n' "$behind" | sed 's/^/  /'
  else
    echo "outdated: every dependency and plugin is at the newest release"
  fi
else
  echo "outdated: could not ask Maven Central (report skipped):"
  tail -n 5 "$out"
fi
rm -f "$out"
exit 0
