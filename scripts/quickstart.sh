#!/usr/bin/env bash
# naskit's main job: installs what is missing, builds, runs the quickstart suite on the embedded
# benchmark (benchmarks_data/nb201_fashion_mnist.h5, trained by naskit itself; no download) and writes
# its report to results/quickstart/report. Extra arguments go to `naskit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
build/naskit run experiments/quickstart.yaml --jobs "$(nproc)" "$@"
build/naskit report results/quickstart
