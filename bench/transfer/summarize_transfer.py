#!/usr/bin/env python3
"""Summary of the transfer benchmark (bench/transfer/README.md) as Markdown, with the issue's targets.

Inputs: the runs' CSVs (run_transfer hpo, optuna_transfer.py), header
    family,seed,method,eval_index,value,best_so_far,regret,elapsed_s
and the targets' table (`run_transfer tasks`), header
    family,seed,fstar,fmedian,optimum_method,description

Normalized regret of a run after k evaluations:

    r_k = (best_so_far_k - f*) / (f_median - f*)

f_median: the target's median over 512 uniform random configurations (so r = 1 is a typical
random guess, r = 0 the optimum); f*: the target's optimum from the tasks table, lowered to the
best value any run in the inputs found when that is lower (numerically estimated optima can be
beaten by a hair), so that r >= 0.

Evaluations to threshold: the first k with r_k <= --threshold (default 1e-3, the same for every
family); a run that never reaches it within the budget counts as budget + 1 (41, "not reached").

Printed per family and method: median and 90th percentile (numpy's linear interpolation) over the
seeds of the evaluations to threshold, and of r after 5, 10 and 20 evaluations, the number of runs
that reached the threshold, and the median wall time of a run; then the issue's targets, PASS/FAIL
with the numbers:
  families quadratic, hartmann, digits-krr:
    (a) median evaluations to threshold of hpo-bo-warm <= 1/4 of hpo-bo-cold's;
    (b) 90th percentile of r after 10 evaluations of hpo-bo-warm <= hpo-bo-cold's;
    (c) hpo-bo-warm beats optuna-tpe-warm and optuna-cmaes-warm: a lower median number of
        evaluations to threshold, or the same and a lower median r after 10 evaluations;
  family unrelated:
    (d) median evaluations to threshold of hpo-bo-warm <= 1.25 x hpo-bo-cold's.

Example:
    /usr/bin/python3 bench/transfer/summarize_transfer.py --tasks bench/results/raw/transfer_tasks.csv \\
        bench/results/raw/transfer_hpo.csv bench/results/raw/transfer_optuna.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict

import numpy as np

FAMILY_ORDER = ["quadratic", "hartmann", "digits-krr", "unrelated"]
METHOD_ORDER = ["hpo-random-cold", "hpo-random-warm", "hpo-bo-cold", "hpo-bo-warm", "optuna-tpe-cold",
                "optuna-tpe-warm", "optuna-cmaes-cold", "optuna-cmaes-warm"]
RELATED = ["quadratic", "hartmann", "digits-krr"]
CONTROL = ["unrelated"]
CHECKPOINTS = (5, 10, 20)


def load_runs(paths):
    """-> runs[(family, seed, method)] = list of best_so_far by eval (index 0 = eval 1), elapsed."""
    rows: dict = defaultdict(dict)
    elapsed: dict = {}
    for path in paths:
        with open(path, newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"family", "seed", "method", "eval_index", "best_so_far", "elapsed_s"} - set(reader.fieldnames or [])
            if missing:
                sys.exit(f"{path}: missing columns {sorted(missing)}")
            for row in reader:
                key = (row["family"], int(row["seed"]), row["method"])
                k = int(row["eval_index"])
                if k in rows[key]:
                    sys.exit(f"{path}: duplicate row for {key} eval {k}")
                rows[key][k] = float(row["best_so_far"])
                elapsed[key] = max(elapsed.get(key, 0.0), float(row["elapsed_s"]))
    runs = {}
    for key, by_k in rows.items():
        n = max(by_k)
        if sorted(by_k) != list(range(1, n + 1)):
            sys.exit(f"run {key} has missing evaluations")
        runs[key] = [by_k[k] for k in range(1, n + 1)]
    return runs, elapsed


def load_tasks(path):
    with open(path, newline="") as fh:
        return {(r["family"], int(r["seed"])): (float(r["fstar"]), float(r["fmedian"])) for r in csv.DictReader(fh)}


def pct(values, q):
    return float(np.percentile(np.asarray(values, dtype=float), q))


def fmt_regret(v):
    if v == 0:
        return "0"
    return f"{v:.1e}"


def fmt_evals(v, budget):
    if v > budget:
        return f"{budget + 1}*"
    return f"{v:.1f}".rstrip("0").rstrip(".")


def run_statistics(runs, elapsed, tasks, threshold, budget):
    """Per (family, method), lists over seeds: evaluations to `threshold` ("evals"), "seeds", the
    normalized regret at each checkpoint ("r<c>") and "time"; and how many targets' f* was lowered
    to the best value some run found (the optima are numerical estimates)."""
    best_found: dict = {}
    for (family, seed, _method), curve in runs.items():
        best_found[(family, seed)] = min(best_found.get((family, seed), float("inf")), min(curve))

    stats: dict = defaultdict(lambda: defaultdict(list))
    lowered = 0
    for (family, seed, method), curve in sorted(runs.items()):
        if (family, seed) not in tasks:
            sys.exit(f"no task row for {family} seed {seed}")
        fstar, fmedian = tasks[(family, seed)]
        if best_found[(family, seed)] < fstar:
            lowered += method == "hpo-bo-cold"
            fstar = best_found[(family, seed)]
        gap = fmedian - fstar
        if not gap > 0:
            sys.exit(f"{family} seed {seed}: median {fmedian} not above the optimum {fstar}")
        r = [(b - fstar) / gap for b in curve]
        if len(r) < budget:
            sys.exit(f"run {(family, seed, method)} has {len(r)} evaluations, fewer than --budget {budget}")
        r = r[:budget]
        s = stats[(family, method)]
        s["evals"].append(next((k + 1 for k, v in enumerate(r) if v <= threshold), budget + 1))
        s["seeds"].append(seed)
        for c in CHECKPOINTS:
            s[f"r{c}"].append(r[c - 1])
        s["time"].append(elapsed[(family, seed, method)])
    return stats, lowered


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", nargs="+", help="run CSVs")
    ap.add_argument("--tasks", required=True, help="targets' table from `run_transfer tasks`")
    ap.add_argument("--threshold", type=float, default=1e-3, help="normalized regret threshold (default 1e-3)")
    ap.add_argument("--budget", type=int, default=40)
    args = ap.parse_args(argv)

    runs, elapsed = load_runs(args.csv)
    tasks = load_tasks(args.tasks)
    budget = args.budget

    stats, lowered = run_statistics(runs, elapsed, tasks, args.threshold, budget)

    families = [f for f in FAMILY_ORDER if any(k[0] == f for k in stats)]
    methods_seen = {k[1] for k in stats}
    methods = [m for m in METHOD_ORDER if m in methods_seen] + sorted(methods_seen - set(METHOD_ORDER))

    def med(family, method, key):
        return pct(stats[(family, method)][key], 50)

    def p90(family, method, key):
        return pct(stats[(family, method)][key], 90)

    print(f"Normalized regret r = (best - f*) / (f_median - f*); threshold r <= {args.threshold:g} for every family; "
          f"budget {budget}; runs that never reach the threshold count as {budget + 1} (shown `{budget + 1}*`).")
    print(f"f* was lowered to the best value found by some run on {lowered} target(s) (numerically estimated optima).")
    print()
    for family in families:
        n_seeds = len(stats[(family, methods[0])]["seeds"]) if (family, methods[0]) in stats else 0
        print(f"### {family} ({n_seeds} seeds)")
        print()
        print("| method | evals to r ≤ thr: median | p90 | reached | r@5 median | p90 | r@10 median | p90 | "
              "r@20 median | p90 | time/run (s) |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for method in methods:
            if (family, method) not in stats:
                continue
            s = stats[(family, method)]
            n_reached = sum(1 for e in s["evals"] if e <= budget)
            cells = [method, fmt_evals(med(family, method, "evals"), budget), fmt_evals(p90(family, method, "evals"), budget),
                     f"{n_reached}/{len(s['evals'])}"]
            for c in CHECKPOINTS:
                cells += [fmt_regret(med(family, method, f"r{c}")), fmt_regret(p90(family, method, f"r{c}"))]
            cells.append(f"{med(family, method, 'time'):.2f}")
            print("| " + " | ".join(cells) + " |")
        print()

    print("### Targets")
    print()
    results = []

    def have(family, *ms):
        return all((family, m) in stats for m in ms)

    for family in RELATED:
        if not have(family, "hpo-bo-cold", "hpo-bo-warm"):
            continue
        warm, cold = med(family, "hpo-bo-warm", "evals"), med(family, "hpo-bo-cold", "evals")
        ok = warm <= 0.25 * cold
        results.append(ok)
        print(f"- {'PASS' if ok else 'FAIL'} {family} (a): median evaluations to threshold, warm BO {fmt_evals(warm, budget)} "
              f"<= 1/4 x cold BO {fmt_evals(cold, budget)} = {0.25 * cold:g}")
        warm, cold = p90(family, "hpo-bo-warm", "r10"), p90(family, "hpo-bo-cold", "r10")
        ok = warm <= cold
        results.append(ok)
        print(f"- {'PASS' if ok else 'FAIL'} {family} (b): p90 regret after 10, warm BO {fmt_regret(warm)} <= cold BO {fmt_regret(cold)}")
        for peer in ("optuna-tpe-warm", "optuna-cmaes-warm"):
            if not have(family, peer):
                continue
            we, pe = med(family, "hpo-bo-warm", "evals"), med(family, peer, "evals")
            wr, pr = med(family, "hpo-bo-warm", "r10"), med(family, peer, "r10")
            ok = we < pe or (we == pe and wr < pr)
            results.append(ok)
            print(f"- {'PASS' if ok else 'FAIL'} {family} (c): warm BO beats {peer}: median evaluations "
                  f"{fmt_evals(we, budget)} vs {fmt_evals(pe, budget)}, median regret after 10 {fmt_regret(wr)} vs {fmt_regret(pr)}")
    for family in CONTROL:
        if not have(family, "hpo-bo-cold", "hpo-bo-warm"):
            continue
        warm, cold = med(family, "hpo-bo-warm", "evals"), med(family, "hpo-bo-cold", "evals")
        ok = warm <= 1.25 * cold
        results.append(ok)
        print(f"- {'PASS' if ok else 'FAIL'} {family} (d): median evaluations to threshold, warm BO {fmt_evals(warm, budget)} "
              f"<= 1.25 x cold BO {fmt_evals(cold, budget)} = {1.25 * cold:g}")
    print()
    print(f"{sum(results)} of {len(results)} targets pass.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
