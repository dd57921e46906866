#!/usr/bin/env python3
"""Summarizes bench/pruning runs (JSON lines of run_pruning hpo and optuna_pruning.py).

Prints markdown: per objective, the best final validation value after E total epochs (median and
90th percentile over seeds: lower is better, the 90th percentile is a bad seed), and the epochs each
method needed to reach the median final value of BO without pruning at 100 full evaluations.
Usage: python3 bench/pruning/summarize.py FILE.json ...
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict

CHECKPOINTS = [500, 1000, 2000, 3333, 4000, 10000]
ORDER = ["bo", "bo_median", "bo_asha", "bo_hyperband", "random_asha", "bo_asha_excluded",
         "bo_hyperband_excluded", "tpe_median", "tpe_hyperband"]


def quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return math.nan
    position = q * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    if position == low or values[high] == values[low]:
        return values[low]
    if math.isinf(values[high]):  # "never" reached: interpolating toward it gives never
        return math.inf
    return values[low] + (position - low) * (values[high] - values[low])


def best_at(trace: list, epochs: int) -> float:
    """The best final value known once `epochs` were spent (inf before the first completed trial),
    or nan when the run stopped before spending them."""
    if not trace or trace[-1][0] < epochs:
        return math.nan
    best = math.inf
    for spent, value in trace:
        if spent > epochs:
            break
        if value is not None:
            best = value
    return best


def epochs_to_reach(trace: list, target: float) -> float:
    for spent, value in trace:
        if value is not None and value <= target:
            return spent
    return math.inf


def fmt(x: float) -> str:
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "never"
    return f"{x:.4f}" if abs(x) < 100 else f"{x:.0f}"


def main() -> None:
    runs = defaultdict(lambda: defaultdict(dict))  # objective -> method -> seed -> trace
    for path in sys.argv[1:]:
        with open(path) as f:
            for line in f:
                if line.strip():
                    run = json.loads(line)
                    runs[run["objective"]][run["method"]][run["seed"]] = run["trace"]
    for objective in ["mlp", "synthetic", "adversarial"]:
        if objective not in runs:
            continue
        methods = [m for m in ORDER if m in runs[objective]]
        baseline = [t[-1][1] for t in runs[objective].get("bo", {}).values()]
        target = quantile(baseline, 0.5) if baseline else math.nan
        baseline_epochs = quantile([t[-1][0] for t in runs[objective].get("bo", {}).values()], 0.5)
        print(f"\n### {objective}\n")
        print(f"Target: the median best final value of BO without pruning after 100 full evaluations "
              f"({fmt(target)}, {fmt(baseline_epochs)} epochs).\n")
        header = "| method | seeds | " + " | ".join(f"best @ {e} epochs: median / p90" for e in CHECKPOINTS)
        print(header + " | epochs to the target: median / p90 | seeds reaching it |")
        print("|---|--:|" + "--:|" * (len(CHECKPOINTS) + 2))
        for method in methods:
            traces = list(runs[objective][method].values())
            cells = []
            for e in CHECKPOINTS:
                values = [best_at(t, e) for t in traces]
                values = [v for v in values if not math.isnan(v)]
                cells.append(f"{fmt(quantile(values, 0.5))} / {fmt(quantile(values, 0.9))}" if values else "–")
            reach = [epochs_to_reach(t, target) for t in traces]
            reached = sum(1 for r in reach if not math.isinf(r))
            print(f"| {method} | {len(traces)} | " + " | ".join(cells) +
                  f" | {fmt(quantile(reach, 0.5))} / {fmt(quantile(reach, 0.9))} | {reached}/{len(traces)} |")


if __name__ == "__main__":
    main()
