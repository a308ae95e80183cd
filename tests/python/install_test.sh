#!/usr/bin/env bash
# The README's installation of the Python package, offline: a virtual environment (with Debian's
# NumPy and pandas), `pip install --no-build-isolation --no-index BUILD/python`, then naskit used
# from outside the source tree.
set -euo pipefail
build=$(realpath "$1")
python=$2  # the interpreter the module was built for
benchmark=$(realpath benchmarks_data/nb201.h5)
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
"$python" -m venv --system-site-packages "$venv"
"$venv"/bin/pip install --quiet --no-build-isolation --no-index "$build"/python
cd "$venv"
"$venv"/bin/python - "$benchmark" <<'PY'
import sys
import naskit
assert naskit.__file__.startswith(sys.prefix), naskit.__file__
b = naskit.open_benchmark(sys.argv[1])
print(f"installed naskit {naskit.__version__}: {b!r}")
PY
