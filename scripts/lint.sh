#!/usr/bin/env bash
# clang-format and clang-tidy over the tree (.clang-format, .clang-tidy); exits non-zero on any
# finding. `--fix-format` rewrites the files instead of checking them.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t sources < <(git ls-files '*.cc' '*.h')
if [ "${1:-}" = "--fix-format" ]; then
  clang-format -i "${sources[@]}"
  exit 0
fi
clang-format --dry-run -Werror "${sources[@]}"
echo "clang-format: ${#sources[@]} files clean"

# clang cannot read GCC's precompiled headers: lint from a compile database without them. The
# LibTorch layer (training/, naskit-torch and its tests) is left to GCC's -Wall -Wextra: clang 14
# and 16 both fail to compile Debian's LibTorch 1.13 headers in C++20 mode against libstdc++ 12
# (std::vector<c10::IValue> of an incomplete type).
cmake -S . -B build-lint -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON >/dev/null
mapfile -t units < <(/usr/bin/python3 -c '
import json
torch_targets = ("naskit_training.dir", "naskit-torch.dir", "naskit_torch_tests.dir")
units = json.load(open("build-lint/compile_commands.json"))
for f in sorted({u["file"] for u in units if not any(t in u["command"] for t in torch_targets)}):
    print(f)')
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
printf '%s\n' "${units[@]}" |
  xargs -P "$(nproc)" -n 2 clang-tidy -p build-lint --quiet --warnings-as-errors='*' >"$log" 2>&1 ||
  status=$?
grep -v -E '^[0-9]+ (warnings?|errors?)( and [0-9]+ errors?)? generated\.$' "$log" || true
if [ "$status" -ne 0 ]; then
  echo "clang-tidy: findings above" >&2
  exit 1
fi
echo "clang-tidy: ${#units[@]} translation units clean"
