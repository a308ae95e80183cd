"""Benchmarks and result folders as pandas DataFrames (pandas is needed for these alone)."""
import json
import os

from . import _naskit


def benchmark_to_pandas(benchmark, dataset=None):
    """One row per architecture (indexed by its id, with its string in "arch"), one column per
    table column: "<table path>@<epochs>" ("metrics/cifar10/test_accuracy@200"), or the table path
    where it has no epochs. With `dataset`, only its metrics and features, and the devices."""
    import pandas as pd
    space = benchmark.space
    archs = benchmark.archs
    columns = {"arch": [space.format(int(a)) for a in archs]}
    for path in benchmark.tables():
        parts = path.split("/")
        if dataset is not None and parts[0] in ("metrics", "features") and parts[1] != dataset:
            continue
        table = benchmark.table(path)
        values = table.values
        for c in range(table.columns):
            name = f"{path}@{table.epochs[c]}" if table.epochs else path
            columns[name] = values[:, c]
    frame = pd.DataFrame(columns, index=pd.Index(archs, name="arch_id"))
    return frame


def load_results(folder):
    """Every result file (JSON) of a results folder of `naskit run` or `naskit eval-predictors`,
    parsed, in path order; evaluators' own folders (trainings, supernets) are not results."""
    results = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in ("report", "trainings", "supernets"))
        for name in sorted(files):
            if name.startswith(("seed-", "trial-")) and name.endswith(".json"):
                with open(os.path.join(root, name)) as f:
                    result = json.load(f)
                if str(result.get("format", "")).startswith("naskit-"):
                    results.append(result)
    return results


def results_frame(folder):
    """One row per search run of a results folder: experiment, dataset, label, strategy, budget,
    budget_unit, seed, queries, seconds, incumbent (its string), signal, report/<dataset> (the
    incumbent's held-out value; NaN where it has none) and wall_seconds. For a predictor suite,
    one row per run with its scalar fields."""
    import pandas as pd
    rows = []
    for r in load_results(folder):
        if r["format"] != "naskit-run-result":
            rows.append({k: v for k, v in r.items() if not isinstance(v, (dict, list))})
            continue
        final = r.get("final", {})
        row = {
            "experiment": r["experiment"], "dataset": r["dataset"], "label": r["label"],
            "strategy": r["strategy"], "budget": r["budget"]["amount"],
            "budget_unit": r["budget"]["unit"], "seed": r["seed"],
            "queries": final.get("queries"), "seconds": final.get("seconds"),
            "incumbent": final.get("incumbent"), "signal": final.get("signal"),
        }
        for dataset, value in (final.get("report") or {}).items():
            row[f"report/{dataset}"] = float("nan") if value is None else value
        row["wall_seconds"] = r.get("timing", {}).get("wall_seconds")
        rows.append(row)
    return pd.DataFrame(rows)
