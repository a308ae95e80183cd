"""naskit from Python: benchmarks as NumPy arrays, spaces, predictors, searches and suites.

The same C++ core as the `naskit` command line, in this process (python/README.md). Errors are
naskit.ConfigError (a ValueError), naskit.DataError (a RuntimeError) and naskit.IoError (an
OSError), with the command line's messages.
"""
import os
import sys

# RTLD_GLOBAL: plugin libraries that naskit loads on demand (the LibTorch layer, users' plugins)
# resolve the core's functions and registries from this module, as they do from the executable.
_flags = sys.getdlopenflags()
sys.setdlopenflags(_flags | os.RTLD_GLOBAL)
try:
    from . import _naskit
finally:
    sys.setdlopenflags(_flags)

from . import _paths

# Where the build put the LibTorch layer and naskit-torch, unless the environment says otherwise.
if os.path.isdir(_paths.PLUGIN_DIR):
    os.environ.setdefault("NASKIT_PLUGIN_PATH", _paths.PLUGIN_DIR)
if os.path.exists(_paths.TORCH_PROGRAM):
    os.environ.setdefault("NASKIT_TORCH_PROGRAM", _paths.TORCH_PROGRAM)

from ._naskit import (  # noqa: E402
    Benchmark,
    ConfigError,
    DataError,
    IoError,
    Observation,
    PluginContext,
    Rng,
    Space,
    Table,
    __version__,
    describe,
    load_plugin,
    open_benchmark,
    plugins,
    report,
    space,
)
from .frames import benchmark_to_pandas, load_results, results_frame  # noqa: E402
from .registration import register_predictor, register_strategy  # noqa: E402
from .runs import Predictor, SearchRun, run_suite, search  # noqa: E402

Benchmark.to_pandas = benchmark_to_pandas

__all__ = [
    "Benchmark", "ConfigError", "DataError", "IoError", "Observation", "PluginContext",
    "Predictor", "Rng", "SearchRun", "Space", "Table", "__version__", "describe",
    "load_plugin", "load_results", "open_benchmark", "plugins", "register_predictor", "register_strategy",
    "report", "results_frame", "run_suite", "search", "space",
]
