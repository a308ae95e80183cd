#!/usr/bin/env bash
# Configures and builds naskit into build/ (the CLI ends up at build/naskit).
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/setup.sh"
# Debian's interpreter: the one whose packages (NumPy, pandas, pytest) setup.sh installs.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build -j "$(nproc)"
