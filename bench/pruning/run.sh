#!/usr/bin/env bash
# The pruning benchmark: every method on both objectives for seeds 1-10, then the summary.
# Usage: bash bench/pruning/run.sh [BUILD_DIR]   (results in BUILD_DIR/pruning/, table on stdout)
# Two searches at a time (HPO_PRUNING_JOBS), niced: the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
runner=$build/bench/pruning/run_pruning
out=$build/pruning
mkdir -p "$out"
[ -x "$runner" ] || { echo "build run_pruning first: cmake --build $build --target run_pruning" >&2; exit 1; }
budget=${HPO_PRUNING_BUDGET:-4000}
seeds=${HPO_PRUNING_SEEDS:-"1 2 3 4 5 6 7 8 9 10"}
jobs=()
# The comparison first, the cheap synthetic families before the MLP; then BO's pruned trials left
# out of its model (the measurement behind PrunedTrials::LastValue), on the MLP for the seeds in
# HPO_PRUNING_DESIGN_SEEDS only (it costs as much as the rest of the MLP runs).
for objective in synthetic adversarial mlp; do
  for method in bo bo_asha bo_hyperband tpe_hyperband bo_median random_asha tpe_median; do
    side=hpo
    [[ $method == tpe_* ]] && side=optuna
    for seed in $seeds; do jobs+=("$side $objective $method $seed"); done
  done
done
design_seeds=${HPO_PRUNING_DESIGN_SEEDS:-"1 2 3 4 5"}
for method in bo_asha_excluded bo_hyperband_excluded; do
  for seed in $seeds; do jobs+=("hpo synthetic $method $seed"); done
  for seed in $design_seeds; do jobs+=("hpo mlp $method $seed"); done
done
run_one() {  # run_one side objective method seed
  local file="$out/$2.$3.$4.json"
  [ -s "$file" ] && return 0
  if [ "$1" = hpo ]; then
    nice -n 10 "$runner" hpo --objective "$2" --method "$3" --seed "$4" --budget "$budget" > "$file.tmp" &&
      mv "$file.tmp" "$file"
  else
    nice -n 10 /usr/bin/python3 bench/pruning/optuna_pruning.py --binary "$runner" --objective "$2" --method "$3" \
      --seed "$4" --budget "$budget" > "$file.tmp" && mv "$file.tmp" "$file"
  fi
}
export -f run_one
export runner out budget
printf '%s\n' "${jobs[@]}" | xargs -P "${HPO_PRUNING_JOBS:-2}" -L 1 bash -c 'run_one $0 $1 $2 $3'
/usr/bin/python3 bench/pruning/summarize.py "$out"/*.json
