#!/usr/bin/env bash
# naskit on a real Slurm (scripts/slurm_local.sh: this machine as a one-node cluster):
#  1. NB201's paper suite as a 4-task job array merges to result files equal, timing aside, to a
#     single process's;
#  2. `bench build` of a small NB201 subset as a 4-task array merges into a file whose tables equal a
#     single-process build's (measured seconds and latencies aside);
#  3. `zc` as a 4-task array merges into the same bytes as one whole run;
#  4. a real-training search whose trainings are Slurm jobs finishes when one of its trainings is
#     cancelled (a failed evaluation), and resumes when the search's own job is cancelled and
#     submitted again (the finished trainings reused, nothing recorded twice).
# Exits 77 (skipped, saying why) where this machine cannot run slurmd.
set -euo pipefail
build=$(realpath "$1")
naskit=$build/naskit
cd "$(dirname "$0")/../.."
if ! env_line=$(scripts/slurm_local.sh start); then
  status=$?
  if [ "$status" -eq 3 ]; then
    echo "skipped: this machine cannot run slurmd (scripts/slurm_local.sh start said why)"
    exit 77
  fi
  exit "$status"
fi
eval "$env_line"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

same_results() {  # every result file of $1 equals $2's, timing aside
  PYTHONPATH=$build/python /usr/bin/python3 - "$1" "$2" <<'PY'
import json, pathlib, sys
a, b = (pathlib.Path(p) for p in sys.argv[1:3])
files = sorted(p.relative_to(a) for p in a.rglob("seed-*.json"))
assert files and files == sorted(p.relative_to(b) for p in b.rglob("seed-*.json")), "different runs"
for f in files:
    x, y = (json.loads((root / f).read_text()) for root in (a, b))
    x.pop("timing"); y.pop("timing")
    assert x == y, f
print(f"{len(files)} result files equal, timing aside")
PY
}

# 1. A search suite.
"$naskit" slurm --tasks 4 --wait --scripts "$tmp/scripts" -- \
  run experiments/nb201_paper.yaml --out "$tmp/array" >/dev/null
for task in 1 2 3 4; do grep -q "share $task of 4" "$tmp"/scripts/logs/naskit-run-*_"$task".out; done
"$naskit" run experiments/nb201_paper.yaml --out "$tmp/single" --jobs 2 --quiet
same_results "$tmp/array" "$tmp/single"
test -f "$tmp/array/report/summary.md"

# 2. A benchmark build.
build_options=(--max-classes 12 --seeds 0 --epochs 1 --train-subset 128 --valid-size 64
               --test-subset 64 --workers 1)
"$naskit" slurm --tasks 4 --wait --scripts "$tmp/scripts" -- \
  bench build --out "$tmp/array.h5" "${build_options[@]}" >/dev/null
for task in 1 2 3 4; do grep -q "share $task of 4" "$tmp"/scripts/logs/naskit-bench-*_"$task".out; done
"$naskit" bench build --out "$tmp/single.h5" "${build_options[@]}" 2>/dev/null
PYTHONPATH=$build/python /usr/bin/python3 - "$tmp/array.h5" "$tmp/single.h5" <<'PY'
import sys
import numpy as np
import naskit
a, b = (naskit.open_benchmark(p) for p in sys.argv[1:3])
assert a.tables() == b.tables() and list(a.archs) == list(b.archs)
measured = ("cost/", "hardware/")  # seconds and latencies: measured, so never equal
compared = [t for t in a.tables() if not t.startswith(measured)]
for t in compared:
    np.testing.assert_array_equal(a.table(t).values, b.table(t).values, err_msg=t)
print(f"{len(compared)} tables equal ({len(a)} rows), measured times aside")
PY
# 3. Zero-cost scores as an array, on the benchmark just built.
cp "$tmp/single.h5" "$tmp/zc_whole.h5"
cp "$tmp/single.h5" "$tmp/zc_array.h5"
zc_options=(--features-of fashion-mnist --proxies synflow,params --limit 24 --channels 4 --cells 1
            --image-size 8 --threads 1)
"$naskit" zc --benchmark "$tmp/zc_whole.h5" "${zc_options[@]}" >/dev/null 2>&1
"$naskit" slurm --tasks 4 --wait --scripts "$tmp/scripts" -- \
  zc --benchmark "$tmp/zc_array.h5" "${zc_options[@]}" >/dev/null
for task in 1 2 3 4; do grep -q "share $task of 4" "$tmp"/scripts/logs/naskit-zc-*_"$task".out; done
cmp "$tmp/zc_whole.h5" "$tmp/zc_array.h5"
! ls "$tmp"/zc_array.h5.share-* 2>/dev/null
echo "zc: the merged shares equal one whole run, byte for byte"

# 4. A real-training search with its trainings as Slurm jobs.
suite=tests/slurm/training_suite.yaml
result() {  # the run's result file, or nothing
  find "$1/real" -name seed-0.json 2>/dev/null | head -1
}
wait_for() {  # polls the command "$@" for up to 120 s
  for _ in $(seq 600); do if "$@"; then return 0; fi; sleep 0.2; done
  echo "timed out waiting for: $*" >&2; return 1
}
training_job() { squeue -h -n naskit-train -o %i | head -1 | grep .; }
# 4a. The search on this machine, one of its trainings cancelled.
"$naskit" run "$suite" --out "$tmp/cancelled-training" --quiet 2>"$tmp/4a.log" &
search=$!
wait_for training_job >/dev/null
sleep 1
scancel "$(training_job)"
wait "$search"
PYTHONPATH=$build/python /usr/bin/python3 - "$(result "$tmp/cancelled-training")" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["final"]["queries"] == 3, r["final"]
failed = r["failed_queries"]
assert len(failed) == 1 and "CANCELLED" in failed[0]["reason"], failed
print("a cancelled training is a failed evaluation:", failed[0]["reason"][:80], "...")
PY
# 4b. The search itself a Slurm job: cancelled after its first training, then submitted again.
records() { find "$tmp/resumed/trainings" -name '*-e3.json' 2>/dev/null | grep -q .; }
search_job=$(sbatch --parsable --cpus-per-task=1 -o "$tmp/search-%j.out" \
  --wrap "$naskit run $suite --out $tmp/resumed --quiet")
wait_for records
scancel "$search_job"
gone() { ! squeue -h -j "$search_job" 2>/dev/null | grep -q .; }
wait_for gone
grep -q "interrupted" "$tmp/search-$search_job.out"
test -z "$(result "$tmp/resumed")"  # the interrupted run recorded nothing
sbatch --wait --cpus-per-task=1 -o "$tmp/search-again-%j.out" \
  --wrap "$naskit run $suite --out $tmp/resumed --quiet" >/dev/null
PYTHONPATH=$build/python /usr/bin/python3 - "$(result "$tmp/resumed")" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["final"]["queries"] == 3 and "failed_queries" not in r, r
assert r["timing"].get("reused_evaluations", 0) >= 1, r["timing"]
print(f"the resubmitted search finished, reusing {r['timing']['reused_evaluations']} training(s)")
PY
echo "slurm tests passed"
