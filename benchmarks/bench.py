"""Benchmark: hydro against the YAML parser's floor and against peers, on one tree.

    python benchmarks/bench.py [--files 1000,5000,20000] [--repeats 5] [--no-peers]

Generates a deterministic tree of manifests (Models with 3 to 120 contract fields,
Applications referencing them, DeploymentConfigurations), then times, alternating the
commands in every repeat so that the machine's drift cancels out:

- floor: one Python process reading every file and yaml.load_all with CSafeLoader;
- as users run them: hydro lint (the file checks on: each Model's payload, install
  command, requirements and func_main.py read as well) with the default jobs and with
  --jobs 1, each a first run (no lint results cached, as on a fresh CI machine); hydro
  lint again after a lint of the same tree, with nothing changed and with one Model
  written again (what a developer's second run costs); hydro lint of a new copy of the
  tree (new inodes and times, as a CI machine's checkout) with the cache of a lint of an
  earlier copy restored (what a CI job that keeps ~/.cache/hydro costs); hydro validate of
  one Model (a whole process: start-up included);
- the manifests alone (--no-file-checks), as the peers check them: hydro lint with the
  default jobs and --jobs 1 (first runs), and hydro validate of one small file;
- peers when installed: check-jsonschema with `hydro schema`, yamllint.

Prints, per tree size, each command's min, median and max, the ratio of medians to the
floor and to peers, and the peak memory of the whole process tree (a parallel lint's
workers included) as proportional set size (PSS: a page a forked worker shares with the
parent counts once, split between them), and the largest single process's resident peak
when they differ. The tree's memory is sampled in one more run of each command, after the
timed ones: sampling takes CPU that a parallel lint would have used. Peers are timed on
one size. Bytecode is compiled first. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

TYPES = ["int64", "double", "float32", "string", "bool", "int32"]
PROFILES = {"string": "categorical", "bool": "categorical"}
FLOOR = """
import os, sys, yaml
loader = yaml.CSafeLoader
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(folder, name), "rb") as stream:
                for _ in yaml.load_all(stream.read(), Loader=loader):
                    pass
"""


#: What each Model's payload ships: the module the Python runtime imports, and pinned
#: requirements its install command installs (read when the file checks are on).
FUNC_MAIN = """import numpy as np
from sklearn.linear_model import LogisticRegression

MODEL = LogisticRegression()


def predict(**inputs):
    return {"score": np.float64(len(inputs))}
"""
REQUIREMENTS = "numpy==1.21.6\nscikit-learn==1.0.2\n"  # releases for the image's Python 3.7


def generate(root: Path, count: int, seed: int = 7) -> Path:
    """`count` manifests: 70% Models (each in a folder with its payload: src/func_main.py
    and requirements.txt), 20% Applications (half of them two-stage pipelines), 10%
    DeploymentConfigurations. Every tenth Model is a second stage: it takes the `score`
    that every Model returns, so each pipeline's stages fit."""
    rng = random.Random(seed)
    models = max(2, count * 70 // 100)
    configs = max(1, count * 10 // 100)
    apps = count - models - configs
    for n in range(models):
        fields = rng.randint(3, 120) if n % 10 else 0
        lines = [
            "kind: Model",
            f"name: model-{n}",
            "runtime: hydrosphere/serving-runtime-python-3.7:3.0.0",
            "install-command: pip install -r requirements.txt",
            "payload: [src/, requirements.txt]",
            "metadata:",
            f"  team: team-{n % 17}",
            f'  release: "{n % 9}.{n % 13}"',
            "contract:",
            "  name: predict",
            "  inputs:",
        ]
        for f in range(fields):
            kind = rng.choice(TYPES)
            shape = "scalar" if rng.random() < 0.8 else f"[-1, {rng.randint(2, 64)}]"
            profile = PROFILES.get(kind, "numerical")
            lines += [
                f"    feature_{f}:",
                f"      shape: {shape}",
                f"      type: {kind}",
                f"      profile: {profile}",
            ]
        if not fields:  # a second stage
            lines += [
                "    score:",
                "      shape: scalar",
                "      type: double",
                "      profile: numerical",
            ]
        lines += [
            "  outputs:",
            "    score:",
            "      shape: scalar",
            "      type: double",
            "      profile: numerical",
        ]
        folder = root / "models" / f"m{n // 100:03d}" / f"model-{n}"
        (folder / "src").mkdir(parents=True, exist_ok=True)
        (folder / "serving.yaml").write_text("\n".join(lines) + "\n")
        (folder / "src" / "func_main.py").write_text(FUNC_MAIN)
        (folder / "requirements.txt").write_text(f"# model-{n}\n{REQUIREMENTS}")  # each its own
    for n in range(configs):
        folder = root / "configs"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"config-{n}.yaml").write_text(
            f"kind: DeploymentConfiguration\nname: config-{n}\nhpa:\n  minReplicas: 1\n"
            f"  maxReplicas: {2 + n % 8}\n  cpuUtilization: 70\ncontainer:\n  resources:\n"
            "    limits: {cpu: '2', memory: 4Gi}\n    requests: {cpu: 500m, memory: 2Gi}\n"
        )
    for n in range(apps):
        folder = root / "apps" / f"a{n // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        first = rng.randrange(models)
        config = f"config-{n % configs}"
        if n % 2:
            second = rng.randrange(0, models, 10)
            body = (
                f"pipeline:\n  - - model: model-{first}:1\n      deployment-config: {config}\n"
                f"  - - model: model-{second}:1\n"
            )
        else:
            body = f"singular:\n  model: model-{first}:1\n  deployment-config: {config}\n"
        (folder / f"app-{n}.yaml").write_text(f"kind: Application\nname: app-{n}\n{body}")
    return root


def measure(
    command: list[str], environment: dict[str, str], *, sample_memory: bool = False
) -> tuple[float, int, int, int]:
    """Seconds, peak memory of the whole process tree and resident peak of its largest
    process (KiB), and exit status of one run. With `sample_memory`, the tree's memory
    (PSS, `_tree_rss`; at least the largest process's resident peak, which sampling may
    miss) is read from /proc every 10 ms (Linux; elsewhere only the largest process is
    known, from the kernel's accounting); without, the tree's figure is the largest
    process's. Sampling takes CPU a parallel lint would use (about 9% of the default `hydro
    lint`'s time at 5,000 on 2 CPUs), so runs that are timed do not sample."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment
    )
    peak_tree = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak_tree[0] = max(peak_tree[0], _tree_rss(process.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    if sample_memory:
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    done.set()
    if sample_memory:
        sampler.join()
    largest = usage.ru_maxrss
    return elapsed, max(peak_tree[0], largest), largest, os.waitstatus_to_exitcode(status)


def _tree_rss(root: int) -> int:
    """The proportional memory (PSS, KiB) of a process and all its descendants, now: a
    page shared by n processes (a forked worker's inherited pages) counts 1/n in each, so
    the sum is the memory the tree takes. Where the kernel has no smaps_rollup, resident
    memory (shared pages then count in each process). Each process's children are read
    from /proc/PID/task/TID/children: scanning all of /proc every 10 ms would take CPU
    from the command measured (a parallel lint uses every core)."""
    page_kib = os.sysconf("SC_PAGE_SIZE") // 1024
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            total += _pss(pid) or _rss(pid, page_kib)
            for thread in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{thread}/children") as stream:
                    stack.extend(int(child) for child in stream.read().split())
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    return total


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss(pid: int, page_kib: int) -> int:
    with open(f"/proc/{pid}/statm") as stream:
        return int(stream.read().split()[1]) * page_kib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--files", default="1000,5000,20000", help="tree sizes, comma-separated [1000,5000,20000]"
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--peers-files",
        type=int,
        default=1000,
        help="the one tree size peers are timed on (they take minutes on large trees)",
    )
    parser.add_argument("--no-peers", action="store_true", help="time hydro and the floor only")
    args = parser.parse_args()
    # Bytecode as an installed package has it, for every process: timing the compiler would
    # measure what users never run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    root = Path(__file__).resolve().parent.parent / "hydro_manifest"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root)], check=True)
    print(
        f"{args.repeats} repeats of each command, alternating; {len(os.sched_getaffinity(0))} "
        f"CPUs available; Python {sys.version.split()[0]}; "
        f"`python benchmarks/bench.py --files {args.files} --repeats {args.repeats}`"
    )
    for size in (int(n) for n in args.files.split(",")):
        with tempfile.TemporaryDirectory(prefix="hydro-bench-") as temp:
            timings = run_tree(Path(temp), size, args, peers=size == args.peers_files)
        report(size, *timings)


Timings = tuple[dict[str, list[float]], dict[str, int], dict[str, int]]


class Command(NamedTuple):
    """A command timed, the cache folder its hydro keeps lint results in, and what is done
    before each of its runs (untimed)."""

    argv: list[str]
    cache: Path | None = None
    before: Callable[[], object] | None = None


def run_tree(temp: Path, size: int, args: argparse.Namespace, *, peers: bool) -> Timings:
    python = sys.executable
    hydro = [python, "-m", "hydro_manifest"]
    tree = generate(temp / "tree", size)
    time.sleep(1.1)  # files changed within a second of a lint are not cached (racily clean)
    one = next((tree / "apps").rglob("*.yaml"))
    model = tree / "models" / "m000" / "model-0" / "serving.yaml"
    schema = temp / "hydro.schema.json"
    subprocess.run([*hydro, "schema", "-o", str(schema)], check=True)
    files = [str(p) for p in sorted(tree.rglob("*.yaml"))]

    def first_run(argv: list[str], name: str) -> Command:
        """Run as on a fresh CI machine: no lint results kept (the shell grammar's tables,
        which hydro builds once per installation, are)."""
        cache = temp / "cache" / name
        return Command(argv, cache, lambda: shutil.rmtree(cache / "lint", ignore_errors=True))

    def again(argv: list[str], name: str, before: Callable[[], object] | None = None) -> Command:
        """Run after a run of the same tree (made once, untimed), as a developer runs it."""
        cache = temp / "cache" / name
        subprocess.run(argv, env=_with_cache(cache), stdout=subprocess.DEVNULL, check=False)
        return Command(argv, cache, before)

    def edit_one_model() -> None:  # (the same text written again: a new change time)
        model.write_text(model.read_text())

    checkout = temp / "checkout"  # the tree as a CI machine checks it out: anew each run

    def new_checkout() -> None:
        shutil.rmtree(checkout, ignore_errors=True)
        shutil.copytree(tree, checkout, symlinks=True)

    def restored(name: str) -> Command:
        """Run on a new checkout, with the cache a lint of an earlier one left restored."""
        argv = [*hydro, "lint", str(checkout)]
        cache, kept = temp / "cache" / name, temp / "cache" / f"{name}-kept"
        new_checkout()
        subprocess.run(argv, env=_with_cache(kept), stdout=subprocess.DEVNULL, check=False)

        def before() -> None:
            new_checkout()
            shutil.rmtree(cache, ignore_errors=True)
            shutil.copytree(kept, cache)

        return Command(argv, cache, before)

    lint = [*hydro, "lint", str(tree)]
    lint_alone = [*hydro, "lint", "--no-file-checks"]
    commands: dict[str, Command] = {
        # as users run them first: the file checks on, the CPUs the machine has, a first run
        "floor (CSafeLoader)": Command([python, "-c", FLOOR, str(tree)]),
        "hydro lint": first_run(lint, "lint"),
        "hydro lint --jobs 1": first_run([*hydro, "lint", "--jobs", "1", str(tree)], "jobs1"),
        "hydro lint again, nothing changed": again(lint, "again"),
        "hydro lint again, one Model changed": again(lint, "edited", edit_one_model),
        "hydro lint in a new checkout, cache restored": restored("restored"),
        "hydro validate one Model": Command([*hydro, "validate", str(model)]),
        # the manifests alone, as the peers check them (first runs too)
        "hydro lint --no-file-checks": first_run([*lint_alone, str(tree)], "alone"),
        "hydro lint --no-file-checks --jobs 1": first_run(
            [*lint_alone, "--jobs", "1", str(tree)], "alone1"
        ),
        "hydro validate --no-file-checks one file": Command(
            [*hydro, "validate", "--no-file-checks", str(one)]
        ),
    }
    if peers and not args.no_peers and shutil.which("check-jsonschema"):
        commands["check-jsonschema"] = Command(
            ["check-jsonschema", "--schemafile", str(schema), *files]
        )
    if peers and not args.no_peers and shutil.which("yamllint"):
        commands["yamllint"] = Command(["yamllint", "-d", "relaxed", str(tree)])
        commands["yamllint one file"] = Command(["yamllint", "-d", "relaxed", str(one)])
    times: dict[str, list[float]] = {name: [] for name in commands}
    tree_memory: dict[str, int] = dict.fromkeys(commands, 0)
    largest: dict[str, int] = dict.fromkeys(commands, 0)
    for _ in range(args.repeats):
        for name, command in commands.items():
            if command.before is not None:
                command.before()
            seconds, _, single, _status = measure(command.argv, _with_cache(command.cache))
            times[name].append(seconds)
            largest[name] = max(largest[name], single)
    for name, command in commands.items():  # memory: one run more of each, sampled, untimed
        if command.before is not None:
            command.before()
        _, whole, single, _status = measure(
            command.argv, _with_cache(command.cache), sample_memory=True
        )
        tree_memory[name] = whole
        largest[name] = max(largest[name], single)
    return times, tree_memory, largest


def _with_cache(cache: Path | None) -> dict[str, str]:
    """The environment of a command: hydro's cache in the benchmark's folder, not the user's."""
    environment = dict(os.environ)
    if cache is not None:
        environment["HYDRO_CACHE_DIR"] = str(cache)
    return environment


def report(
    size: int,
    times: dict[str, list[float]],
    tree_memory: dict[str, int],
    largest: dict[str, int],
) -> None:
    median = {name: statistics.median(values) for name, values in times.items()}
    floor = median["floor (CSafeLoader)"]
    print(f"\n{size:,} manifests")
    print("| command | min | median | max | vs floor | files/s | memory, all processes (PSS) |")
    print("|---|---|---|---|---|---|---|")
    for name, values in times.items():
        one_file = name.endswith((" one file", " one Model"))
        rate = "-" if one_file else f"{size / median[name]:,.0f}"
        ratio = "-" if one_file else f"{median[name] / floor:.2f}x"
        memory = f"{tree_memory[name] / 1024:.0f} MiB"
        if tree_memory[name] > largest[name] * 1.1:
            memory += f" (largest {largest[name] / 1024:.0f})"
        print(
            f"| {name} | {min(values):.3f} s | {median[name]:.3f} s | {max(values):.3f} s "
            f"| {ratio} | {rate} | {memory} |"
        )
    pairs = [
        ("hydro lint --no-file-checks --jobs 1", "check-jsonschema"),
        ("hydro lint --no-file-checks", "check-jsonschema"),
        ("hydro lint --no-file-checks --jobs 1", "yamllint"),
        ("hydro validate --no-file-checks one file", "yamllint one file"),
    ]
    for ours, theirs in pairs:
        if theirs in median:
            print(f"{ours} / {theirs} (medians): {median[ours] / median[theirs]:.2f}x")


if __name__ == "__main__":
    main()
