#!/usr/bin/env bash
# Installs what is missing, builds naskit and runs every test (unit, CLI, micro-benchmark smoke tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir build -j "$(nproc)" --output-on-failure
