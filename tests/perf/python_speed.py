#!/usr/bin/env python3
"""Speed of naskit from Python, each against a reference in the same run (BENCHMARKS.md §11):

- vectorised lookups: Benchmark.query over 10 M architecture ids, against NumPy's own fancy
  indexing of the same table (the floor any Python-side lookup pays);
- a strategy written in Python: uniform random search as a Python plugin against the C++
  `random` strategy, 1,000-query runs, the difference per query being the cost of the Python
  calls (ask, tell, the GIL);
- a whole suite: naskit.run_suite against the `naskit` command line on the same suite, fresh
  results folders, interleaved, median of `--repeats`.

    PYTHONPATH=build/python python3 tests/perf/python_speed.py [--suite experiments/quickstart.yaml]
"""
import argparse
import pathlib
import shutil
import statistics
import subprocess
import tempfile
import time

import numpy as np

import naskit

root = pathlib.Path(__file__).resolve().parents[2]
parser = argparse.ArgumentParser()
parser.add_argument("--suite", default=str(root / "experiments" / "quickstart.yaml"))
parser.add_argument("--cli", default=str(root / "build" / "naskit"))
parser.add_argument("--jobs", type=int, default=2)
parser.add_argument("--repeats", type=int, default=3)
args = parser.parse_args()


def best_of(f, n=5):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


nb201 = naskit.open_benchmark(str(root / "benchmarks_data" / "nb201.h5"))
archs = nb201.space.sample(0, n=10_000_000)
table = nb201.metric("cifar10", "test_accuracy")
column = table.column(200)
rows = nb201.rows(archs)
naskit_s = best_of(lambda: nb201.query(archs, "cifar10", "test_accuracy", 200))
numpy_s = best_of(lambda: table.values[rows, column])
print(f"query, 10 M ids: naskit {len(archs) / naskit_s / 1e6:.1f} M/s; NumPy fancy indexing by "
      f"row, same table: {len(archs) / numpy_s / 1e6:.1f} M/s (ratio {numpy_s / naskit_s:.2f})")

@naskit.register_strategy("python_random_speed")
class PythonRandom:
    def __init__(self, context, options):
        self.space, self.rng, self.seen = context.space, context.rng, set()

    def ask(self, n):
        out = []
        while len(out) < n:
            arch = self.space.sample(self.rng)
            if arch not in self.seen:
                self.seen.add(arch)
                out.append(arch)
        return out

    def tell(self, observations):
        pass


def one_run(strategy):
    return naskit.search(nb201, strategy, seed=0, budget=1000, signal_epochs=12,
                         report_epochs=200)


python_run, cpp_run = best_of(lambda: one_run("python_random_speed")), best_of(
    lambda: one_run("random"))
print(f"1,000-query random search: Python strategy {python_run * 1e3:.2f} ms, C++ strategy "
      f"{cpp_run * 1e3:.2f} ms: {(python_run - cpp_run) / 1000 * 1e6:.2f} µs more per query")

python_s, cli_s = [], []
with tempfile.TemporaryDirectory() as tmp:
    for r in range(args.repeats):
        out = pathlib.Path(tmp) / "python"
        start = time.perf_counter()
        summary = naskit.run_suite(args.suite, out, jobs=args.jobs)
        python_s.append(time.perf_counter() - start)
        shutil.rmtree(out)
        out = pathlib.Path(tmp) / "cli"
        start = time.perf_counter()
        subprocess.run([args.cli, "run", args.suite, "--out", str(out), "--jobs", str(args.jobs),
                        "--quiet"], check=True)
        cli_s.append(time.perf_counter() - start)
        shutil.rmtree(out)
p, c = statistics.median(python_s), statistics.median(cli_s)
print(f"suite {pathlib.Path(args.suite).name} ({summary['planned']} runs, --jobs {args.jobs}): "
      f"run_suite {p:.2f} s, naskit run {c:.2f} s (median of {args.repeats}; Python/CLI "
      f"{p / c:.3f})")
