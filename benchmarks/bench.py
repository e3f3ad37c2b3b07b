"""Benchmark: hydro against the YAML parser's floor and against peers, on one tree.

    python benchmarks/bench.py [--files 10000] [--repeats 3] [--no-peers]

Generates a deterministic tree of manifests (Models with 3 to 120 contract fields,
Applications referencing them, DeploymentConfigurations), then times, alternating the
commands in every repeat so that the machine's drift cancels out:

- floor: one Python process reading every file and yaml.load_all with CSafeLoader;
- hydro lint --jobs 1, and with the default jobs (file checks off: no payload on disk);
- hydro validate of one small file (a whole process: start-up included);
- peers when installed: check-jsonschema with `hydro schema`, yamllint.

Prints medians, ratios to the floor and peers, and the peak memory of each command
(the largest resident set of the process or any of its children). Standard library only.
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
import time
from pathlib import Path

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


def generate(root: Path, count: int, seed: int = 7) -> Path:
    """`count` manifests: 80% Models, 15% Applications, 5% DeploymentConfigurations."""
    rng = random.Random(seed)
    models = max(1, count * 80 // 100)
    configs = max(1, count * 5 // 100)
    apps = count - models - configs
    for n in range(models):
        fields = rng.randint(3, 120)
        lines = [
            "kind: Model",
            f"name: model-{n}",
            "runtime: hydrosphere/serving-runtime-python-3.7:3.0.0",
            "install-command: pip install -r requirements.txt",
            "payload: []",
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
        lines += [
            "  outputs:",
            "    score:",
            "      shape: scalar",
            "      type: double",
            "      profile: numerical",
        ]
        folder = root / "models" / f"m{n // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"model-{n}.yaml").write_text("\n".join(lines) + "\n")
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
        model = rng.randrange(models)
        (folder / f"app-{n}.yaml").write_text(
            f"kind: Application\nname: app-{n}\nsingular:\n  model: model-{model}:1\n"
            f"  deployment-config: config-{n % configs}\n"
        )
    return root


def measure(command: list[str]) -> tuple[float, int, int]:
    """Seconds, peak resident memory (KiB) and exit status of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-peers", action="store_true", help="time hydro and the floor only")
    args = parser.parse_args()
    python = sys.executable
    hydro = [python, "-m", "hydro_manifest"]
    with tempfile.TemporaryDirectory(prefix="hydro-bench-") as temp:
        tree = generate(Path(temp) / "tree", args.files)
        one = next((tree / "apps").rglob("*.yaml"))
        schema = Path(temp) / "hydro.schema.json"
        subprocess.run([*hydro, "schema", "-o", str(schema)], check=True)
        files = [str(p) for p in sorted(tree.rglob("*.yaml"))]
        commands: dict[str, list[str]] = {
            "floor (CSafeLoader)": [python, "-c", FLOOR, str(tree)],
            "hydro lint --jobs 1": [*hydro, "lint", "--no-file-checks", "--jobs", "1", str(tree)],
            "hydro lint": [*hydro, "lint", "--no-file-checks", str(tree)],
            "hydro validate one file": [*hydro, "validate", "--no-file-checks", str(one)],
        }
        if not args.no_peers and shutil.which("check-jsonschema"):
            commands["check-jsonschema"] = ["check-jsonschema", "--schemafile", str(schema), *files]
        if not args.no_peers and shutil.which("yamllint"):
            commands["yamllint"] = ["yamllint", "-d", "relaxed", str(tree)]
            commands["yamllint one file"] = ["yamllint", "-d", "relaxed", str(one)]
        times: dict[str, list[float]] = {name: [] for name in commands}
        memory: dict[str, int] = dict.fromkeys(commands, 0)
        for _ in range(args.repeats):
            for name, command in commands.items():
                seconds, peak, _status = measure(command)
                times[name].append(seconds)
                memory[name] = max(memory[name], peak)
    report(times, memory, args)


def report(times: dict[str, list[float]], memory: dict[str, int], args: argparse.Namespace) -> None:
    median = {name: statistics.median(values) for name, values in times.items()}
    floor = median["floor (CSafeLoader)"]
    print(
        f"{args.files} manifests, {args.repeats} repeats, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}"
    )
    print("| command | median | vs floor | files/s | peak memory |")
    print("|---|---|---|---|---|")
    for name, seconds in median.items():
        one_file = "one file" in name
        rate = "-" if one_file else f"{args.files / seconds:,.0f}"
        ratio = "-" if one_file else f"{seconds / floor:.2f}x"
        print(f"| {name} | {seconds:.3f} s | {ratio} | {rate} | {memory[name] / 1024:.0f} MiB |")
    pairs = [
        ("hydro lint --jobs 1", "check-jsonschema"),
        ("hydro lint", "check-jsonschema"),
        ("hydro lint --jobs 1", "yamllint"),
        ("hydro validate one file", "yamllint one file"),
    ]
    for ours, theirs in pairs:
        if theirs in median:
            print(f"{ours} / {theirs}: {median[ours] / median[theirs]:.2f}x")


if __name__ == "__main__":
    main()
