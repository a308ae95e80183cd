#!/usr/bin/env bash
# Installs naskit's build and test dependencies from Debian's packages.
# Quick when everything is already present: apt-get runs only for what is missing.
set -euo pipefail

packages=(
  cmake g++ ninja-build ccache clang libclang-rt-14-dev clang-format clang-tidy libc++-14-dev
  libc++abi-14-dev
  libhdf5-dev libssl-dev libboost-program-options-dev libyaml-cpp-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libtorch-dev libxgboost-dev libeigen3-dev zlib1g-dev dataset-fashion-mnist python3
  librsvg2-bin  # rsvg-convert: reports write each figure as PDF beside its SVG
  libstb-dev  # stb_image: `naskit dataset` decodes PNG, JPEG, BMP, GIF, TGA and PNM images
  pybind11-dev python3-dev python3-numpy  # the Python package (python/)
  python3-pytest python3-pandas python3-matplotlib python3-venv python3-setuptools python3-wheel  # tests, tutorial
  libopenblas0-pthread  # not pulled in by --no-install-recommends; 13x faster matrix products for LibTorch
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
# Another apt run may hold the dpkg lock; wait for it instead of failing.
while pgrep -x apt-get >/dev/null || pgrep -x dpkg >/dev/null; do sleep 3; done
echo "naskit setup: installing ${missing[*]}" >&2
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
