#!/usr/bin/env bash
# Per-ask overhead of hpo's Bayesian optimization beside Optuna TPE's, measured in one run, 6-D.
# Usage: bash bench/overhead.sh [build-folder]   (needs /usr/bin/python3 with python3-optuna)
set -euo pipefail
build="${1:-build}"
cd "$(dirname "$0")/.."
hpo_csv=$("$build/bench/bo_overhead")
tpe_json=$(/usr/bin/python3 bench/peers/optuna_overhead.py --json)
/usr/bin/python3 - "$hpo_csv" "$tpe_json" <<'PY'
import csv, io, json, sys
hpo = {int(r["n"]): r for r in csv.DictReader(io.StringIO(sys.argv[1]))}
tpe_data = json.loads(sys.argv[2])
rows = tpe_data["results"] if isinstance(tpe_data, dict) and "results" in tpe_data else tpe_data
tpe = {int(r["n"]): float(r["median_ms"]) for r in rows}
print("| n | hpo BO mean ms/ask (schedule-averaged) | hpo BO median ms | Optuna TPE median ms/ask | ratio BO mean / TPE |")
print("|--:|--:|--:|--:|--:|")
for n in sorted(hpo):
    mean = float(hpo[n]["mean_ms_per_ask"])
    print(f"| {n} | {mean:.1f} | {float(hpo[n]['median_ms_per_ask']):.1f} | {tpe.get(n, float('nan')):.1f} | {mean / tpe[n]:.2f} |")
PY

# What a warm start adds to an ask: the same schedule, warm-started from three sources of 200 trials.
sizes=$(/usr/bin/python3 -c 'import csv,io,sys; print(",".join(r["n"] for r in csv.DictReader(io.StringIO(sys.argv[1]))))' "$hpo_csv")
warm_csv=$("$build/bench/bo_overhead" "$sizes" --warm)
/usr/bin/python3 - "$hpo_csv" "$warm_csv" <<'PY'
import csv, io, sys
cold = {int(r["n"]): r for r in csv.DictReader(io.StringIO(sys.argv[1]))}
warm = {int(r["n"]): r for r in csv.DictReader(io.StringIO(sys.argv[2]))}
print()
print("| n | warm BO mean ms/ask | warm first ask ms | warm median ms | ratio warm / cold mean | ratio warm / cold median |")
print("|--:|--:|--:|--:|--:|--:|")
for n in sorted(warm):
    w, c = warm[n], cold[n]
    print(f"| {n} | {float(w['mean_ms_per_ask']):.1f} | {float(w['first_ask_ms']):.0f} | {float(w['median_ms_per_ask']):.1f} | "
          f"{float(w['mean_ms_per_ask']) / float(c['mean_ms_per_ask']):.1f} | {float(w['median_ms_per_ask']) / float(c['median_ms_per_ask']):.1f} |")
PY
