#!/usr/bin/env bash
# naskit's main job: installs what is missing, builds, imports NAS-Bench-201 from the shared CSVs
# (../shared/data/derived beside the checkout, or $NASKIT_DATA/derived), runs the quickstart suite
# and writes its report to results/quickstart/report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
data="${NASKIT_DATA:-../shared/data}/derived"
if [ ! -f build/nb201.h5 ]; then
  if [ ! -f "$data/nb201.csv" ]; then
    echo "naskit: error: NAS-Bench-201 CSVs not found in $data (set NASKIT_DATA to the shared data folder)" >&2
    exit 2
  fi
  build/naskit import nb201 --from "$data" --out build/nb201.h5
fi
build/naskit run experiments/quickstart.yaml --jobs "$(nproc)" "$@"
build/naskit report results/quickstart
