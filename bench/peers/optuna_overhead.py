#!/usr/bin/env python3
"""Per-ask overhead of Optuna's default TPESampler as the history grows.

For each n in --ns (default 50, 100, 200, 400, 800): a fresh in-memory study with
TPESampler(seed=--seed) gets n completed trials at uniform random points of [0, 1]^6 evaluated on
Hartmann-6 (`study.add_trials`), then --repeats asks are timed (after one untimed warm-up ask).
One timed "ask" is `study.ask(fixed_distributions={x0..x5: FloatDistribution(0, 1)})`, which
samples all six parameters, i.e. the whole sampler cost of one trial.  Each asked trial is then
told as FAIL, so the study keeps exactly n COMPLETE trials (the default TPE ignores FAIL trials).
Reported: median and mean (and min/max) milliseconds per ask.

Usage:
    nice -n 10 /usr/bin/python3 bench/peers/optuna_overhead.py [--json] [--repeats 10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import functions as bf  # noqa: E402  (bench/functions.py)

import optuna  # noqa: E402
from optuna.distributions import FloatDistribution  # noqa: E402
from optuna.trial import TrialState, create_trial  # noqa: E402

DIM = 6


def measure(n: int, repeats: int, seed: int) -> dict:
    dists = {f"x{j}": FloatDistribution(0.0, 1.0) for j in range(DIM)}
    rng = random.Random(1000 + n)
    trials = []
    for _ in range(n):
        params = {name: rng.random() for name in dists}
        value = bf.hartmann6([params[f"x{j}"] for j in range(DIM)])
        trials.append(create_trial(params=params, distributions=dists, value=value))
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.add_trials(trials)

    def one_ask() -> float:
        t = time.perf_counter()
        trial = study.ask(fixed_distributions=dists)
        dt = time.perf_counter() - t
        study.tell(trial, state=TrialState.FAIL)
        return dt

    one_ask()  # warm-up (imports, caches)
    times_ms = [1e3 * one_ask() for _ in range(repeats)]
    completed = len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
    assert completed == n, (completed, n)
    return {"n": n, "median_ms": statistics.median(times_ms), "mean_ms": statistics.fmean(times_ms),
            "min_ms": min(times_ms),
            "max_ms": max(times_ms), "asks": repeats}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ns", default="50,100,200,400,800", help="completed trials in the study")
    ap.add_argument("--repeats", type=int, default=10, help="timed asks per n (default 10)")
    ap.add_argument("--seed", type=int, default=0, help="TPESampler seed (default 0)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    args = ap.parse_args(argv)

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    optuna.logging.disable_default_handler()
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

    ns = [int(v) for v in args.ns.split(",") if v.strip()]
    results = [measure(n, args.repeats, args.seed) for n in ns]
    meta = {"sampler": "TPESampler(seed=%d) (defaults)" % args.seed, "space": "[0,1]^6",
            "history": "n COMPLETE trials, uniform random points, Hartmann-6 values (study.add_trials)",
            "optuna": optuna.__version__, "python": platform.python_version(),
            "machine": platform.machine()}
    if args.json:
        print(json.dumps({**meta, "results": results}, indent=2))
    else:
        print(f"Optuna {optuna.__version__} {meta['sampler']}, {meta['space']}, "
              f"median over {args.repeats} asks (one ask = sampling all 6 parameters)\n")
        print("| completed trials n | median ms / ask | min ms | max ms |")
        print("|--:|--:|--:|--:|")
        for r in results:
            print(f"| {r['n']} | {r['median_ms']:.2f} | {r['min_ms']:.2f} | {r['max_ms']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
