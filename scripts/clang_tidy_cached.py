#!/usr/bin/env python3
"""clang-tidy over every translation unit of build-lint/compile_commands.json, in parallel,
skipping the units whose exact input was already found clean.

The cache key is a hash of clang-tidy's version, .clang-tidy, the unit's path and flags and the
unit preprocessed by clang as clang-tidy parses it, so the text of every header it includes counts:
any change that could change a finding reruns the unit. Only clean results are cached; a finding is
reported on every run. The cache lives in $NASKIT_TIDY_CACHE (default ~/.cache/naskit/clang-tidy).

The LibTorch translation units are parsed against libc++: clang (14 and 16 alike) cannot compile
Debian's LibTorch 1.13 headers in C++20 mode against libstdc++ 12's constexpr std::vector
(std::vector<c10::IValue> of an incomplete type).
"""
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys

TORCH_TARGETS = ("naskit_training.dir", "naskit-torch.dir", "naskit_torch_tests.dir",
                 "neural_predictor_perf.dir")
ROOT = os.getcwd()


def cache_dir():
    folder = os.environ.get("NASKIT_TIDY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "naskit", "clang-tidy")
    os.makedirs(folder, exist_ok=True)
    return folder


def check(unit, salt, cache):
    """(relative path, clang-tidy's exit status, its findings, whether the cache answered)."""
    path = os.path.relpath(unit["file"], ROOT)
    extra = ["-stdlib=libc++"] if any(t in unit["command"] for t in TORCH_TARGETS) else []
    args = shlex.split(unit["command"])
    out = args.index("-o")
    del args[out:out + 2]
    args = ["clang++"] + args[1:] + extra
    args[args.index("-c")] = "-E"
    args.insert(1, "-P")  # no line markers: the key does not depend on where the clone lies
    pre = subprocess.run(args, cwd=unit["directory"], capture_output=True, check=False)
    key = hashlib.sha256(salt)
    key.update(" ".join(args).replace(ROOT, ".").encode())
    key.update(pre.stdout)
    marker = os.path.join(cache, key.hexdigest())
    if pre.returncode == 0 and os.path.exists(marker):
        return path, 0, "", True
    tidy = ["clang-tidy", "-p", "build-lint", "--quiet", "--warnings-as-errors=*"]
    tidy += [f"--extra-arg={a}" for a in extra] + [unit["file"]]
    result = subprocess.run(tidy, capture_output=True, text=True, check=False)
    findings = "".join(
        line for line in (result.stdout + result.stderr).splitlines(keepends=True)
        if not re.match(r"^\d+ (warnings?|errors?)( and \d+ errors?)? generated\.$", line))
    if result.returncode == 0 and pre.returncode == 0:
        open(marker, "w", encoding="utf-8").close()
    return path, result.returncode, findings, False


def main():
    units = {}
    for unit in json.load(open("build-lint/compile_commands.json", encoding="utf-8")):
        units.setdefault(unit["file"], unit)
    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, text=True,
                             check=True).stdout
    with open(".clang-tidy", encoding="utf-8") as config:
        salt = (version + config.read()).encode()
    cache = cache_dir()
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        results = list(pool.map(lambda u: check(u, salt, cache),
                                (units[f] for f in sorted(units))))
    failed = [r for r in results if r[1] != 0]
    for path, _, findings, _ in failed:
        sys.stdout.write(findings or f"{path}: clang-tidy failed\n")
    cached = sum(1 for r in results if r[3])
    if failed:
        print(f"clang-tidy: findings in {len(failed)} of {len(results)} translation units",
              file=sys.stderr)
        return 1
    print(f"clang-tidy: {len(results)} translation units clean ({cached} unchanged since a clean "
          f"run, from the cache)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
