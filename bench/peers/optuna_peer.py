#!/usr/bin/env python3
"""Optuna peers for hpo's sample-efficiency benchmark.

Runs Optuna's samplers on the shifted benchmark instances of bench/functions.py and writes one
CSV row per evaluation:

    peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s

Peers (sampler seeded with the instance seed s):
    optuna-tpe      TPESampler(seed=s)
    optuna-tpe-mv   TPESampler(seed=s, multivariate=True)
    optuna-cmaes    CmaEsSampler(seed=s)
    optuna-random   RandomSampler(seed=s)

Each parameter x{j} is a float in the shifted box of seed s (`suggest_float(lo, hi)`, linear).
elapsed_s is wall time (time.perf_counter) since the run started, measured just before
`create_study`, cumulative, and taken after `study.tell` of the evaluation, so it includes the
sampler's time.  Driven by ask/tell (same sampling as `study.optimize`).

--placement shifted|uniform|corner: the instances' boxes, the same as run_hpo's and dlib_peer's
(bench/placement.hpp, drawn by bench/functions.py's twin of hpo::Rng).
--noise L > 0: the sampler sees f(x) + L * noise_scale(f) * noise_normal(seed, k) at evaluation k
(bench/functions.py, the same numbers as run_hpo --noise), and best_so_far is the noiseless value
of the incumbent, the trial with the best observed value (summarize.py --incumbent).

Example (Debian 12's Optuna 3.1 lives under /usr/bin/python3):
    nice -n 10 /usr/bin/python3 bench/peers/optuna_peer.py --out bench/results/raw/optuna.csv
"""

from __future__ import annotations

import argparse
import csv
import functools
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import functions as bf  # noqa: E402  (bench/functions.py)

import optuna  # noqa: E402

PEERS = {
    "optuna-tpe": lambda s: optuna.samplers.TPESampler(seed=s),
    "optuna-tpe-mv": lambda s: optuna.samplers.TPESampler(seed=s, multivariate=True),
    "optuna-cmaes": lambda s: optuna.samplers.CmaEsSampler(seed=s),
    "optuna-random": lambda s: optuna.samplers.RandomSampler(seed=s),
}

HEADER = ["peer", "function", "dim", "seed", "eval_index", "value", "best_so_far", "elapsed_s"]


def parse_seeds(text: str) -> list[int]:
    """'0-19', '0,3,5', '0-4,10' -> list of ints."""
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


def parse_list(text: str, known: list[str], what: str) -> list[str]:
    if text == "all":
        return list(known)
    items = [t.strip() for t in text.split(",") if t.strip()]
    for t in items:
        if t not in known:
            sys.exit(f"unknown {what} {t!r}; known: {', '.join(known)}")
    return items


@functools.lru_cache(maxsize=None)
def noise_scale(name: str) -> float:
    """bf.noise_scale, once per function (4,096 evaluations in Python)."""
    return bf.noise_scale(bf.get(name))


def run_one(peer: str, f: bf.TestFunction, seed: int, budget: int, writer, noise: float = 0.0,
            placement: str = "shifted") -> float:
    bounds = bf.instance_bounds(f, seed, placement)
    noise_sd = noise * noise_scale(f.name) if noise > 0 else 0.0
    best_observed = float("inf")
    t0 = time.perf_counter()
    study = optuna.create_study(direction="minimize", sampler=PEERS[peer](seed))
    best = float("inf")
    for i in range(1, budget + 1):
        trial = study.ask()
        x = [trial.suggest_float(f"x{j}", lo, hi) for j, (lo, hi) in enumerate(bounds)]
        true_value = f(x)
        value = true_value + noise_sd * bf.noise_normal(seed, i) if noise_sd > 0 else true_value
        study.tell(trial, value)
        elapsed = time.perf_counter() - t0
        if value < best_observed:
            best_observed, best = value, true_value
        writer.writerow([peer, f.name, f.dim, seed, i, repr(value), repr(best), f"{elapsed:.6f}"])
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--functions", default="all", help="comma list of function names, or 'all'")
    ap.add_argument("--seeds", default="0-19", help="e.g. '0-19' or '0,1,5' (default 0-19)")
    ap.add_argument("--budget", type=int, default=100, help="evaluations per run (default 100)")
    ap.add_argument("--peers", default="all", help=f"comma list of {', '.join(PEERS)}, or 'all'")
    ap.add_argument("--noise", type=float, default=0.0, help="observation noise level (default 0)")
    ap.add_argument("--placement", default="shifted", choices=bf.PLACEMENTS,
                    help="the instances' boxes, as run_hpo's --placement (default shifted)")
    ap.add_argument("--out", default="-", help="CSV file to write ('-' = stdout)")
    ap.add_argument("--quiet", action="store_true", help="no per-run progress on stderr")
    args = ap.parse_args(argv)

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    optuna.logging.disable_default_handler()
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

    functions = [bf.get(n) for n in parse_list(args.functions, list(bf.BY_NAME), "function")]
    peers = parse_list(args.peers, list(PEERS), "peer")
    seeds = parse_seeds(args.seeds)

    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="")
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        t_all = time.perf_counter()
        for peer in peers:
            t_peer = time.perf_counter()
            for f in functions:
                t_fn = time.perf_counter()
                for s in seeds:
                    run_one(peer, f, s, args.budget, writer, args.noise, args.placement)
                    out.flush()
                if not args.quiet:
                    print(f"[optuna_peer] {peer} {f.name}: {len(seeds)} seeds in "
                          f"{time.perf_counter() - t_fn:.1f}s", file=sys.stderr, flush=True)
            if not args.quiet:
                print(f"[optuna_peer] {peer} total {time.perf_counter() - t_peer:.1f}s",
                      file=sys.stderr, flush=True)
        if not args.quiet:
            print(f"[optuna_peer] all done in {time.perf_counter() - t_all:.1f}s",
                  file=sys.stderr, flush=True)
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
