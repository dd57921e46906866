#!/usr/bin/env bash
# Builds and runs the flagship example, examples/transfer_mlp.cpp (under a minute on two cores;
# `bash scripts/demo.sh --quick` takes a few seconds). Extra arguments go to the example; its
# journals go to transfer_mlp_out/ in the checkout. Ends by writing the report of the first seed's
# cold and warm searches (hpo-report) and printing its path.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/packages.sh
hpo_ensure_packages
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DHPO_BUILD_EXAMPLES=ON -DHPO_BUILD_TOOLS=ON
cmake --build build -j "$(nproc)" --target transfer_mlp hpo-report
./build/examples/transfer_mlp "$@"

# The report: cold against warm search (training from scratch), the example's first seed.
out=transfer_mlp_out
seed=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=${2:-$out}; shift ;;
    --seed) seed=${2:-$seed}; shift ;;
  esac
  shift || true
done
./build/tools/hpo-report "$out/cold_scratch.seed$seed.jsonl" "$out/warm_scratch.seed$seed.jsonl" --name cold --name warm \
  --title "MLP on digits 5-9: cold vs warm search (seed $seed)" --value-label "validation accuracy" -o "$out/report.html" >/dev/null
echo
echo "report of the cold and warm searches: $(realpath "$out/report.html")"
