#!/usr/bin/env python3
"""Issue 16's sample-efficiency targets from bench/run_hpo-format CSVs (bench/results/parallel.md).

Prints one Markdown table: per function, the median log10 simple regret (floored at 1e-6, as
bench/summarize.py) at `--at` evaluations of every peer, over the seeds every peer has run (so that
peers run on fewer seeds are compared on the same ones), then the two targets:
  - parallel BO (`--parallel`) within `--margin` of sequential BO (`--sequential`) on at least 5 of 7;
  - parallel BO ahead of (strictly lower than) `--rival` on 7 of 7.
A run with fewer than `--at` finished trials counts at its last one.

Example:
    /usr/bin/python3 bench/parallel/compare.py bench/results/raw/base_bo_seq.csv \\
        bench/results/raw/par_j4_*.csv bench/results/raw/optuna_cl_j4.csv \\
        --sequential hpo-bo --parallel hpo-bo-j4-believer --rival optuna-tpe-cl-j4
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import functions as bf  # noqa: E402
import summarize  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", nargs="+")
    ap.add_argument("--at", type=int, default=100)
    ap.add_argument("--sequential", default="hpo-bo")
    ap.add_argument("--parallel", default="hpo-bo-j4-believer")
    ap.add_argument("--rival", default="optuna-tpe-cl-j4")
    ap.add_argument("--margin", type=float, default=0.3)
    ap.add_argument("--peers", default="", help="comma list: only these peers, in this order (default: all)")
    args = ap.parse_args(argv)

    runs = summarize.load(args.csv)
    peers = [p for p in args.peers.split(",") if p] or sorted({p for p, _, _ in runs})
    functions = summarize.ordered_functions({f for _, f, _ in runs})
    seeds = {}
    for fn in functions:
        sets = [{s for p, f, s in runs if p == peer and f == fn} for peer in peers]
        seeds[fn] = set.intersection(*sets) if sets else set()

    def median(peer, fn):
        if not seeds[fn]:
            return float("nan")
        values = []
        for s in sorted(seeds[fn]):
            evals = runs[(peer, fn, s)]
            best = min(evals[k][0] for k in evals if k <= args.at)
            values.append(summarize.log_regret(best, bf.get(fn).optimum))
        return summarize.median(values)

    table = {(p, fn): median(p, fn) for p in peers for fn in functions}
    print(f"Median log10 regret at {args.at} evaluations (lower is better; seeds per function in brackets).\n")
    print("| function | " + " | ".join(peers) + " |")
    print("|---|" + "--:|" * len(peers))
    for fn in functions:
        best = min((table[(p, fn)] for p in peers), default=None)
        cells = [("**%s**" if table[(p, fn)] == best else "%s") % summarize.fmt(table[(p, fn)]) for p in peers]
        print(f"| {fn} [{len(seeds[fn])}] | " + " | ".join(cells) + " |")

    run = [fn for fn in functions if seeds[fn]]
    if len(run) < len(functions):
        print(f"\nnot run by every peer (left out below): {', '.join(f for f in functions if f not in run)}")
    functions = run
    if args.parallel in peers and args.sequential in peers:
        close = [fn for fn in functions if table[(args.parallel, fn)] <= table[(args.sequential, fn)] + args.margin]
        print(f"\n{args.parallel} within {args.margin} of {args.sequential}: {len(close)} of {len(functions)} "
              f"(target >= 5); missed on: {', '.join(sorted(set(functions) - set(close))) or 'none'}")
    if args.parallel in peers and args.rival in peers:
        ahead = [fn for fn in functions if table[(args.parallel, fn)] < table[(args.rival, fn)]]
        print(f"{args.parallel} ahead of {args.rival}: {len(ahead)} of {len(functions)} (target 7); "
              f"not ahead on: {', '.join(sorted(set(functions) - set(ahead))) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
