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
# LibTorch translation units are parsed against libc++: clang (14 and 16 alike) cannot compile
# Debian's LibTorch 1.13 headers in C++20 mode against libstdc++ 12's constexpr std::vector
# (std::vector<c10::IValue> of an incomplete type).
cmake -S . -B build-lint -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON >/dev/null
list_units() {  # $1: "torch" or "core"
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
torch_targets = ("naskit_training.dir", "naskit-torch.dir", "naskit_torch_tests.dir",
                 "neural_predictor_perf.dir")
want_torch = sys.argv[1] == "torch"
units = json.load(open("build-lint/compile_commands.json"))
for f in sorted({u["file"] for u in units
                 if any(t in u["command"] for t in torch_targets) == want_torch}):
    print(f)
PY
}
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
{
  list_units core | sed 's/^/core /'
  list_units torch | sed 's/^/torch /'
} | xargs -P "$(nproc)" -L 1 sh -c '
  if [ "$0" = torch ]; then set -- --extra-arg=-stdlib=libc++ "$1"; fi
  exec clang-tidy -p build-lint --quiet --warnings-as-errors="*" "$@"' >"$log" 2>&1 || status=$?
grep -v -E '^[0-9]+ (warnings?|errors?)( and [0-9]+ errors?)? generated\.$' "$log" || true
if [ "$status" -ne 0 ]; then
  echo "clang-tidy: findings above" >&2
  exit 1
fi
echo "clang-tidy: $(list_units core | wc -l) + $(list_units torch | wc -l) (LibTorch) translation units clean"
