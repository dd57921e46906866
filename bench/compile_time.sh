#!/usr/bin/env bash
# Compile time of hpo, as a user pays it: CPU seconds (user + sys) of single translation units,
# one compile at a time, header-only and in compiled mode (hpo::hpo_compiled: the TU sees
# declarations only, and the library's src/*.cpp are compiled once), and the wall time of a fresh
# `bash scripts/test.sh`.
# Usage: bash bench/compile_time.sh [--no-test-suite] [TREE]
#   TREE: another checkout of hpo whose headers and quickstart to time (e.g. an older commit's
#   worktree, for a before/after table); the probes in bench/compile/ are this checkout's.
#   CXX=clang++ times clang.
set -euo pipefail
cd "$(dirname "$0")/.."
run_suite=yes
if [ "${1:-}" = "--no-test-suite" ]; then run_suite=no; shift; fi
tree=$(realpath "${1:-.}")
cxx="${CXX:-g++}"
flags=(-std=c++20 -I"$tree/include" -isystem /usr/include/eigen3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cpu_seconds() {  # cpu_seconds <args...>: CPU seconds of one compiler run
  /usr/bin/time -f '%U %S' -o "$work/time" "$cxx" "${flags[@]}" "$@" >/dev/null
  awk '{printf "%.1f", $1 + $2}' "$work/time"
}
row() {  # row <what> <flags shown> <compiler args...>
  local what=$1 shown=$2
  shift 2
  printf '| %s | %s | %s | %s |\n' "$what" "$cxx" "$shown" "$(cpu_seconds "$@")"
}

echo "hpo headers from $tree ($(git -C "$tree" rev-parse --short HEAD 2>/dev/null || echo '?'))"
printf '| translation unit | compiler | flags | CPU s |\n|---|---|---|--:|\n'
echo '#include <hpo/hpo.hpp>' > "$work/umbrella.cpp"
row '`#include <hpo/hpo.hpp>` alone' -fsyntax-only -fsyntax-only "$work/umbrella.cpp"
row '`bench/compile/random_only.cpp` (random + grid search, Study)' -O2 -O2 -c bench/compile/random_only.cpp -o "$work/r.o"
row '`examples/quickstart.cpp` (Bayesian optimization, `hpo.hpp`)' -O2 -O2 -c "$tree/examples/quickstart.cpp" -o "$work/q.o"
row '`bench/compile/search.cpp` (the TU that calls optimize())' -O2 -O2 -c bench/compile/search.cpp -o "$work/s.o"
row '`bench/compile/training.cpp` (rebuild after touching the objective)' -O2 -O2 -c bench/compile/training.cpp -o "$work/t.o"

# Compiled mode (include/hpo/core/linkage.hpp), when the tree has it.
if [ -f "$tree/include/hpo/core/linkage.hpp" ]; then
  separate=-DHPO_SEPARATE_COMPILATION
  row '`#include <hpo/hpo.hpp>` alone, compiled mode' "-fsyntax-only $separate" -fsyntax-only "$separate" "$work/umbrella.cpp"
  row '`bench/compile/random_only.cpp`, compiled mode' "-O2 $separate" -O2 "$separate" -c bench/compile/random_only.cpp -o "$work/r.o"
  row '`examples/quickstart.cpp`, compiled mode' "-O2 $separate" -O2 "$separate" -c "$tree/examples/quickstart.cpp" -o "$work/q.o"
  row '`bench/compile/search.cpp`, compiled mode' "-O2 $separate" -O2 "$separate" -c bench/compile/search.cpp -o "$work/s.o"
  total=0
  for source in "$tree"/src/*.cpp; do
    seconds=$(cpu_seconds -O2 "$separate" -DHPO_COMPILING_LIBRARY -c "$source" -o "$work/lib.o")
    printf '| library `src/%s` (once per build of hpo::hpo_compiled) | %s | -O2 | %s |\n' "$(basename "$source")" "$cxx" "$seconds"
    total=$(awk -v a="$total" -v b="$seconds" 'BEGIN { printf "%.1f", a + b }')
  done
  printf '| library, all of src/ | %s | -O2 | %s |\n' "$cxx" "$total"
fi

# What the random-only program includes: no Gaussian process, L-BFGS-B or acquisition header.
"$cxx" "${flags[@]}" -M bench/compile/random_only.cpp > "$work/deps"
heavy=$(tr " " "\n" < "$work/deps" | grep -E "hpo/(gp|acquisition)/|LBFGS" | sort -u | tr "\n" " " || true)
printf "\nGP, L-BFGS-B and acquisition headers included by random_only.cpp: %s\n" "${heavy:-none}"

if [ "$run_suite" = yes ]; then
  rm -rf "$tree/build"
  start=$(date +%s)
  bash "$tree/scripts/test.sh" >"$work/test.log" 2>&1 || { tail -20 "$work/test.log"; exit 1; }
  printf 'Fresh `bash scripts/test.sh` in %s (%s cores): %s s wall\n' "$tree" "$(nproc)" "$(( $(date +%s) - start ))"
fi
