#!/usr/bin/python3
"""The per-method table of a one-shot suite's results (experiments/nb201_one_shot.yaml) for
BENCHMARKS.md: each run's final cell (a method's derived cell, or RSPS's and SPOS's incumbent) with
its recorded test accuracy in NAS-Bench-201 (CIFAR-10, CIFAR-100, ImageNet16-120 at 200 epochs, from
benchmarks_data/nb201.h5) and in naskit's Fashion-MNIST benchmark (the run's report value), the
search's seconds (supernet training and derivation, plus the run's queries) and the supernet's
Kendall's tau against the benchmark over the cells the run evaluated.

usage: scripts/one_shot_table.py RESULTS_DIR [NASKIT]
"""
import json
import pathlib
import statistics
import subprocess
import sys

NB201 = "benchmarks_data/nb201.h5"
DATASETS = ["cifar10", "cifar100", "imagenet16-120"]


def query(naskit, arch, dataset):
    out = subprocess.run([naskit, "query", "--benchmark", NB201, "--arch", arch, "--dataset", dataset,
                          "--metric", "test_accuracy", "--epochs", "200"],
                         check=True, capture_output=True, text=True).stdout
    return float(out)


def mean_std(values):
    values = [v for v in values if v == v]
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values):.2f}"


def main():
    results = pathlib.Path(sys.argv[1])
    naskit = sys.argv[2] if len(sys.argv) > 2 else "build/naskit"
    rows = {}
    for path in sorted(results.glob("*/*/*/*/seed-*.json")):
        run = json.loads(path.read_text())
        final = run["final"]
        cell = final["incumbent"]
        timing = run.get("timing", {})
        seconds = timing.get("supernet_training_seconds", 0) + timing.get("query_seconds", 0)
        ranking = run.get("signal_ranking") or {}
        tau = ranking.get("kendall_tau") if ranking.get("archs", 0) >= 2 else None
        row = rows.setdefault(run["experiment"], {"cells": [], "acc": {d: [] for d in DATASETS},
                                                  "fashion": [], "seconds": [], "tau": []})
        row["cells"].append(cell)
        for d in DATASETS:
            row["acc"][d].append(query(naskit, cell, d))
        row["fashion"].append(list(final["report"].values())[0])
        row["seconds"].append(seconds)
        row["tau"].append(float("nan") if tau is None else tau)
    print("| method | seeds | CIFAR-10 | CIFAR-100 | ImageNet16-120 | Fashion-MNIST (naskit) | "
          "search seconds | Kendall's tau |")
    print("|---|---|---|---|---|---|---|---|")
    for method, row in rows.items():
        print(f"| {method} | {len(row['cells'])} | " +
              " | ".join(mean_std(row["acc"][d]) for d in DATASETS) +
              f" | {mean_std(row['fashion'])} | {statistics.mean(row['seconds']):.0f} | "
              f"{mean_std(row['tau'])} |")
    print()
    for method, row in rows.items():
        for seed, cell in enumerate(row["cells"]):
            print(f"- {method}, run {seed}: `{cell}`")


if __name__ == "__main__":
    main()
