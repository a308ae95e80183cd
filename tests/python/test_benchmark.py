"""Benchmarks and spaces from Python: views of the loaded tables, vectorised lookups, errors."""
import numpy as np
import pytest

import naskit

ALL_SKIP = ("|skip_connect~0|+|skip_connect~0|skip_connect~1|"
            "+|skip_connect~0|skip_connect~1|skip_connect~2|")


def test_tables_are_read_only_views_that_keep_the_benchmark_alive(nb201):
    table = nb201.metric("cifar10", "test_accuracy")
    values = table.values
    assert values.shape == (len(nb201), table.columns) == (15625, 2)
    assert values.dtype == np.float32
    assert not values.flags.writeable
    assert np.shares_memory(values, nb201.metric("cifar10", "test_accuracy").values)
    with pytest.raises(ValueError):
        values[0, 0] = 1
    archs = naskit.open_benchmark(nb201.path).archs
    assert archs.dtype == np.uint64 and len(archs) == 15625  # its benchmark is gone from Python
    assert archs.sum() == 15625 * 15624 // 2
    orphan = naskit.open_benchmark(nb201.path).metric("cifar10", "test_accuracy").values
    import gc
    gc.collect()
    np.testing.assert_array_equal(orphan, values)  # still the loaded data, not freed memory


def test_query_returns_the_recorded_values(nb201):
    # NAS-Bench-201's published accuracies of the cell DARTS collapses to (Dong & Yang, Table 5).
    arch = nb201.space.parse(ALL_SKIP)
    got = [nb201.query(arch, d, "test_accuracy", 200)[0]
           for d in ("cifar10", "cifar100", "imagenet16-120")]
    np.testing.assert_allclose(got, [54.30, 15.61, 16.32], atol=0.006)
    rows = np.arange(0, 15625, 7, dtype=np.uint64)
    table = nb201.metric("cifar10", "valid_accuracy")
    np.testing.assert_array_equal(nb201.query(rows, "cifar10", "valid_accuracy", 12),
                                  table.values[nb201.rows(rows), table.column(12)])
    assert np.isnan(nb201.query([15625], "cifar10", "valid_accuracy", 12)[0])  # not in the file
    row, none = nb201.rows([3, 15625])
    assert nb201.archs[row] == 3 and none == -1


def test_errors_are_python_exceptions_with_the_cli_messages(nb201, tmp_path):
    with pytest.raises(naskit.ConfigError, match="cifar1000"):
        nb201.query(0, "cifar1000", "test_accuracy")
    with pytest.raises(ValueError, match="no column for 13 epochs"):
        nb201.query(0, "cifar10", "test_accuracy", 13)
    with pytest.raises(naskit.ConfigError, match="nope"):
        nb201.space.parse("|nope~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    missing = tmp_path / "missing.h5"
    with pytest.raises((naskit.IoError, naskit.ConfigError, naskit.DataError),
                       match=str(missing)):
        naskit.open_benchmark(str(missing))
    with pytest.raises(TypeError):
        nb201.query(np.array([0.5]), "cifar10", "test_accuracy")
    with pytest.raises(naskit.ConfigError, match="unknown space .no_such_space.; known: .*nb201"):
        naskit.space("no_such_space")


def test_spaces_sample_mutate_and_encode_deterministically():
    space = naskit.space("nb201")
    assert space.size == 15625 and space.dense
    a, b = space.sample(7, n=50), space.sample(7, n=50)
    np.testing.assert_array_equal(a, b)
    rng = naskit.Rng(3)
    first, second = space.sample(rng), space.sample(rng)  # one stream, advanced in place
    assert (first, second) == tuple(space.sample(3, n=2))
    for arch in a[:10]:
        arch = int(arch)
        assert space.parse(space.format(arch)) == arch
        neighbours = space.neighbours(arch)
        assert len(neighbours) == 24  # 6 edges x 4 other operations
        for n in neighbours:
            assert sum(x != y for x, y in zip(space.choices(arch), space.choices(int(n)))) == 1
        assert space.mutate(arch, rng) in set(neighbours.tolist())
    x = space.encode(a, "onehot")
    assert x.shape == (50, 30) and set(np.unique(x)) == {0.0, 1.0}
    assert (x.sum(axis=1) == 6).all()
    assert space.from_choices(space.choices(int(a[0]))) == int(a[0])


def test_registries_are_listed_with_their_options():
    strategies = naskit.plugins("strategies")
    assert {"random", "regularized_evolution", "bananas"} <= set(strategies)
    rea = naskit.describe("strategy", "regularized_evolution")
    assert "population_size" in {o["key"] for o in rea["options"]}


def test_a_plugin_library_joins_the_registries(tmp_path):
    from conftest import BUILD_DIR
    naskit.load_plugin(str(BUILD_DIR / "tests" / "libnaskit_example_plugin.so"))
    assert "knn" in naskit.plugins("predictors")
    with pytest.raises(naskit.ConfigError, match="nothing.so"):
        naskit.load_plugin(str(tmp_path / "nothing.so"))


def test_to_pandas_has_a_row_per_architecture(nb201):
    frame = nb201.to_pandas("cifar10")
    assert len(frame) == 15625
    assert frame.loc[nb201.space.parse(ALL_SKIP), "arch"] == ALL_SKIP
    assert frame["metrics/cifar10/test_accuracy@200"].max() == pytest.approx(94.37, abs=0.01)
    assert not any(c.startswith("metrics/cifar100/") for c in frame.columns)
