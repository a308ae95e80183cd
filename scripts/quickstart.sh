#!/usr/bin/env bash
# naskit's main job: installs what is missing, builds, reproduces NAS-Bench-201's Table 5 on the
# NB201 file naskit ships (benchmarks_data/nb201.h5; no download), writes the report to
# results/quickstart/report and prints naskit's numbers beside the published ones. Extra arguments
# go to `naskit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
build/naskit run experiments/quickstart.yaml --jobs "$(nproc)" "$@"
build/naskit report results/quickstart >/dev/null
# Published: Dong & Yang, ICLR 2020, Table 5 (CIFAR-10 test accuracy, mean of 500 runs).
awk -F, 'BEGIN { paper["random"] = 93.70; paper["regularized_evolution"] = 93.92;
                 paper["reinforce"] = 93.85
                 print "NAS-Bench-201 Table 5, CIFAR-10 test accuracy after 12,000 s of search:"
                 printf "  %-22s %8s %18s %9s\n", "strategy", "paper", "naskit [95% CI]", "runs" }
         $1 == "table5" && $6 == "cifar10" && ($5 in paper) {
           printf "  %-22s %8.2f %7.2f [%.2f, %.2f] %6d\n", $5, paper[$5], $10, $12, $13, $9 }' \
  results/quickstart/report/summary.csv
echo "Full report: results/quickstart/report/summary.md"
