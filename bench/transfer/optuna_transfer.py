#!/usr/bin/env python3
"""Optuna peers of the transfer benchmark (bench/transfer/README.md).

Evaluates the very same C++ objectives as hpo's runs, through the line server
`run_transfer evaluate --work DIR`, on the targets of the families and seeds, and writes one CSV
row per evaluation:

    family,seed,method,eval_index,value,best_so_far,regret,elapsed_s

Methods (sampler seeded with the target seed s):
    optuna-tpe-cold    TPESampler(seed=s)
    optuna-tpe-warm    TPESampler(seed=s), with study.enqueue_trial() of the sources' top
                       configurations, merged rank by rank across the sources: exactly the
                       initial points of hpo's warm start (hpo::WarmStart::from with default
                       options: 5 points, none closer than 0.05 in the unit cube), which the
                       server reports, so both libraries start from the same configurations.
    optuna-cmaes-cold  CmaEsSampler(seed=s)
    optuna-cmaes-warm  CmaEsSampler(seed=s, source_trials=...) (warm-starting CMA-ES, Nomura et
                       al., AAAI 2021): every completed trial of the source journals, as
                       FrozenTrials (optuna.trial.create_trial). Source values are replaced by
                       their rank within their own source scaled to [0, 1], so that the top 10%
                       that Optuna's get_warm_start_mgd pools are the top 10% of each source,
                       not of whichever source happens to have the lowest offset.
    optuna-tpe-library    as optuna-tpe-warm, with the initial points hpo::WarmStart::from picks
                          from the seed's whole library (bench/transfer/README.md, "The library
                          benchmark"; the all-unrelated library for family `unrelated`).
    optuna-cmaes-library  as optuna-cmaes-warm, with every completed trial of every journal of the
                          library whose parameters are the target's numeric ones by name (others:
                          digits-krr's journals for the 3-D targets, and the reverse, are left out,
                          as hpo leaves them out), each value clipped into the target's range (as
                          hpo clips them): WS-CMA-ES from all of a user's past studies.
CMA-ES handles only numeric parameters: a categorical one (family digits-krr's `kernel`) is sampled
by the sampler's default independent sampler (RandomSampler), and is left out of the source trials
(Optuna rejects source trials whose parameters differ from CMA-ES's numeric search space). Optuna's
defaults are kept otherwise (e.g. the first CMA-ES trial is sampled independently).

Parameters are suggested with the space's bounds and scale (suggest_float / suggest_int with
log=True for log-scaled ones, suggest_categorical). elapsed_s is wall time since the run started
(before create_study), cumulative, taken after study.tell, so it includes the sampler's time and
the round trip to the server.

Example (Debian 12's Optuna 3.1 and cmaes live under /usr/bin/python3):
    /usr/bin/python3 bench/transfer/optuna_transfer.py --server build/bench/transfer/run_transfer \\
        --work bench/results/raw/transfer_work --out bench/results/raw/transfer_optuna.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
import warnings

import optuna

FAMILIES = ["quadratic", "hartmann", "digits-krr", "unrelated"]
# 'all' is the main benchmark's four; the library routes need run_transfer library-sources' work
# directory and are run by name (bench/transfer/run.sh with LIBRARY=1).
METHODS = ["optuna-tpe-cold", "optuna-tpe-warm", "optuna-cmaes-cold", "optuna-cmaes-warm"]
LIBRARY_METHODS = ["optuna-tpe-library", "optuna-cmaes-library"]
HEADER = ["family", "seed", "method", "eval_index", "value", "best_so_far", "regret", "elapsed_s"]


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


def parse_list(text: str, known: list[str], what: str) -> list[str]:
    if text == "all":
        return list(known)
    items = [t.strip() for t in text.split(",") if t.strip()]
    for t in items:
        if t not in known:
            sys.exit(f"unknown {what} {t!r}; known: {', '.join(known)}")
    return items


class Server:
    """The C++ objectives, behind `run_transfer evaluate`."""

    def __init__(self, binary: str, work: str):
        self.proc = subprocess.Popen([binary, "evaluate", "--work", work], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)

    def request(self, message: dict) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("run_transfer evaluate exited")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"run_transfer evaluate: {answer['error']} (request {message})")
        return answer

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


def distributions(space: list[dict]) -> dict:
    out = {}
    for p in space:
        if p["kind"] == "real":
            out[p["name"]] = optuna.distributions.FloatDistribution(p["low"], p["high"], log=p["scale"] == "log")
        elif p["kind"] == "integer":
            out[p["name"]] = optuna.distributions.IntDistribution(int(p["low"]), int(p["high"]),
                                                                  log=p["scale"] == "log")
        else:
            out[p["name"]] = optuna.distributions.CategoricalDistribution(p["categories"])
    return out


def read_journal(path: str) -> list[tuple[dict, float]]:
    """Completed trials of an hpo journal (JSONL) as (config, value), oriented to minimize."""
    trials = []
    sign = 1.0
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            entry = json.loads(line)
            if entry.get("type") == "study":
                sign = 1.0 if entry.get("direction", "minimize") == "minimize" else -1.0
            elif entry.get("type") == "trial" and entry.get("state") == "completed":
                trials.append((entry["config"], sign * float(entry["value"])))
    return trials


def cmaes_source_trials(paths: list[str], dists: dict) -> list:
    numeric = {k: d for k, d in dists.items()
               if not isinstance(d, optuna.distributions.CategoricalDistribution)}
    frozen = []
    for path in paths:
        trials = read_journal(path)
        if not trials or any(k not in trials[0][0] for k in numeric):
            continue  # a journal of another space (only the library holds any)
        order = sorted(range(len(trials)), key=lambda i: trials[i][1])
        rank = {i: r / max(1, len(trials) - 1) for r, i in enumerate(order)}
        for i, (config, _value) in enumerate(trials):
            params = {k: min(max(config[k], numeric[k].low), numeric[k].high) for k in numeric}
            frozen.append(optuna.trial.create_trial(params=params, distributions=numeric, value=rank[i]))
    return frozen


def make_study(method: str, seed: int, info: dict, dists: dict):
    if method.startswith("optuna-tpe"):
        sampler = optuna.samplers.TPESampler(seed=seed)
    elif method == "optuna-cmaes-cold":
        sampler = optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    elif method in ("optuna-cmaes-warm", "optuna-cmaes-library"):
        sampler = optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False,
                                               source_trials=cmaes_source_trials(info["sources"], dists))
    else:
        raise ValueError(method)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    if method in ("optuna-tpe-warm", "optuna-tpe-library"):
        for config in info["initial_points"]:
            study.enqueue_trial(config)
    return study


def run_one(server: Server, family: str, seed: int, method: str, budget: int, writer) -> float:
    info = server.request({"op": "info", "family": family, "seed": seed, "library": method.endswith("-library")})
    dists = distributions(info["space"])
    t0 = time.perf_counter()
    study = make_study(method, seed, info, dists)
    best = float("inf")
    for i in range(1, budget + 1):
        trial = study.ask(fixed_distributions=dists)
        config = dict(trial.params)
        value = server.request({"op": "eval", "family": family, "seed": seed, "config": config})["value"]
        study.tell(trial, value)
        best = min(best, value)
        writer.writerow([family, seed, method, i, repr(value), repr(best), repr(best - info["fstar"]),
                         f"{time.perf_counter() - t0:.6f}"])
    return best - info["fstar"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True, help="path of the run_transfer binary")
    ap.add_argument("--work", required=True, help="work directory of `run_transfer sources`")
    ap.add_argument("--families", default="all", help=f"comma list of {', '.join(FAMILIES)}, or 'all'")
    ap.add_argument("--seeds", default="0-19")
    ap.add_argument("--budget", type=int, default=40)
    ap.add_argument("--methods", default="all",
                    help=f"comma list of {', '.join(METHODS + LIBRARY_METHODS)}, or 'all' (the first four)")
    ap.add_argument("--out", default="-", help="CSV file to write ('-' = stdout)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    optuna.logging.disable_default_handler()
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

    families = parse_list(args.families, FAMILIES, "family")
    methods = METHODS if args.methods == "all" else parse_list(args.methods, METHODS + LIBRARY_METHODS, "method")
    seeds = parse_seeds(args.seeds)
    server = Server(args.server, args.work)
    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="")
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        t_all = time.perf_counter()
        for family in families:
            for method in methods:
                t = time.perf_counter()
                for seed in seeds:
                    run_one(server, family, seed, method, args.budget, writer)
                    out.flush()
                if not args.quiet:
                    print(f"[optuna_transfer] {method} {family}: {len(seeds)} seeds in "
                          f"{time.perf_counter() - t:.1f}s", file=sys.stderr, flush=True)
        if not args.quiet:
            print(f"[optuna_transfer] all done in {time.perf_counter() - t_all:.1f}s", file=sys.stderr, flush=True)
    finally:
        server.close()
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
