"""Strategies and predictors written in Python, registered beside the C++ ones.

    @naskit.register_strategy("py_random", options={"batch": 1})
    class PyRandom:
        def __init__(self, context, options): ...   # context: space, rng, fidelities, dataset
        def ask(self, n): ...                        # up to n arch ids (or (arch, fidelity))
        def tell(self, observations): ...            # naskit.Observation: arch, signal, ...

    @naskit.register_predictor("py_knn", options={"k": 5})
    class Knn:
        def __init__(self, context, options): ...
        def fit(self, archs, targets, seed): ...
        def predict(self, archs): ...                # means, or (means, stds)

`options` declares each option with its default, whose type (bool, int, float, str) the values
are checked against. Every call takes the GIL: a suite with several jobs calls a Python plugin
from one thread at a time.
"""
from . import _naskit


def register_strategy(key, *, summary="", options=None):
    def register(cls):
        _naskit._register_strategy(key, cls, summary or _first_line(cls), dict(options or {}))
        return cls
    return register


def register_predictor(key, *, summary="", options=None, needs_fit=True, uncertainty=False):
    """`uncertainty`: predict() returns (mean, std), which BANANAS-like strategies acquire with."""
    def register(cls):
        _naskit._register_predictor(key, cls, summary or _first_line(cls), dict(options or {}),
                                    bool(needs_fit), bool(uncertainty))
        return cls
    return register


def _first_line(cls):
    return (cls.__doc__ or "").strip().split("\n")[0]
