#!/usr/bin/env python3
"""Summarize benchmark CSVs (ours and peers') as Markdown tables.

Input: one or more CSV files with the header
    peer,function,dim,seed,eval_index,value,best_so_far,elapsed_s
(one row per evaluation, eval_index from 1).

Simple regret of a run after k evaluations = best_so_far[k] - f*, floored at 1e-6, so
log10 regret >= -6 (f* from bench/functions.py).  Printed:

  1. for every function and peer: the median and the 90th percentile (numpy's linear
     interpolation) of log10 regret over the seeds at 20, 50 and 100 evaluations
     (`--checkpoints`); the best median of each column per function in bold;
  2. each peer's rank per function by median log10 regret at 50 evaluations (`--rank-at`;
     lower is better, ties share the mean rank) and its mean rank over the functions;
  3. wall time: median over runs of elapsed_s at the last evaluation.

`--threshold --ours NAME` prints instead a compact win/loss view at 50 evaluations
(`--rank-at`): NAME's median vs every other peer's, and three criteria:
  (a) lower than both TPE variants (optuna-tpe, optuna-tpe-mv) on every function;
  (b) lower than both by at least 0.5 on branin, hartmann3 and hartmann6;
  (c) no higher than the best peer on at least 5 of the 7 functions.
"Peers" for (c) and the table are every peer in the input except NAME and except names starting
with "hpo-" (the library's own optimizers), unless `--against a,b,...` names them.

`--incumbent` reads best_so_far as it stands (the noiseless value of the incumbent in noisy runs,
run_hpo --noise, which can rise) instead of as a running minimum.

Examples:
    /usr/bin/python3 bench/summarize.py bench/results/raw/peers.csv
    /usr/bin/python3 bench/summarize.py bench/results/raw/*.csv --threshold --ours hpo-bo
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import functions as bf  # noqa: E402  (bench/functions.py)

REGRET_FLOOR = 1e-6
TPE_PEERS = ("optuna-tpe", "optuna-tpe-mv")
MARGIN_FUNCTIONS = ("branin", "hartmann3", "hartmann6")
MARGIN = 0.5
MIN_WINS = 5
FUNCTION_ORDER = [f.name for f in bf.REGISTRY]


def load(paths):
    """-> runs[(peer, function, seed)] = {eval_index: (best_so_far, elapsed_s)}."""
    runs: dict = defaultdict(dict)
    for path in paths:
        with open(path, newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"peer", "function", "seed", "eval_index", "best_so_far", "elapsed_s"} - set(
                reader.fieldnames or [])
            if missing:
                sys.exit(f"{path}: missing columns {sorted(missing)}")
            for row in reader:
                key = (row["peer"], row["function"], int(row["seed"]))
                k = int(row["eval_index"])
                if k in runs[key]:
                    sys.exit(f"{path}: duplicate row for {key} eval {k} (same run in two files?)")
                runs[key][k] = (float(row["best_so_far"]), float(row["elapsed_s"]))
    return runs


def log_regret(best: float, fstar: float) -> float:
    return math.log10(max(best - fstar, REGRET_FLOOR))


def collect(runs, at, incumbent=False):
    """-> stats[(peer, function)][k] = list of log10 regrets over seeds at eval k."""
    stats: dict = defaultdict(lambda: defaultdict(list))
    for (peer, fn, _seed), evals in runs.items():
        try:
            fstar = bf.get(fn).optimum
        except KeyError:
            sys.exit(f"unknown function {fn!r} in input")
        # best_so_far is cumulative; recompute the running min defensively anyway, but for
        # noisy runs' incumbents (--incumbent).
        best = math.inf
        for k in sorted(evals):
            best = evals[k][0] if incumbent else min(best, evals[k][0])
            if k in at:
                stats[(peer, fn)][k].append(log_regret(best, fstar))
    return stats


def ordered_functions(names):
    known = [f for f in FUNCTION_ORDER if f in names]
    return known + sorted(set(names) - set(known))


def fmt(v):
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.2f}"


def median(vals):
    return float(np.median(vals)) if vals else float("nan")


def p90(vals):
    return float(np.percentile(vals, 90)) if vals else float("nan")


def mean_ranks(values: dict) -> dict:
    """values: peer -> score (lower is better) -> peer -> rank (1-based, ties = mean rank)."""
    items = sorted(values.items(), key=lambda kv: kv[1])
    ranks = {}
    i = 0
    while i < len(items):
        j = i
        while j + 1 < len(items) and items[j + 1][1] == items[i][1]:
            j += 1
        r = (i + 1 + j + 1) / 2.0
        for t in range(i, j + 1):
            ranks[items[t][0]] = r
        i = j + 1
    return ranks


def summary(runs, checkpoints, rank_at, incumbent=False):
    stats = collect(runs, set(checkpoints) | {rank_at}, incumbent)
    fns = ordered_functions({fn for _, fn in stats})
    peers_all = sorted({p for p, _ in stats})
    out = []

    out.append(f"### Log10 simple regret over seeds (regret floored at {REGRET_FLOOR:g})\n")
    head = ["function", "peer", "seeds"] + [f"median@{k}" for k in checkpoints] + [f"p90@{k}" for k in checkpoints]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---", "---", "--:"] + ["--:"] * (2 * len(checkpoints))) + "|")
    for fn in fns:
        peers = [p for p in peers_all if (p, fn) in stats]
        med = {(p, k): median(stats[(p, fn)][k]) for p in peers for k in checkpoints}
        best_med = {k: min((med[(p, k)] for p in peers if not math.isnan(med[(p, k)])), default=None)
                    for k in checkpoints}
        for p in peers:
            nseeds = max((len(stats[(p, fn)][k]) for k in checkpoints), default=0)
            cells = [fn, p, str(nseeds)]
            for k in checkpoints:
                m = med[(p, k)]
                c = fmt(m)
                cells.append(f"**{c}**" if best_med[k] is not None and m == best_med[k] else c)
            cells += [fmt(p90(stats[(p, fn)][k])) for k in checkpoints]
            out.append("| " + " | ".join(cells) + " |")
    out.append("")

    out.append(f"### Rank by median log10 regret at {rank_at} evaluations (1 = best; ties share the mean rank; mean over the functions a peer ran)\n")
    per_fn_rank = {}
    for fn in fns:
        vals = {p: median(stats[(p, fn)][rank_at]) for p in peers_all if stats[(p, fn)][rank_at]}
        per_fn_rank[fn] = mean_ranks(vals)
    mean_rank = {}
    for p in peers_all:
        rs = [per_fn_rank[fn][p] for fn in fns if p in per_fn_rank[fn]]
        mean_rank[p] = sum(rs) / len(rs) if rs else float("nan")
    out.append("| peer | " + " | ".join(fns) + " | mean rank |")
    out.append("|---|" + "--:|" * (len(fns) + 1))
    for p in sorted(peers_all, key=lambda q: (mean_rank[q], q)):
        cells = [p] + [(f"{per_fn_rank[fn][p]:g}" if p in per_fn_rank[fn] else "—") for fn in fns]
        best_mr = min(v for v in mean_rank.values() if not math.isnan(v))
        cells.append(f"**{mean_rank[p]:.2f}**" if mean_rank[p] == best_mr else f"{mean_rank[p]:.2f}")
        out.append("| " + " | ".join(cells) + " |")
    out.append("")

    out.append("### Wall time per run (median over runs of elapsed_s at the last evaluation)\n")
    out.append("| peer | " + " | ".join(fns) + " |")
    out.append("|---|" + "--:|" * len(fns))
    for p in peers_all:
        cells = [p]
        for fn in fns:
            ts = [ev[max(ev)][1] for (pp, ff, _s), ev in runs.items() if pp == p and ff == fn and ev]
            cells.append(f"{float(np.median(ts)):.3f} s" if ts else "—")
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    return "\n".join(out)


def threshold_view(runs, ours, against, at, incumbent=False):
    stats = collect(runs, {at}, incumbent)
    fns = ordered_functions({fn for _, fn in stats})
    peers_all = sorted({p for p, _ in stats})
    if ours not in peers_all:
        sys.exit(f"--ours {ours!r} not in the input; peers: {', '.join(peers_all)}")
    if against:
        others = against
        for p in others:
            if p not in peers_all:
                sys.exit(f"--against peer {p!r} not in the input")
    else:
        others = [p for p in peers_all if p != ours and not p.startswith("hpo-")]

    def med(p, fn):
        v = stats.get((p, fn), {}).get(at, [])
        return median(v) if v else float("nan")

    out = [f"### {ours} vs peers: median log10 regret at {at} evaluations (lower is better)\n"]
    out.append("| function | " + f"**{ours}** | " + " | ".join(others) + " | best peer | Δ vs best | " + " | ".join(f"Δ vs {t}" for t in TPE_PEERS) + " |")
    out.append("|---|--:|" + "--:|" * len(others) + "---|--:|" + "--:|" * len(TPE_PEERS))
    crit_a = []
    crit_b = []
    wins = 0
    counted = 0
    for fn in fns:
        m = med(ours, fn)
        pm = {p: med(p, fn) for p in others}
        valid = {p: v for p, v in pm.items() if not math.isnan(v)}
        best_p = min(valid, key=valid.get) if valid else None
        tpe = [pm.get(t, med(t, fn)) for t in TPE_PEERS]
        tpe_ok = all(not math.isnan(t) for t in tpe)
        d_best = m - valid[best_p] if best_p else float("nan")
        if best_p and not math.isnan(m):
            counted += 1
            if m <= valid[best_p]:
                wins += 1
        if tpe_ok and not math.isnan(m):
            crit_a.append((fn, all(m < t for t in tpe)))
            if fn in MARGIN_FUNCTIONS:
                crit_b.append((fn, all(m <= t - MARGIN for t in tpe)))
        dt = [("—" if math.isnan(t) or math.isnan(m) else f"{m - t:+.2f}") for t in tpe]
        out.append("| " + " | ".join([fn, f"**{fmt(m)}**"] + [fmt(pm[p]) for p in others]
                                     + [best_p or "—", f"{d_best:+.2f}" if best_p and not math.isnan(m) else "—"] + dt) + " |")
    out.append("")

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    def detail(results, required):
        failed = [fn for fn, ok in results if not ok]
        missing = [fn for fn in required if fn not in {f for f, _ in results}]
        notes = []
        if failed:
            notes.append("fails on: " + ", ".join(failed))
        if missing:
            notes.append("no data for: " + ", ".join(missing))
        return f" ({'; '.join(notes)})" if notes else ""

    a_ok = len(crit_a) == len(FUNCTION_ORDER) and all(ok for _, ok in crit_a)
    b_ok = len(crit_b) == len(MARGIN_FUNCTIONS) and all(ok for _, ok in crit_b)
    c_ok = wins >= MIN_WINS
    out.append(f"- (a) lower than {' and '.join(TPE_PEERS)} on every function: **{verdict(a_ok)}**"
               + detail(crit_a, FUNCTION_ORDER))
    out.append(f"- (b) lower than both TPE variants by ≥ {MARGIN} on {', '.join(MARGIN_FUNCTIONS)}: "
               f"**{verdict(b_ok)}**" + detail(crit_b, MARGIN_FUNCTIONS))
    out.append(f"- (c) no higher than the best peer on ≥ {MIN_WINS} of {len(FUNCTION_ORDER)}: "
               f"{wins} of {counted} with data → **{verdict(c_ok)}**")
    out.append(f"- overall: **{verdict(a_ok and b_ok and c_ok)}**")
    out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", nargs="+", help="CSV files (ours and peers')")
    ap.add_argument("--checkpoints", default="20,50,100", help="evaluation counts to report (default 20,50,100)")
    ap.add_argument("--rank-at", type=int, default=50, help="evaluations for ranks / threshold view (default 50)")
    ap.add_argument("--threshold", action="store_true", help="print the win/loss view for --ours instead")
    ap.add_argument("--ours", help="peer name for --threshold, e.g. hpo-bo")
    ap.add_argument("--incumbent", action="store_true",
                    help="best_so_far is the incumbent's noiseless value (noisy runs), not a running minimum")
    ap.add_argument("--against", default="", help="comma list of peers to compare with (default: all but hpo-*)")
    args = ap.parse_args(argv)

    runs = load(args.csv)
    if not runs:
        sys.exit("no rows")
    if args.threshold:
        if not args.ours:
            ap.error("--threshold needs --ours NAME")
        against = [p.strip() for p in args.against.split(",") if p.strip()]
        print(threshold_view(runs, args.ours, against, args.rank_at, args.incumbent))
    else:
        checkpoints = [int(k) for k in args.checkpoints.split(",") if k.strip()]
        print(summary(runs, checkpoints, args.rank_at, args.incumbent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
