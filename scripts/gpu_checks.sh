#!/usr/bin/env bash
# Builds naskit-torch against the LibTorch inside an installed PyTorch wheel (which ships LibTorch's
# headers and CMake files), then runs the checks only a CUDA machine can: a short CUDA training of the
# full NB201 network on Fashion-MNIST with its throughput, a determinism check, and (optionally) a
# benchmark build on that machine's cores. Results go to $OUT (default /tmp/naskit-gpu).
#
#   scripts/gpu_checks.sh [DATA_DIR] [BENCH_SECONDS]
#
# DATA_DIR holds the Fashion-MNIST IDX files (default: Debian's folder); BENCH_SECONDS > 0 also runs
# `bench build` with the embedded benchmark's settings for at most that long (its work folder is kept
# in $OUT, so the build can be resumed elsewhere).
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-/tmp/naskit-gpu}"
data="${1:-/usr/share/datasets/fashion-mnist}"
bench_seconds="${2:-0}"
mkdir -p "$out"
export CUBLAS_WORKSPACE_CONFIG=:4096:8   # deterministic cuBLAS

prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
start=$(date +%s)
if ! cmake -S . -B build-wheel -G Ninja -DCMAKE_BUILD_TYPE=Release -DNASKIT_CLI=OFF -DBUILD_TESTING=OFF \
     -DCMAKE_PREFIX_PATH="$prefix" >"$out/configure.log" 2>&1; then
  tail -40 "$out/configure.log"; exit 1
fi
if ! cmake --build build-wheel -j "$(nproc)" --target naskit-torch >"$out/build.log" 2>&1; then
  grep -m3 -B2 -A12 'error' "$out/build.log" | head -80; exit 1
fi
echo "build against the wheel's LibTorch: $(( $(date +%s) - start )) s"
tool=build-wheel/naskit-torch
best='|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|'
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

echo "== CUDA training: NB201 C=16 N=5, Fashion-MNIST 28x28, 50k train images, batch 256, 3 epochs"
$tool train --arch "$best" --dataset fashion-mnist --data-dir "$data" --epochs 3 --device cuda \
  --out "$out/cuda_train.json" | tee "$out/cuda_train.txt"

echo "== determinism on CUDA: the same seed twice"
for run in 1 2; do
  $tool train --arch "$best" --dataset fashion-mnist --data-dir "$data" --epochs 2 --train-subset 5000 \
    --test-subset 2000 --device cuda --seed 7 | awk '{print $1,$2,$3,$4,$5,$6,$7}' >"$out/determinism_$run.txt"
done
if cmp -s "$out/determinism_1.txt" "$out/determinism_2.txt"; then echo "identical"; else echo "DIFFERENT"; diff "$out/determinism_1.txt" "$out/determinism_2.txt"; fi

echo "== CPU training on this machine for comparison (same network, 16 threads, 1 epoch of 10k images)"
$tool train --arch "$best" --dataset fashion-mnist --data-dir "$data" --epochs 1 --train-subset 10000 \
  --test-subset 2000 --threads "$(nproc)" | tail -1

if [ "$bench_seconds" -gt 0 ]; then
  echo "== bench build (embedded benchmark settings), at most $bench_seconds s on $(nproc) workers"
  start=$(date +%s)
  timeout -s INT "$bench_seconds" $tool bench build --out "$out/nb201_fashion_mnist.h5" --data-dir "$data" \
    --seeds 0,1 --channels 4 --cells 1 --image-size 8 --train-subset 2000 --valid-size 1000 --test-subset 1000 \
    --epochs 4 --threads 1 --workers "$(nproc)" 2>&1 | tail -3
  echo "bench build: $(( $(date +%s) - start )) s"
  ls "$out/nb201_fashion_mnist.h5.work/done" | wc -l
  tar czf "$out/bench_work.tgz" -C "$out" nb201_fashion_mnist.h5.work && rm -rf "$out/nb201_fashion_mnist.h5.work"
fi
