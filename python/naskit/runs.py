"""Predictors, one search, and suites: the registries and the search loop of the C++ core."""
import json
import os

import numpy as np

from . import _naskit
from .options import flatten_options


class Predictor(_naskit.Predictor):
    """A registered predictor: naskit.Predictor("xgboost", {"rounds": 100}, space=...).

    `benchmark` (and `dataset`) give the features that zero-cost and feature-based predictors
    read; with a benchmark the space defaults to its space. fit(archs, targets, seed) learns values
    (higher is better); predict(archs) returns their predictions, predict(archs, return_std=True)
    (mean, std or None).
    """

    def __init__(self, key, options=None, *, space=None, benchmark=None, dataset=""):
        super().__init__(key, flatten_options(options), space, benchmark, dataset)


class SearchRun:
    """One search run's trace: a row per counted query, in the order evaluations finished.

    arch, fidelity, signal (what the strategy was told, in the metric's units), seconds (the
    clock), incumbent (-1 before the first), incumbent_report ({dataset: values}: the held-out
    metric of the incumbent, which the strategy never saw), pareto (indices of the final Pareto
    archive of a multi-objective run), failures, wall_seconds.
    """

    def __init__(self, trace, space):
        self.space = space
        for key, value in trace.items():
            setattr(self, key, value)

    def __len__(self):
        return len(self.arch)

    @property
    def final_report(self):
        """{dataset: the final incumbent's report value} (NaN without an incumbent)."""
        return {d: (float(v[-1]) if len(v) else float("nan"))
                for d, v in self.incumbent_report.items()}

    def to_pandas(self):
        import pandas as pd
        frame = pd.DataFrame({"arch": self.arch, "fidelity": self.fidelity,
                              "signal": self.signal, "seconds": self.seconds,
                              "incumbent": self.incumbent})
        for dataset, values in self.incumbent_report.items():
            frame[f"incumbent_report/{dataset}"] = values
        frame.index.name = "query"
        return frame

    def __repr__(self):
        return f"<naskit.SearchRun {len(self)} queries, final report {self.final_report}>"


def search(benchmark, strategy, options=None, *, seed=0, dataset="cifar10", budget=100,
           **experiment):
    """One search on an opened benchmark, as one run of a suite.

    `options` are the strategy's ({"population_size": 10}); `experiment` takes any key of a suite
    experiment (naskit describe experiment: signal_epochs=12, budget_unit="seconds",
    report_datasets=[...], objectives=[...], constraints=[...], ...). Returns a SearchRun.
    """
    if not isinstance(benchmark, _naskit.Benchmark):
        benchmark = _naskit.open_benchmark(os.fspath(benchmark))
    suite = {
        "name": "search",
        "benchmark": benchmark.path,
        "seeds": [int(seed)],
        "strategies": [{"strategy": strategy, "options": options or {}}],
        "experiments": [dict({"name": "search", "datasets": [dataset], "budgets": [budget]},
                             **experiment)],
    }
    trace = _naskit._search(benchmark, json.dumps(suite, default=_json_value),
                            "naskit.search()")
    return SearchRun(trace, benchmark.space)


def run_suite(path, out=None, *, jobs=1, overrides=None, shard=None, progress=False):
    """Runs a suite file (a search or a predictor suite) as `naskit run` does: resumable, the
    same result files. `overrides` is {dotted.key: value} or a list of "key=value" (--set);
    `shard` is (i, n). Returns {planned, already_done, completed, interrupted, out}; Ctrl-C
    stops after the runs in flight and raises KeyboardInterrupt."""
    if isinstance(overrides, dict):
        overrides = [f"{key}={json.dumps(value, default=_json_value)}"
                     for key, value in overrides.items()]
    index, count = shard or (1, 1)
    summary = _naskit._run_suite(os.fspath(path), os.fspath(out) if out else "", int(jobs),
                                 int(index), int(count), bool(progress), list(overrides or []))
    if summary["interrupted"]:
        raise KeyboardInterrupt(
            f"naskit: interrupted: {summary['already_done'] + summary['completed']} of "
            f"{summary['planned']} runs finished and saved in {summary['out']}; run again to "
            "resume")
    return summary


def _json_value(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not a suite value: {value!r}")
