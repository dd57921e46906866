"""Summary of the library benchmark (issue 19; `run_transfer library`) as Markdown, with its targets.

Inputs: the runs' CSVs (`run_transfer library --out`), the ask timings (`--timing`) and the targets'
table (`run_transfer tasks`). Normalized regret, the threshold and "evaluations to threshold" are
those of summarize_transfer.py (the same functions), so the numbers compare with transfer.md.

Methods: hpo-bo-cold; hpo-bo-library (WarmStart::from the seed's whole library of 40 journals);
hpo-bo-family10 (the target family's 10 journals: oracle selection), hpo-bo-family3, hpo-bo-family1;
and, where their CSV is given, Optuna's routes on the same library (optuna_transfer.py): optuna-tpe-cold,
optuna-tpe-library, optuna-cmaes-cold, optuna-cmaes-library.
Family "unrelated": the hartmann target with the all-unrelated library (40 Styblinski-Tang studies).

Targets (issue 19):
  1. per related family: median evaluations to threshold, library <= 1.2 x family10 (oracle);
  2. per related family: speed-up over cold (cold's median / the method's median) does not fall
     from 1 to 3 to 10 family studies, and is >= 4 with 10;
  3. unrelated: median evaluations library <= 1.25 x cold's, and p90 regret at 20 <= cold's;
  4. the first model-based ask of the library runs with 40 sources (family unrelated) < 2 s
     (the slowest ask of each run, which is that one), and the median ask time after the 10th ask
     <= 3 x cold's (pooled over the runs of a family).

Example:
    /usr/bin/python3 bench/transfer/summarize_library.py --tasks TASKS.csv --timing T1.csv T2.csv -- R1.csv R2.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarize_transfer import CHECKPOINTS, fmt_evals, fmt_regret, load_runs, load_tasks, pct, run_statistics  # noqa: E402

FAMILIES = ["quadratic", "hartmann", "digits-krr", "unrelated"]
RELATED = ["quadratic", "hartmann", "digits-krr"]
METHODS = ["hpo-bo-cold", "hpo-bo-library", "hpo-bo-family10", "hpo-bo-family3", "hpo-bo-family1",
           "optuna-tpe-cold", "optuna-tpe-library", "optuna-cmaes-cold", "optuna-cmaes-library"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", nargs="+")
    ap.add_argument("--tasks", required=True)
    ap.add_argument("--timing", nargs="*", default=[])
    ap.add_argument("--threshold", type=float, default=1e-3)
    ap.add_argument("--budget", type=int, default=40)
    args = ap.parse_args(argv)
    runs, elapsed = load_runs(args.csv)
    tasks = load_tasks(args.tasks)
    budget = args.budget

    stats, _lowered = run_statistics(runs, elapsed, tasks, args.threshold, budget)

    def med(f, m, key="evals"):
        return pct(stats[(f, m)][key], 50)

    def p90(f, m, key="evals"):
        return pct(stats[(f, m)][key], 90)

    out = []
    for family in FAMILIES:
        methods = [m for m in METHODS if (family, m) in stats]
        if not methods:
            continue
        n = len(stats[(family, methods[0])]["evals"])
        out.append(f"### {family} ({n} seeds)\n")
        out.append("| method | evals to r ≤ thr: median | p90 | reached | speed-up vs cold | r@5 median | p90 | "
                   "r@10 median | p90 | r@20 median | p90 | time/run (s) |")
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for m in methods:
            s = stats[(family, m)]
            reached = sum(e <= budget for e in s["evals"])
            speed = med(family, "hpo-bo-cold") / med(family, m)
            row = [m, fmt_evals(med(family, m), budget), fmt_evals(p90(family, m), budget),
                   f"{reached}/{len(s['evals'])}", f"{speed:.2f}x"]
            for c in CHECKPOINTS:
                row += [fmt_regret(med(family, m, f"r{c}")), fmt_regret(p90(family, m, f"r{c}"))]
            row.append(f"{pct(s['time'], 50):.2f}")
            out.append("| " + " | ".join(row) + " |")
        out.append("")

    verdicts = []

    def verdict(ok, text):
        verdicts.append(f"- {'PASS' if ok else 'FAIL'} {text}")

    for f in RELATED:
        if (f, "hpo-bo-library") not in stats:
            continue
        lib, oracle, cold = med(f, "hpo-bo-library"), med(f, "hpo-bo-family10"), med(f, "hpo-bo-cold")
        verdict(lib <= 1.2 * oracle,
                f"{f} (1): median evaluations, library {fmt_evals(lib, budget)} <= 1.2 x oracle "
                f"{fmt_evals(oracle, budget)} = {1.2 * oracle:.2f}")
        speeds = [cold / med(f, f"hpo-bo-family{k}") for k in (1, 3, 10)]
        verdict(speeds[0] <= speeds[1] <= speeds[2],
                f"{f} (2): speed-up grows with related studies: 1 -> 3 -> 10 gives "
                + " -> ".join(f"{s:.2f}x" for s in speeds))
        verdict(speeds[2] >= 4.0, f"{f} (2): speed-up with 10 related studies {speeds[2]:.2f}x >= 4x "
                f"(cold {fmt_evals(cold, budget)}, family10 {fmt_evals(oracle, budget)})")
    if ("unrelated", "hpo-bo-library") in stats:
        lib, cold = med("unrelated", "hpo-bo-library"), med("unrelated", "hpo-bo-cold")
        verdict(lib <= 1.25 * cold, f"unrelated (3): median evaluations, library {fmt_evals(lib, budget)} <= 1.25 x cold "
                f"{fmt_evals(cold, budget)} = {1.25 * cold:.2f}")
        lib20, cold20 = p90("unrelated", "hpo-bo-library", "r20"), p90("unrelated", "hpo-bo-cold", "r20")
        verdict(lib20 <= cold20, f"unrelated (3): p90 regret at 20, library {fmt_regret(lib20)} <= cold {fmt_regret(cold20)}")

    if args.timing:
        asks: dict = defaultdict(list)
        for path in args.timing:
            with open(path, newline="") as fh:
                for row in csv.DictReader(fh):
                    asks[(row["family"], int(row["seed"]), row["method"])].append(
                        (int(row["eval_index"]), float(row["ask_s"]), int(row["sources"])))
        out.append("### Ask times (the optimizer's own time per ask, objective excluded)\n")
        out.append("| family | method | sources | slowest ask: median | max | at ask (median) | "
                   "asks 11-40: median | vs cold |")
        out.append("|---|---|--:|--:|--:|--:|--:|--:|")
        later: dict = {}
        for family in FAMILIES:
            for m in METHODS:
                keys = [k for k in asks if k[0] == family and k[2] == m]
                if not keys:
                    continue
                slowest = [max(a[1] for a in asks[k]) for k in keys]
                where = [max(asks[k], key=lambda a: a[1])[0] for k in keys]
                pooled = [a[1] for k in keys for a in asks[k] if a[0] > 10]
                later[(family, m)] = float(np.median(pooled))
                sources = int(np.median([asks[k][0][2] for k in keys]))
                ratio = later[(family, m)] / later[(family, "hpo-bo-cold")] if (family, "hpo-bo-cold") in later else 1.0
                out.append(f"| {family} | {m} | {sources} | {np.median(slowest):.3f} | {max(slowest):.3f} | "
                           f"{np.median(where):.0f} | {later[(family, m)]:.4f} | {ratio:.2f}x |")
                if family == "unrelated" and m == "hpo-bo-library":
                    verdict(max(slowest) < 2.0, f"(4): slowest (first model-based) ask with {sources} sources, max over "
                            f"{len(keys)} runs {max(slowest):.3f} s < 2 s (median {np.median(slowest):.3f} s)")
        out.append("")
        for f in FAMILIES:
            if (f, "hpo-bo-library") in later and (f, "hpo-bo-cold") in later:
                ratio = later[(f, "hpo-bo-library")] / later[(f, "hpo-bo-cold")]
                verdict(ratio <= 3.0, f"{f} (4): median ask after the 10th, library {later[(f, 'hpo-bo-library')]:.4f} s "
                        f"<= 3 x cold {later[(f, 'hpo-bo-cold')]:.4f} s (ratio {ratio:.2f})")

    out.append("### Targets\n")
    out += verdicts
    out.append("")
    out.append(f"{sum(v.startswith('- PASS') for v in verdicts)} of {len(verdicts)} targets pass.")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
