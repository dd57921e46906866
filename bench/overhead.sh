#!/usr/bin/env bash
# Per-ask overhead of hpo's Bayesian optimization (cold and warm-started) beside Optuna TPE's and
# dlib's (where bench/peers/dlib_peer.cpp is built), measured in one run, 6-D, as one table of
# times and ratios.
# Usage: [CPU=k] bash bench/overhead.sh [build-folder] [n1,n2,...]
#   (needs /usr/bin/python3 with python3-optuna; default sizes 50,...,10000)
# Every timed program runs pinned to one CPU (CPU, default the last): on the 2-core CI machines the
# CPUs differ in speed by up to 1.5x for the same program (bench/results/overhead.md), and an
# unpinned table divides times taken on different CPUs.
set -euo pipefail
build="${1:-build}"
sizes="${2:-50,100,200,400,800,1000,2000,5000,10000}"
cd "$(dirname "$0")/.."
cpu="${CPU:-$(($(nproc) - 1))}"
pin=(taskset -c "$cpu")
load_before=$(uptime)
cold_csv=$("${pin[@]}" "$build/bench/bo_overhead" "$sizes")
# What a warm start adds to an ask: the same schedule, warm-started from three sources of 200 trials.
# Its source GPs are fitted once per process (as in a user's process, whatever the study's length),
# timed on their own and printed above the table; every n's asks are timed past that fit.
warm_csv=$("${pin[@]}" "$build/bench/bo_overhead" "$sizes" --warm)
tpe_json=$("${pin[@]}" /usr/bin/python3 bench/peers/optuna_overhead.py --ns "$sizes" --json)
# dlib (global_function_search, find_min_global's engine) is timed only where bench/peers/dlib_peer.cpp
# was built (Debian's libdlib-dev), with bo_overhead's rounds, max(10, n/4), but at most 500: its
# cost grows with each point it is told, so from n = 2,500 on its mean is of its first 500 rounds
# and understates the rest (all 2,500 rounds at n = 10,000 would take about ten minutes).
dlib_csv=""
if [[ -x "$build/bench/dlib_peer" ]]; then dlib_csv=$("${pin[@]}" "$build/bench/dlib_peer" --overhead "$sizes" --rounds 500); fi
load_after=$(uptime)
/usr/bin/python3 - "$cold_csv" "$warm_csv" "$tpe_json" "$dlib_csv" "$load_before" "$load_after" "$cpu" <<'PY'
import csv, io, json, sys
cold = {int(r["n"]): r for r in csv.DictReader(io.StringIO(sys.argv[1]))}
warm = {int(r["n"]): r for r in csv.DictReader(io.StringIO(sys.argv[2]))}
tpe = {int(r["n"]): r for r in json.loads(sys.argv[3])["results"]}
dlib = {int(r["n"]): r for r in csv.DictReader(io.StringIO(sys.argv[4]))}
before, after = sys.argv[5].strip(), sys.argv[6].strip()
print(f"load before: {before}")
print(f"load after:  {after}")
print(f"every program pinned to CPU {sys.argv[7]}")
source_fit = float(next(iter(warm.values()))["source_fit_ms"])
print(f"warm start's one-time fit of its three source GPs (once per process, before the first n): {source_fit:.1f} ms")
print()
print("| n | hpo cold mean ms | hpo cold median ms | hpo warm mean ms | hpo warm median ms | TPE mean ms | TPE median ms "
      "| dlib mean ms | dlib median ms | cold mean / TPE mean (target <= 0.5) | warm mean / cold mean (target <= 2) "
      "| cold mean / dlib mean |")
print("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
for n in sorted(cold):
    c, w, t = cold[n], warm[n], tpe[n]
    cm, wm, tm = float(c["mean_ms_per_ask"]), float(w["mean_ms_per_ask"]), float(t["mean_ms"])
    if n in dlib:
        dm = float(dlib[n]["mean_ms_per_ask"])
        dlib_times, dlib_ratio = f"{dm:.1f} | {float(dlib[n]['median_ms_per_ask']):.1f}", f"{cm / dm:.2f}"
    else:
        dlib_times, dlib_ratio = "not built (needs libdlib-dev) | ", ""
    print(f"| {n} | {cm:.1f} | {float(c['median_ms_per_ask']):.1f} | {wm:.1f} | {float(w['median_ms_per_ask']):.1f} "
          f"| {tm:.1f} | {float(t['median_ms']):.1f} | {dlib_times} | {cm / tm:.2f} | {wm / cm:.2f} | {dlib_ratio} |")
PY
