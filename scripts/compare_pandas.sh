#!/usr/bin/env bash
# naskit's table queries against the same queries in pandas (Debian's python3-pandas), measured in
# one run on this machine; prints the Markdown rows of BENCHMARKS.md §2. Needs a built tree
# (scripts/build.sh) and the shared NB201 CSV.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${NASKIT_DATA:-../shared/data}"
if ! /usr/bin/python3 -c "import pandas" 2>/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -q python3-pandas >/dev/null
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build/tests/tabular_benchmark_perf --benchmark_filter='QueryBy|Open' --benchmark_min_time=0.5 \
  --benchmark_format=json >"$work/naskit_table.json" 2>/dev/null
build/tests/search_run_perf --benchmark_filter='/random' --benchmark_min_time=0.5 \
  --benchmark_format=json >"$work/naskit_search.json" 2>/dev/null
/usr/bin/python3 tests/perf/nb201_pandas_reference.py "$data/derived/nb201.csv" >"$work/pandas.json"
/usr/bin/python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
naskit = {}
for name in ("naskit_table.json", "naskit_search.json"):
    for b in json.load(open(f"{work}/{name}"))["benchmarks"]:
        scale = {"ns": 1, "us": 1e3, "ms": 1e6}[b["time_unit"]]
        naskit[b["name"]] = b["real_time"] * scale
pandas = json.load(open(f"{work}/pandas.json"))
rows = [
    ("open the NB201 file (naskit: 69 tables, checksum) / read nb201.csv (pandas: 12 columns)", naskit["BM_TabularBenchmark_Open"] / 1e6, pandas["load_ms"], "ms"),
    ("query by public index", naskit["BM_TabularBenchmark_QueryByIndex"], pandas["query_by_index_ns"], "ns"),
    ("query by architecture (id / string)", naskit["BM_TabularBenchmark_QueryByArch"], pandas["query_by_arch_ns"], "ns"),
    ("one 100-query random search", naskit["BM_SearchRun_100Queries/random"] / 1e3, pandas["random_search_100_ns"] / 1e3, "µs"),
]
def fmt(v):
    return f"{v:,.0f}" if v >= 100 else f"{v:.3g}"
print("| operation | naskit | pandas | ratio |")
print("| --- | --- | --- | --- |")
for what, ours, theirs, unit in rows:
    ratio = theirs / ours
    print(f"| {what} | {fmt(ours)} {unit} | {fmt(theirs)} {unit} | {ratio:,.0f}× |" if ratio >= 10
          else f"| {what} | {fmt(ours)} {unit} | {fmt(theirs)} {unit} | {ratio:.1f}× |")
PY
