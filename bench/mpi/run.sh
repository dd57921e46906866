#!/usr/bin/env bash
# Runs bench/mpi/mpi_sleep with -np 1, 2, 4, 8 (rank 0 also evaluating, then only coordinating),
# each REPEATS times (default 3), and prints a Markdown table: median wall time, speed-up over
# -np 1 (one evaluator), and the coordinator's busy time per trial from hpo::mpi's summary line.
# Usage: bash bench/mpi/run.sh [BUILD_DIR] [REPEATS]
set -euo pipefail
build="${1:-build}"
repeats="${2:-3}"
program="$build/bench/mpi/mpi_sleep"
[ -x "$program" ] || { echo "no $program: configure with MPI and build the target mpi_sleep"; exit 1; }
flags=(--oversubscribe)
[ "$(id -u)" = 0 ] && flags+=(--allow-run-as-root)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

run() {  # run NP EXTRA_FLAG -> "wall busy ask" medians
  local np=$1 extra=$2 walls="" busy="" asking=""
  for _ in $(seq "$repeats"); do
    mpirun "${flags[@]}" -np "$np" "$program" --progress $extra 2>"$log" >"$log.out"
    walls+="$(awk '{print $8}' "$log.out")"$'\n'
    if grep -q "^hpo::mpi:" "$log"; then
      busy+="$(sed -n 's/.*coordinator busy \([0-9.]*\) ms per trial.*/\1/p' "$log")"$'\n'
      asking+="$(sed -n 's/.*(asking \([0-9.]*\) ms.*/\1/p' "$log")"$'\n'
    fi
  done
  rm -f "$log.out"
  echo "$(printf '%s' "$walls" | median) $(printf '%s' "${busy:-nan}" | median) $(printf '%s' "${asking:-nan}" | median)"
}

read -r base _ _ < <(run 1 "")
echo "| -np | rank 0 evaluates | evaluators | wall s (median of $repeats) | speed-up vs -np 1 | coordinator busy ms/trial | of which asking ms/trial |"
echo "|--:|:-:|--:|--:|--:|--:|--:|"
echo "| 1 | yes | 1 | $base | 1.00 | (all serial) | |"
for np in 2 4 8; do
  for mode in yes no; do
    extra=""; evaluators=$np
    [ "$mode" = no ] && extra="--no-coordinator-evaluation" && evaluators=$((np - 1))
    read -r wall busy asking < <(run "$np" "$extra")
    echo "| $np | $mode | $evaluators | $wall | $(awk -v b="$base" -v w="$wall" 'BEGIN {printf "%.2f", b / w}') | $busy | $asking |"
  done
done
