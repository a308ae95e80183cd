#!/usr/bin/env python3
# %% [markdown]
# # naskit from Python: a tutorial
#
# From an installed naskit (README, "Python") to a first comparison of search strategies, a
# predictor, and a strategy of your own. CI runs this file as it is (`ctest -R readme`);
# run it with `PYTHONPATH=build/python python3 examples/tutorial.py --out tutorial`, or cell by
# cell in an editor that reads `# %%` cells. It takes a few seconds on two cores.
import argparse
import os
import pathlib

import numpy as np

import naskit

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--out", default="tutorial", help="folder for results and figures")
parser.add_argument("--seeds", type=int, default=100)
args, _ = parser.parse_known_args()
out = pathlib.Path(args.out)
out.mkdir(parents=True, exist_ok=True)
root = pathlib.Path(__file__).resolve().parents[1]

# %% [markdown]
# ## 1. A benchmark is a set of tables
# `benchmarks_data/nb201.h5` holds NAS-Bench-201 (Dong & Yang, ICLR 2020): all 15,625 cells, their
# accuracies on three datasets at 12 and 200 epochs, training times, latencies on 27 devices and
# zero-cost proxy scores. Opening it loads everything; tables are NumPy arrays that view the
# loaded data.
nb201 = naskit.open_benchmark(str(root / "benchmarks_data" / "nb201.h5"))
print(nb201)
print("datasets:", nb201.datasets(), "| cifar10 metrics:", nb201.metrics("cifar10"))
test200 = nb201.metric("cifar10", "test_accuracy")
print("test_accuracy epochs:", test200.epochs, "shape:", test200.values.shape)

space = nb201.space
best = int(nb201.archs[np.nanargmax(test200.values[:, test200.column(200)])])
print("best cell on CIFAR-10:", space.format(best),
      nb201.query(best, "cifar10", "test_accuracy", 200)[0])

# Lookups are vectorised: any array of architecture ids.
cells = space.sample(0, n=1_000_000)
accuracies = nb201.query(cells, "cifar10", "valid_accuracy", 12)
print(f"mean 12-epoch validation accuracy of 1M random cells: {accuracies.mean():.2f}")

# The whole benchmark as a DataFrame, a row per cell.
frame = nb201.to_pandas("cifar10")
print(frame[["arch", "metrics/cifar10/test_accuracy@200"]].nlargest(3, "metrics/cifar10/"
                                                                        "test_accuracy@200"))

# %% [markdown]
# ## 2. Comparing search strategies
# A suite file says what to run; naskit runs every (strategy, seed), resumably, and writes one
# result file per run. Here: random search, regularized evolution (Real et al., AAAI 2019) and
# local search (White et al., UAI 2021) with NAS-Bench-201's protocol: the strategies see the
# 12-epoch validation accuracy, the incumbent is reported at its 200-epoch test accuracy, which
# no strategy ever sees.
suite = out / "comparison.yaml"
suite.write_text(f"""\
name: tutorial_comparison
benchmark: {root / "benchmarks_data" / "nb201.h5"}
seeds: 0..{args.seeds - 1}
strategies:
  - strategy: random
  - strategy: regularized_evolution
    options: {{population_size: 10, sample_size: 3}}
  - strategy: local_search
experiments:
  - name: queries
    datasets: [cifar10]
    signal_epochs: 12
    report_epochs: 200
    budget_unit: queries
    budgets: [100]
""")
summary = naskit.run_suite(suite, out / "results", jobs=os.cpu_count())
print(summary)
runs = naskit.results_frame(out / "results")
print(runs.groupby("label")["report/cifar10"].agg(["count", "mean", "std"]))
# The same report as `naskit report`: tables with confidence intervals and figures.
naskit.report(str(out / "results"), str(out / "report"))

# %% [markdown]
# ## 3. One search, step by step
# naskit.search runs one search and returns its trace: what was asked, what the strategy was told,
# and the incumbent's held-out value after every query.
run = naskit.search(nb201, "regularized_evolution", {"population_size": 10, "sample_size": 3},
                    seed=0, budget=100, signal_epochs=12, report_epochs=200)
print(run, "| final incumbent:", space.format(int(run.incumbent[-1])))

# %% [markdown]
# ## 4. Predictors
# Every registered predictor can be fitted and queried. XGBoost on 100 cells, ranked against the
# recorded accuracies of 1,000 others (Kendall τ).
def kendall_tau(x, y):
    i, j = np.triu_indices(len(x), 1)
    return float(np.mean(np.sign(x[i] - x[j]) * np.sign(y[i] - y[j])))


train, test = space.sample(1, n=100), space.sample(2, n=1000)
y_train = nb201.query(train, "cifar10", "valid_accuracy", 12)
y_test = nb201.query(test, "cifar10", "valid_accuracy", 12)
xgb = naskit.Predictor("xgboost", {"rounds": 200}, space=space)
xgb.fit(train, y_train, seed=0)
print(f"xgboost, 100 training cells: Kendall tau {kendall_tau(xgb.predict(test), y_test):.3f}")

# %% [markdown]
# ## 5. Your own predictor, in Python
# A class with fit() and predict(), registered under a key, is a predictor like any other: a
# guided strategy such as BANANAS (White et al., AAAI 2021) can use it in a suite or in
# naskit.search. Every call takes the GIL (python/README.md gives the cost).
@naskit.register_predictor("ridge_py", options={"alpha": 1.0})
class RidgePredictor:
    """Ridge regression on the one-hot encoding, in NumPy."""

    def __init__(self, context, options):
        self.space, self.alpha = context.space, options["alpha"]

    def fit(self, archs, targets, seed):
        x = self.space.encode(archs)
        self.mean = targets.mean()
        a = x.T @ x + self.alpha * np.eye(x.shape[1])
        self.w = np.linalg.solve(a, x.T @ (targets - self.mean))

    def predict(self, archs):
        return self.space.encode(archs) @ self.w + self.mean


ridge = naskit.Predictor("ridge_py", {"alpha": 3.0}, space=space)
ridge.fit(train, y_train, seed=0)
print(f"ridge_py, 100 training cells: Kendall tau {kendall_tau(ridge.predict(test), y_test):.3f}")
guided = [naskit.search(nb201, "bananas", {"predictor": "ridge_py"}, seed=s, budget=100,
                        signal_epochs=12, report_epochs=200).final_report["cifar10"]
          for s in range(5)]
print(f"BANANAS guided by ridge_py, 5 seeds: {np.mean(guided):.2f}")

# %% [markdown]
# ## 6. Your own strategy, in Python
# ask(n) proposes up to n architectures, tell() receives what they scored. The context gives the
# space and a random stream of the run's seed: the run is a function of its seed.
@naskit.register_strategy("greedy_mutation_py")
class GreedyMutation:
    """Mutates the best cell seen so far; random cells until 10 are seen and at local optima."""

    def __init__(self, context, options):
        self.space, self.rng = context.space, context.rng
        self.seen, self.best = set(), (-np.inf, None)

    def ask(self, n):
        for attempt in range(1000):
            # A random cell once the best one's neighbours are all seen (a local optimum).
            explore = len(self.seen) < 10 or attempt >= 50
            arch = (self.space.sample(self.rng) if explore
                    else self.space.mutate(self.best[1], self.rng))
            if arch not in self.seen:
                self.seen.add(arch)
                return [arch]
        return []  # nothing new found: the run ends

    def tell(self, observations):
        for o in observations:
            self.best = max(self.best, (o.signal, o.arch))


mine = [naskit.search(nb201, "greedy_mutation_py", seed=s, budget=100, signal_epochs=12,
                      report_epochs=200).final_report["cifar10"] for s in range(20)]
print(f"greedy_mutation_py, 20 seeds: {np.mean(mine):.2f}")

# %% [markdown]
# ## 7. A new search space
# Spaces are C++ plugins: every sample, mutation and lookup of a search runs through them, millions
# of times a second. `examples/mobilenet_space/` is a complete one (a MobileNet-style space and its
# LibTorch network, built out of tree against the installed package, searched with real trainings:
# README, "Plugins"). Python loads it as the command line does, and searches it like any other:
#
#     naskit.load_plugin("build-mobilenet/libmobilenet_space.so")
#     space = naskit.space("mobilenet")
#
# with a suite that names the space and the `training` evaluator (examples/mobilenet_space/suite.yaml).

# %% [markdown]
# ## 8. A figure
# The incumbent's 200-epoch test accuracy after each query, mean over the suite's seeds with a
# 95% band, from the result files' trajectories.
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

styles = {"random": ("#0072B2", "-"), "regularized_evolution": ("#D55E00", "--"),
          "local_search": ("#009E73", ":")}  # Okabe-Ito colours: safe for colour-blind readers
fig, ax = plt.subplots(figsize=(5.5, 3.6))
for label, (colour, line) in styles.items():
    curves = np.array([r["trajectory"]["incumbent_report"]["cifar10"]
                       for r in naskit.load_results(out / "results") if r["label"] == label],
                      dtype=float)
    mean = np.nanmean(curves, axis=0)
    half = 1.96 * np.nanstd(curves, axis=0, ddof=1) / np.sqrt(len(curves))
    queries = np.arange(1, curves.shape[1] + 1)
    ax.plot(queries, mean, color=colour, linestyle=line, label=f"{label} (n={len(curves)})")
    ax.fill_between(queries, mean - half, mean + half, color=colour, alpha=0.2)
ax.set_xlabel("queries")
ax.set_ylabel("test accuracy at 200 epochs (%)")
ax.set_ylim(88, 94.5)
ax.set_title("NAS-Bench-201, CIFAR-10")
ax.legend(loc="lower right")
fig.tight_layout()
for suffix in ("png", "svg"):
    fig.savefig(out / f"comparison.{suffix}", dpi=150)
print("figure:", out / "comparison.png")
