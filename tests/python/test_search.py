"""Searches, suites, predictors and Python plugins from Python, checked against the CLI and the
benchmark."""
import json
import pathlib
import subprocess

import numpy as np
import pytest

import naskit

SUITE = """\
name: python_check
benchmark: {benchmark}
seeds: 0..3
strategies:
  - strategy: random
  - strategy: regularized_evolution
    options: {{population_size: 10, sample_size: 3}}
experiments:
  - name: table5
    datasets: [cifar10]
    signal_epochs: 12
    report_epochs: 200
    report_datasets: [cifar10, cifar100]
    budget_unit: seconds
    budgets: [12000]
    cost_scale: 0.5
    charge_repeats: true
"""


def kendall_tau(x, y):
    x, y = np.asarray(x), np.asarray(y)
    i, j = np.triu_indices(len(x), 1)
    return float(np.mean(np.sign(x[i] - x[j]) * np.sign(y[i] - y[j])))


def write_suite(tmp_path, nb201):
    path = tmp_path / "suite.yaml"
    path.write_text(SUITE.format(benchmark=nb201.path))
    return path


def without_timing(result_file):
    result = json.loads(pathlib.Path(result_file).read_text())
    result.pop("timing", None)
    return result


def test_a_suite_run_from_python_equals_the_cli_run(nb201, cli, tmp_path):
    suite = write_suite(tmp_path, nb201)
    summary = naskit.run_suite(suite, tmp_path / "py", jobs=2)
    assert (summary["planned"], summary["completed"]) == (8, 8)
    subprocess.run([cli, "run", str(suite), "--out", str(tmp_path / "cli"), "--quiet"],
                   check=True)
    files = sorted((tmp_path / "py").rglob("seed-*.json"))
    assert len(files) == 8
    for f in files:
        twin = tmp_path / "cli" / f.relative_to(tmp_path / "py")
        assert without_timing(f) == without_timing(twin)
    again = naskit.run_suite(suite, tmp_path / "py")
    assert (again["already_done"], again["completed"]) == (8, 0)
    frame = naskit.results_frame(tmp_path / "py")
    assert len(frame) == 8 and set(frame["label"]) == {"random", "regularized_evolution"}
    recorded = nb201.query([nb201.space.parse(a) for a in frame["incumbent"]], "cifar100",
                           "test_accuracy", 200)
    np.testing.assert_allclose(frame["report/cifar100"], recorded, rtol=1e-6)
    summary_md = naskit.report(str(tmp_path / "py"))
    assert "8 of 8 planned runs" in summary_md


def test_suite_errors_name_the_file_and_key(nb201, tmp_path):
    suite = write_suite(tmp_path, nb201)
    with pytest.raises(naskit.ConfigError, match=r"suite.yaml: experiment \"table5\": .* no column "
                       r"for 13 epochs \(expected one of: 12, 200\)"):
        naskit.run_suite(suite, tmp_path / "bad", overrides={"experiments.table5.signal_epochs": 13})
    with pytest.raises(naskit.ConfigError, match="no_such_key"):
        naskit.search(nb201, "random", budget=10, no_such_key=1)


def test_search_is_a_function_of_its_seed_and_reports_the_held_out_metric(nb201):
    run = naskit.search(nb201, "regularized_evolution", {"population_size": 10, "sample_size": 3},
                        seed=5, budget=60, signal_epochs=12, report_epochs=200)
    assert len(run) == 60
    again = naskit.search(nb201, "regularized_evolution",
                          {"population_size": 10, "sample_size": 3}, seed=5, budget=60,
                          signal_epochs=12, report_epochs=200)
    np.testing.assert_array_equal(run.arch, again.arch)
    # The signal is the 12-epoch validation accuracy; the report, the incumbent's 200-epoch test.
    np.testing.assert_allclose(run.signal, nb201.query(run.arch, "cifar10", "valid_accuracy", 12))
    best = run.arch[np.argmax(run.signal)]
    assert run.incumbent[-1] == best
    assert run.final_report["cifar10"] == pytest.approx(
        nb201.query(best, "cifar10", "test_accuracy", 200)[0])
    assert list(run.to_pandas().columns[-1:]) == ["incumbent_report/cifar10"]


def test_a_registered_predictor_ranks_unseen_cells(nb201):
    space = nb201.space
    archs = space.sample(1, n=400)
    y = nb201.query(archs, "cifar10", "valid_accuracy", 12)
    predictor = naskit.Predictor("xgboost", {"rounds": 100}, space=space)
    predictor.fit(archs[:200], y[:200], seed=0)
    assert kendall_tau(predictor.predict(archs[200:]), y[200:]) > 0.4  # 0 for a random ranking
    with pytest.raises(naskit.ConfigError, match="no_such_option"):
        naskit.Predictor("xgboost", {"no_such_option": 1}, space=space)
    synflow = naskit.Predictor("synflow", benchmark=nb201, dataset="cifar10")
    assert not synflow.needs_fit
    assert np.isfinite(synflow.predict(archs[:5])).all()


@naskit.register_strategy("py_random_test", options={"batch": 1})
class PyRandom:
    """Uniform random search, in Python."""

    def __init__(self, context, options):
        self.space, self.rng, self.told = context.space, context.rng, 0
        self.batch = options["batch"]
        self.seen = set()

    def ask(self, n):
        out = []
        while len(out) < min(n, self.batch):
            arch = self.space.sample(self.rng)
            if arch not in self.seen:
                self.seen.add(arch)
                out.append(arch)
        return out

    def tell(self, observations):
        self.told += len(observations)


@naskit.register_predictor("py_nearest_test", options={"k": 3})
class Nearest:
    """k nearest neighbours in the one-hot encoding."""

    def __init__(self, context, options):
        self.space, self.k = context.space, options["k"]

    def fit(self, archs, targets, seed):
        self.x, self.y = self.space.encode(archs), np.asarray(targets)

    def predict(self, archs):
        d = ((self.space.encode(archs)[:, None, :] - self.x[None]) ** 2).sum(-1)
        return self.y[np.argsort(d, axis=1)[:, :self.k]].mean(axis=1)


def test_python_plugins_run_in_the_search_loop(nb201):
    assert "py_random_test" in naskit.plugins("strategies")
    a = naskit.search(nb201, "py_random_test", seed=1, budget=30, signal_epochs=12, report_epochs=200)
    b = naskit.search(nb201, "py_random_test", seed=1, budget=30, signal_epochs=12, report_epochs=200)
    assert len(a) == 30 and len(set(a.arch.tolist())) == 30
    np.testing.assert_array_equal(a.arch, b.arch)
    assert not np.array_equal(a.arch, naskit.search(nb201, "py_random_test", seed=2, budget=30,
                                                       signal_epochs=12, report_epochs=200).arch)
    # A C++ strategy guided by the Python predictor.
    run = naskit.search(nb201, "bananas",
                        {"predictor": {"name": "py_nearest_test", "k": 2}, "initial": 10},
                        seed=0, budget=25, signal_epochs=12, report_epochs=200)
    assert len(run) == 25
    with pytest.raises(naskit.ConfigError, match="'k'|\"k\""):
        naskit.search(nb201, "bananas", {"predictor": {"name": "py_nearest_test", "k": "x"}},
                      budget=25, signal_epochs=12, report_epochs=200)
    with pytest.raises(naskit.ConfigError, match="already registered"):
        naskit.register_strategy("py_random_test")(PyRandom)


def test_an_error_in_a_python_plugin_names_it(nb201):
    @naskit.register_strategy("py_broken_test")
    class Broken:
        def __init__(self, context, options):
            pass

        def ask(self, n):
            raise ZeroDivisionError("boom")

        def tell(self, observations):
            pass

    with pytest.raises(Exception, match=r"py_broken_test.*ask\(\).*boom"):
        naskit.search(nb201, "py_broken_test", budget=5, signal_epochs=12, report_epochs=200)
