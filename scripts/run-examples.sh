#!/usr/bin/env bash
# Runs the fast examples from a build folder (CI runs this after building every example).
set -euo pipefail
build="${1:-build}"
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for example in quickstart; do
  echo "-- $example"
  (cd "$work" && "$OLDPWD/$build/examples/$example")
done
