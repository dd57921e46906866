#!/usr/bin/env python3
"""Optuna peers of the pruning benchmark (bench/pruning/README.md).

Optuna 3.1's TPESampler(seed=s) with HyperbandPruner(min_resource=1, max_resource=100,
reduction_factor=3) (method tpe_hyperband) or MedianPruner() (its defaults: 5 startup trials, no
warm-up; method tpe_median) trains the very same curves as hpo's runs, one epoch per request, through
the line server `run_pruning evaluate` (Optuna stays out of the C++ build). Prints one JSON line like
run_pruning's: after each finished trial, the epochs spent so far and the best final (epoch-100)
value of a completed trial. Stops once --budget epochs are spent.

Example (Debian 12's Optuna lives under /usr/bin/python3):
    /usr/bin/python3 bench/pruning/optuna_pruning.py --binary build/bench/pruning/run_pruning \\
        --objective mlp --method tpe_hyperband --seed 1 --budget 4000
"""

from __future__ import annotations

import argparse
import json
import subprocess

import optuna

MAX_EPOCHS = 100


class Server:
    def __init__(self, binary: str) -> None:
        self.proc = subprocess.Popen([binary, "evaluate"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)

    def request(self, message: dict) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        if "error" in reply:
            raise RuntimeError(f"run_pruning evaluate: {reply['error']}")
        return reply

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait()


def suggest(trial: optuna.Trial, objective: str) -> dict:
    """The same spaces as bench/pruning/objectives.hpp."""
    if objective in ("synthetic", "adversarial"):
        return {f"x{i}": trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(4)}
    return {
        "learning_rate": trial.suggest_float("learning_rate", 1e-4, 0.3, log=True),
        "weight_decay": trial.suggest_float("weight_decay", 1e-5, 1.0, log=True),
        "hidden_units": trial.suggest_int("hidden_units", 8, 512, log=True),
        "batch_size": trial.suggest_int("batch_size", 8, 256, log=True),
        "activation": trial.suggest_categorical("activation", ["relu", "tanh", "elu", "sigmoid"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--objective", choices=["synthetic", "adversarial", "mlp"], required=True)
    parser.add_argument("--method", choices=["tpe_hyperband", "tpe_median"], required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--budget", type=int, required=True)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    pruner = (optuna.pruners.HyperbandPruner(min_resource=1, max_resource=MAX_EPOCHS, reduction_factor=3)
              if args.method == "tpe_hyperband" else optuna.pruners.MedianPruner())
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=args.seed), pruner=pruner)
    server = Server(args.binary)
    epochs, best, trace = 0, None, []
    while epochs < args.budget:
        trial = study.ask()
        config = suggest(trial, args.objective)
        server.request({"op": "start", "id": trial.number, "objective": args.objective, "seed": args.seed,
                        "config": config})
        pruned, value = False, None
        for epoch in range(1, MAX_EPOCHS + 1):
            value = server.request({"op": "step", "id": trial.number})["value"]
            epochs += 1
            trial.report(value, epoch)
            if trial.should_prune():
                pruned = True
                break
        server.request({"op": "end", "id": trial.number})
        if pruned:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, value)
            best = value if best is None else min(best, value)
        trace.append([epochs, best])
    server.close()
    print(json.dumps({"objective": args.objective, "method": args.method, "seed": args.seed, "trace": trace}))


if __name__ == "__main__":
    main()
