#!/usr/bin/env python3
"""Every command of README.md, executed.

The README's commands are its indented blocks (one command per line, `\\` continuations joined, `#`
comments dropped) and its ```python blocks. PLAN below says, for each, how this test runs it, in the
order given (a report after the suite it reports on):

- verbatim, in a scratch folder laid out like the repository (`build/` holds links to the real
  build's files, so whatever a command writes, `build/nb201.h5` included, stays in the scratch folder);
- with stated edits that shrink hours of work to seconds (fewer seeds, epochs, rows or classes: the
  same code paths at a smaller size), never anything else;
- or, for the two set-up commands, as run by `.ci/run`, which must contain them.

A README command without a PLAN entry fails the test, and so does a PLAN entry that is no longer in
the README: the README cannot gain a command that nothing runs. The commands that read
`../shared/data` (or what they import from it) are skipped with a message when the data is absent,
and fail under CI=true. Usage: readme_test.py BUILD_DIR [--only TEXT] [--keep]: --only runs just the
commands containing TEXT (a report needs its suite run too), --keep leaves the scratch folder.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent


@dataclass
class Step:
    command: str  # exactly as the README has it (continuations joined, comment dropped)
    edits: list = field(default_factory=list)  # (README text, what runs instead)
    needs_data: bool = False  # reads ../shared/data or a benchmark imported from it
    check: str = ""  # a line the output must contain
    by_ci: bool = False  # run by .ci/run, not here


def more(text, added):
    """An edit that appends options to the command."""
    return (text, f"{text} {added}")


# The one-shot suite's experiments: each trains its supernet for one epoch on 500 images here.
ONE_SHOT = ["rsps", "spos", "darts_1st", "darts_2nd", "gdas", "darts_pt"]
ONE_SHOT_SMALL = " ".join(
    f"--set experiments.{e}.evaluator.epochs=1 --set experiments.{e}.evaluator.train_subset=500 "
    f"--set experiments.{e}.evaluator.valid_size=500 --set experiments.{e}.evaluator.eval_images=200"
    for e in ONE_SHOT) + " --set experiments.rsps.budgets=[20] --set experiments.spos.budgets=[20]"
# The predictor suite's experiments: two train sizes each here.
PREDICTORS_SMALL = " ".join(f"--set experiments.{e}.train_sizes=[10,23]" for e in [
    "nb201_zc", "nb201_naskit_zc", "nb201_signal", "nb201_rest", "darts", "nb101", "nb201",
    "nb201_bananas"])

PLAN = [
    Step("./scripts/quickstart.sh", by_ci=True),
    Step("./scripts/test.sh", by_ci=True),  # this test is one of its tests
    Step("build/naskit list", check="regularized_evolution"),
    Step("build/naskit describe strategy regularized_evolution", check="population_size"),
    Step("build/naskit describe experiment", check="signal_metric"),
    Step("build/naskit info benchmarks_data/nb201.h5", check="15625"),
    Step("build/naskit query --benchmark benchmarks_data/nb201.h5 --index 6111 --dataset cifar10 "
         "--metric test_accuracy --epochs 200", check="94.37"),
    Step("build/naskit import nb201 --from ../shared/data --out build/nb201.h5", needs_data=True),
    Step("build/naskit import nb101 --from ../shared/data --out build/nb101.h5", needs_data=True),
    Step("build/naskit import darts --from ../shared/data --out build/darts.h5", needs_data=True),
    Step("build/naskit run experiments/nb201_paper.yaml --jobs 2",
         [more("nb201_paper.yaml", "--set seeds=0..9")]),
    Step("build/naskit report results/nb201_paper", check="summary.md"),
    Step("build/naskit run experiments/nb201_hardware.yaml --jobs 2",
         [more("nb201_hardware.yaml", "--set seeds=0")]),
    Step("build/naskit pareto --benchmark benchmarks_data/nb201.h5 --objectives 'max test_accuracy on "
         "cifar10 at 200, min latency_ms on pixel3' --where 'test_accuracy on cifar10 at 200 >= 90'",
         check="pareto.svg"),
    Step("build/naskit devices --benchmark benchmarks_data/nb201.h5 --devices pixel3,fpga,1080ti_1",
         check="fpga"),
    Step("build/naskit run experiments/nb101_multifidelity.yaml --jobs 2",
         [more("nb101_multifidelity.yaml", "--set seeds=0..1")], needs_data=True),
    Step("build/naskit run experiments/nb101_surrogate.yaml --jobs 2",
         [more("nb101_surrogate.yaml", "--set seeds=0..1")], needs_data=True),
    Step("build/naskit run experiments/nb201_queries.yaml --set seeds=0..9 --out results/small"),
    Step("build/naskit train --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|"
         "nor_conv_3x3~1|nor_conv_1x1~2|' --dataset fashion-mnist --epochs 12 --seed 0",
         [("--epochs 12", "--epochs 1 --cells 1 --train-subset 1000 --valid-size 500 --test-subset 500")],
         check="test"),
    Step("build/naskit run experiments/fashion_mnist.yaml --jobs 2",
         [more("fashion_mnist.yaml", "--set seeds=0..9")]),
    Step("build/naskit verify results/fashion_mnist --top-k 5", [("--top-k 5", "--top-k 2")]),
    Step("build/naskit bench build --out my_benchmark.h5", [more("my_benchmark.h5", "--max-classes 2")]),
    Step("build/naskit zc --benchmark build/nb201.h5 --features-of cifar10 --rows-with synflow",
         [more("synflow", "--limit 2")], needs_data=True),
    Step("cp benchmarks_data/nb201.h5 my_nb201.h5"),
    Step("build/naskit latency --benchmark my_nb201.h5 --device-name my_cpu",
         [more("my_cpu", "--limit 3")]),
    Step("build/naskit run experiments/nb201_guided.yaml --jobs 2",
         [more("nb201_guided.yaml", "--set seeds=0 --set experiments.guided.budgets=[40]")]),
    Step("build/naskit run experiments/nb201_warm_start.yaml --jobs 2",
         [more("nb201_warm_start.yaml", "--set seeds=0..1")]),
    Step("build/naskit run experiments/darts_surrogate.yaml --jobs 2",
         [more("darts_surrogate.yaml", "--set seeds=0..1")], needs_data=True),
    Step("build/naskit surrogate build/darts.h5 --predictor gp --extra 100000 --out build/darts_surrogate.h5",
         [("--extra 100000", "--extra 1000")], needs_data=True),
    Step("build/naskit eval-predictors experiments/predictors.yaml --jobs 2",
         [more("predictors.yaml", "--set trials=0 " + PREDICTORS_SMALL)], needs_data=True),
    Step("build/naskit report results/predictors", needs_data=True),
    Step("build/naskit run experiments/fashion_mnist_real.yaml",
         [more("fashion_mnist_real.yaml", "--set seeds=0 --set experiments.real.budgets=[3] "
               "--set experiments.real.evaluator.train_subset=1000 "
               "--set experiments.real.evaluator.valid_size=500 "
               "--set experiments.real.evaluator.test_subset=500")]),
    Step("build/naskit report results/fashion_mnist_real"),
    Step("build/naskit verify results/fashion_mnist_real --top-k 3", [("--top-k 3", "--top-k 2")]),
    Step("build/naskit dataset --from my_images/ --out mine.h5 --size 32"),
    Step("build/naskit run experiments/nb201_one_shot.yaml --jobs 2",
         [more("nb201_one_shot.yaml", "--set seeds=0 " + ONE_SHOT_SMALL)]),
    Step("build/naskit report results/nb201_one_shot"),
    Step("scripts/one_shot_table.py results/nb201_one_shot"),
    Step("PYTHONPATH=build/python python3 examples/tutorial.py --out tutorial"),
    Step("python3 -m venv --system-site-packages venv && venv/bin/pip install --no-build-isolation "
         "--no-index build/python"),
    Step("python:readme.py", check="venv/lib/"),  # the README's Python block, in readme.py
    Step("build/naskit slurm --tasks 4 -- run experiments/nb201_paper.yaml --out results/paper",
         [more("--tasks 4", "--dry-run")]),
    Step("build/naskit slurm --tasks 8 --sbatch \"--partition=cpu --time=2:00:00\" -- bench build "
         "--out my_nb201.h5 --workers 2", [more("--tasks 8", "--dry-run")]),
    Step("build/naskit slurm --tasks 4 --dry-run -- eval-predictors experiments/predictors.yaml "
         "--out results/predictors", needs_data=True),
    Step("build/naskit slurm --tasks 16 -- zc --benchmark build/nb201.h5 --features-of cifar10",
         [more("--tasks 16", "--dry-run")], needs_data=True),
    # The Plugins section's install, in prose there: `cmake --install build --prefix DIR`.
    Step("cmake --install build --prefix DIR"),
    Step("cmake -S examples/plugin_predictor -B build-plugin -DCMAKE_PREFIX_PATH=DIR && "
         "cmake --build build-plugin"),
    Step("DIR/bin/naskit eval-predictors examples/plugin_predictor/suite.yaml --plugin "
         "build-plugin/libknn_predictor.so", check="knn"),
    Step("build/naskit --plugin build-plugin/libknn_predictor.so list predictors", check="knn"),
]

# Commands the README names in its prose rather than in a block, which PLAN runs too.
PROSE = {"cmake --install build --prefix DIR"}


def readme_commands(readme):
    """The README's indented command lines and Python blocks, in order."""
    commands, python_blocks = [], []
    lines = readme.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```python"):
            end = lines.index("```", i + 1)
            python_blocks.append("\n".join(lines[i + 1:end]) + "\n")
            commands.append("python:readme.py")
            i = end + 1
            continue
        if line.startswith("    ") and line.strip() and (i == 0 or not lines[i - 1].strip()
                                                          or lines[i - 1].startswith("    ")):
            text = line.strip()
            while text.endswith("\\"):
                i += 1
                text = text[:-1].rstrip() + " " + lines[i].strip()
            text = strip_comment(text)
            if text:
                commands.append(text)
        i += 1
    return commands, python_blocks


def strip_comment(text):
    """The command without its trailing `# comment` (a `#` outside quotes after a space)."""
    quote = None
    for pos, char in enumerate(text):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (pos == 0 or text[pos - 1] == " "):
            return text[:pos].rstrip()
    return text


def apply_edits(step):
    command = step.command
    for old, new in step.edits:
        if old not in command:
            sys.exit(f"readme_test: the edit {old!r} does not apply to {step.command!r}")
        command = command.replace(old, new, 1)
    return command


def make_scratch(build, data):
    """A folder laid out like the repository, beside a `shared/data` link, and the README's inputs."""
    root = Path(tempfile.mkdtemp(prefix="naskit-readme-"))
    work = root / "naskit"
    work.mkdir()
    for name in ["benchmarks_data", "examples", "experiments", "scripts"]:
        (work / name).symlink_to(SOURCE / name)
    (work / "build").mkdir()
    for entry in build.iterdir():  # the binaries, the Python package, what `cmake --install` reads
        if entry.suffix != ".h5" and entry.name not in ("Testing", "tutorial"):
            (work / "build" / entry.name).symlink_to(entry)
    if data:
        (root / "shared").mkdir()
        (root / "shared" / "data").symlink_to(data)
    # `naskit dataset --from my_images/`: two classes of three 8x8 grey images (PGM).
    for label in range(2):
        folder = work / "my_images" / f"class_{label}"
        folder.mkdir(parents=True)
        for k in range(3):
            pixels = bytes((17 * x + 31 * k + 100 * label) % 256 for x in range(64))
            (folder / f"{k}.pgm").write_bytes(b"P5\n8 8\n255\n" + pixels)
    return root, work


def main():
    args = sys.argv[1:]
    build = Path(args[0]).resolve()
    only = args[args.index("--only") + 1] if "--only" in args else None
    ci = os.environ.get("CI") == "true"
    readme = (SOURCE / "README.md").read_text()
    commands, python_blocks = readme_commands(readme)

    planned = [s.command for s in PLAN]
    unplanned = [c for c in commands if c not in planned]
    stale = [c for c in planned if c not in commands and c not in PROSE]
    stale += [c for c in PROSE if c not in readme]
    if unplanned or stale:
        for c in unplanned:
            print(f"readme_test: README command without a PLAN entry: {c}")
        for c in stale:
            print(f"readme_test: PLAN entry not in the README: {c}")
        return 1
    ci_script = (SOURCE / ".ci" / "run").read_text()
    for step in PLAN:
        if step.by_ci and step.command.removeprefix("./") not in ci_script:
            print(f"readme_test: .ci/run does not run {step.command}")
            return 1

    data = Path(os.environ.get("NASKIT_DATA", SOURCE.parent / "shared" / "data"))
    if not (data / "PROVENANCE.md").exists():
        if ci:
            print(f"readme_test: the shared NAS data is missing ({data}); CI=true needs it")
            return 1
        print(f"readme_test: {data} missing: the commands that read it are skipped")
        data = None
    root, work = make_scratch(build, data)
    prefix = root / "prefix"  # DIR of the Plugins section
    # The README's Python, and where its `naskit` came from: the virtual environment's installation.
    (work / "readme.py").write_text("".join(python_blocks) + "print(naskit.__file__)\n")
    env = dict(os.environ)
    # `python3` is the interpreter naskit's module was built for (Debian's, on a fresh machine).
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    env.pop("PYTHONPATH", None)
    failures, skipped = [], []
    for step in PLAN:
        if step.by_ci or (only and only not in step.command):
            continue
        if step.needs_data and data is None:
            skipped.append(step.command)
            continue
        if step.command.startswith("python:"):  # with the package the venv step installed
            command = f"venv/bin/python {step.command.removeprefix('python:')}"
        else:
            command = apply_edits(step).replace("DIR", str(prefix))
        start = time.monotonic()
        result = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True,
                                text=True, stdin=subprocess.DEVNULL)
        seconds = time.monotonic() - start
        output = result.stdout + result.stderr
        ok = result.returncode == 0 and step.check in output
        print(f"{'ok  ' if ok else 'FAIL'} {seconds:6.1f} s  {command}", flush=True)
        if not ok:
            print(output[-4000:])
            if result.returncode == 0:
                print(f"readme_test: the output lacks {step.check!r}")
            failures.append(step.command)
    for command in skipped:
        print(f"skipped (no shared data): {command}")
    if "--keep" in args:
        print(f"scratch folder kept: {work}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    if failures:
        print(f"readme_test: {len(failures)} README command(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
