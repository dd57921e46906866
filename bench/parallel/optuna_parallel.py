#!/usr/bin/env python3
"""Optuna's parallel TPE for the sample-efficiency benchmark of parallel trials (issue 16).

Runs `TPESampler(seed=s, constant_liar=True)` with `study.optimize(n_jobs=4)` on the shifted
benchmark instances of bench/functions.py, each trial sleeping a duration drawn from U[lo, hi] ms
by the generator run_parallel.cpp uses (splitmix64 of the function's name, the seed and the trial
number), so that both sides see the same durations per trial. Writes bench/run_hpo's CSV:

    peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s

one row per finished trial in the order trials finish (eval_index from 1), written by a study
callback under a lock; peer "optuna-tpe-cl-j<jobs>". elapsed_s is wall time since just before
`create_study`. With n_jobs > 1 the order in which trials finish, and so what the sampler sees at
each ask, depends on timing: runs are reproducible in distribution, not exactly.

Example (Debian 12's Optuna 3.1 lives under /usr/bin/python3):
    nice -n 10 /usr/bin/python3 bench/parallel/optuna_parallel.py --out bench/results/raw/optuna_cl_j4.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import threading
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import functions as bf  # noqa: E402  (bench/functions.py)

import optuna  # noqa: E402

MASK = (1 << 64) - 1
HEADER = ["peer", "function", "dim", "seed", "eval_index", "value", "best_so_far", "elapsed_s"]


def fnv1a(text: str) -> int:
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def trial_duration_ms(function: str, seed: int, trial: int, lo: float, hi: float) -> float:
    """The same draw as trial_duration_ms in run_parallel.cpp."""
    key = bf.splitmix64(bf.splitmix64(fnv1a(function) ^ (seed & MASK)) ^ trial)
    u = (key >> 11) * 2.0 ** -53
    return lo + (hi - lo) * u


def parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part[1:]:
            a, b = part.split("-", 1)
            seeds.extend(range(int(a), int(b) + 1))
        else:
            seeds.append(int(part))
    return seeds


def run_one(f: bf.TestFunction, seed: int, budget: int, jobs: int, lo: float, hi: float, writer, peer: str) -> float:
    bounds = f.shifted_bounds(seed)
    lock = threading.Lock()
    state = {"index": 0, "best": float("inf")}

    def objective(trial: optuna.Trial) -> float:
        x = [trial.suggest_float(f"x{j}", a, b) for j, (a, b) in enumerate(bounds)]
        time.sleep(trial_duration_ms(f.name, seed, trial.number, lo, hi) / 1000.0)
        return f(x)

    t0 = time.perf_counter()

    def record(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        elapsed = time.perf_counter() - t0
        with lock:
            state["index"] += 1
            if trial.value is not None:
                state["best"] = min(state["best"], trial.value)
            writer.writerow([peer, f.name, f.dim, seed, state["index"], repr(trial.value), repr(state["best"]),
                             f"{elapsed:.6f}"])

    study = optuna.create_study(direction="minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed, constant_liar=True))
    study.optimize(objective, n_trials=budget, n_jobs=jobs, callbacks=[record])
    return state["best"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--functions", default="all", help="comma list of function names, or 'all'")
    ap.add_argument("--seeds", default="0-19", help="e.g. '0-19' or '0,1,5' (default 0-19)")
    ap.add_argument("--budget", type=int, default=100, help="trials per run (default 100)")
    ap.add_argument("--jobs", type=int, default=4, help="study.optimize's n_jobs (default 4)")
    ap.add_argument("--sleep-ms", default="5,20", help="lo,hi of the per-trial sleep in ms (default 5,20)")
    ap.add_argument("--out", default="-", help="CSV file to write ('-' = stdout)")
    args = ap.parse_args(argv)

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    optuna.logging.disable_default_handler()
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    lo, hi = (float(v) for v in args.sleep_ms.split(","))
    names = list(bf.BY_NAME) if args.functions == "all" else [n.strip() for n in args.functions.split(",")]
    functions = [bf.get(n) for n in names]
    peer = f"optuna-tpe-cl-j{args.jobs}"

    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="")
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for f in functions:
            for s in parse_seeds(args.seeds):
                t = time.perf_counter()
                best = run_one(f, s, args.budget, args.jobs, lo, hi, writer, peer)
                out.flush()
                print(f"[optuna_parallel] {peer} {f.name} seed {s}: best {best!r} (regret {best - f.optimum:.3g}), "
                      f"{time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
