#!/usr/bin/python3
"""The pandas reference for naskit's table queries (BENCHMARKS.md §2): the shared NB201 CSV loaded
with Debian's python3-pandas, queried the way pandas-based NAS tools do, timed in the same run as
naskit's micro-benchmarks by scripts/compare_pandas.sh.

usage: /usr/bin/python3 tests/perf/nb201_pandas_reference.py NB201_CSV
prints: one JSON object, times in nanoseconds (load in milliseconds)
"""
import json
import sys
import time

import numpy as np
import pandas as pd


def per_call_ns(function, arguments):
    start = time.perf_counter_ns()
    for a in arguments:
        function(a)
    return (time.perf_counter_ns() - start) / len(arguments)


def main(path):
    start = time.perf_counter()
    table = pd.read_csv(path).set_index("index")
    load_ms = (time.perf_counter() - start) * 1e3
    by_arch = table.reset_index().set_index("arch_str")

    rng = np.random.default_rng(1)
    indices = rng.integers(0, len(table), 100_000).tolist()
    archs = by_arch.index.to_numpy()[rng.integers(0, len(table), 100_000)].tolist()
    index_ns = per_call_ns(lambda i: table.at[i, "cifar10_test200"], indices)
    arch_ns = per_call_ns(lambda a: by_arch.at[a, "cifar10_test200"], archs)

    # One 100-query random search: sample without repeats, pick the best 12-epoch validation
    # accuracy, report its 200-epoch test accuracy (vectorised, pandas at its best).
    def random_search(seed):
        picked = table.sample(n=100, random_state=seed)
        return picked.at[picked["cifar10_valid12"].idxmax(), "cifar10_test200"]

    search_ns = per_call_ns(random_search, list(range(2_000)))
    print(json.dumps({"load_ms": load_ms, "query_by_index_ns": index_ns,
                      "query_by_arch_ns": arch_ns, "random_search_100_ns": search_ns}))


if __name__ == "__main__":
    main(sys.argv[1])
