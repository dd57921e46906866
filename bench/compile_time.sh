#!/usr/bin/env bash
# Compile time of hpo, as a user pays it: CPU seconds (user + sys) of single translation units,
# one compile at a time, and the wall time of a fresh `bash scripts/test.sh`.
# Usage: bash bench/compile_time.sh [--no-test-suite]   (CXX=clang++ to measure clang)
set -euo pipefail
cd "$(dirname "$0")/.."
cxx="${CXX:-g++}"
flags=(-std=c++20 -Iinclude -isystem /usr/include/eigen3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cpu_seconds() {  # cpu_seconds <args...>: CPU seconds of one compiler run
  /usr/bin/time -f '%U %S' -o "$work/time" "$cxx" "${flags[@]}" "$@" >/dev/null
  awk '{printf "%.1f", $1 + $2}' "$work/time"
}

printf '| translation unit | compiler | flags | CPU s |\n|---|---|---|--:|\n'
echo '#include <hpo/hpo.hpp>' > "$work/umbrella.cpp"
printf '| `#include <hpo/hpo.hpp>` alone | %s | -fsyntax-only | %s |\n' "$cxx" "$(cpu_seconds -fsyntax-only "$work/umbrella.cpp")"
printf '| `bench/compile/random_only.cpp` | %s | -O2 | %s |\n' "$cxx" "$(cpu_seconds -O2 -c bench/compile/random_only.cpp -o "$work/r.o")"
printf '| `examples/quickstart.cpp` | %s | -O2 | %s |\n' "$cxx" "$(cpu_seconds -O2 -c examples/quickstart.cpp -o "$work/q.o")"

# What the random-only program includes: no Gaussian process, L-BFGS-B or acquisition header.
"$cxx" "${flags[@]}" -M bench/compile/random_only.cpp > "$work/deps"
heavy=$(tr " " "\n" < "$work/deps" | grep -E "hpo/(gp|acquisition)/|LBFGS" | sort -u | tr "\n" " " || true)
printf "\nGP, L-BFGS-B and acquisition headers included by random_only.cpp: %s\n" "${heavy:-none}"

if [ "${1:-}" != "--no-test-suite" ]; then
  rm -rf build
  start=$(date +%s)
  bash scripts/test.sh >"$work/test.log" 2>&1 || { tail -20 "$work/test.log"; exit 1; }
  printf 'Fresh `bash scripts/test.sh` (%s cores): %s s wall\n' "$(nproc)" "$(( $(date +%s) - start ))"
fi
