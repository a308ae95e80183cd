#!/usr/bin/env python3
"""Fails when a source file includes from a folder above its own in naskit's layering.

The folders, from the bottom: what a folder may include is its own layer and those below it.
A new top-level folder must be placed here before it can include anything.
"""
import pathlib
import re
import sys

LAYERS = [
    ["core"],
    ["spaces"],
    ["benchmarks_data"],
    ["predictors"],
    ["strategies"],
    ["records"],  # result files' formats and readers, statistics: shared by all that follows
    ["analysis"],  # reports and figures of results
    ["training"],  # LibTorch
    ["experiments"],  # the search loop, evaluators, suites and their runners
    ["experiments/cli", "experiments/torch_cli", "python"],  # the executables, the Python module
]
EXEMPT = {"tests", "examples", "build", "scripts"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path: str):
    best = None
    for rank, folders in enumerate(LAYERS):
        for folder in folders:
            if path == folder or path.startswith(folder + "/"):
                if best is None or len(folder) > len(best[1]):
                    best = (rank, folder)
    return best


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    problems = []
    for source in sorted(root.rglob("*")):
        if source.suffix not in (".h", ".cc") or not source.is_file():
            continue
        relative = source.relative_to(root).as_posix()
        top = relative.split("/")[0]
        if top in EXEMPT or top.startswith("build"):
            continue
        own = layer_of(relative)
        if own is None:
            problems.append(f"{relative}: folder {top!r} has no layer in scripts/check_layering.py")
            continue
        for included in INCLUDE.findall(source.read_text(errors="replace")):
            target = layer_of(included)
            if target is not None and target[0] > own[0]:
                problems.append(f"{relative}: includes {included!r}, from {target[1]!r}, a layer "
                                f"above {own[1]!r}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_layering: {len(problems)} include(s) climb the layering")
        return 1
    print("check_layering: every include stays in its layer or below")
    return 0


if __name__ == "__main__":
    sys.exit(main())
