#!/usr/bin/env bash
# Runs the fast examples from a build folder (CI runs this after building every example), each in a
# scratch folder so that their journals do not litter the checkout.
set -euo pipefail
build="${1:-build}"
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
examples=(
  quickstart
  typed_struct
  ask_tell_external
  maximize_resume
  ridge_diabetes
  logistic_breast_cancer
  "transfer_mlp --quick"
  "pruning_mlp --quick"
)
for entry in "${examples[@]}"; do
  read -r -a command <<<"$entry"
  echo "-- ${command[*]}"
  (cd "$work" && "$root/$build/examples/${command[0]}" "${command[@]:1}")
done
