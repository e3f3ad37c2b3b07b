"""Start-up: `hydro validate` of one file, paired with yamllint and with the stack's floor.

    python benchmarks/startup.py [--runs 15] [--profiles 5] [--no-file-checks] [FILE]

What pre-commit and CI run most is one short process per commit: its time is mostly
start-up. Each run times, in turn, so that the machine's drift touches all alike:

- hydro: `hydro validate FILE` (the file checks on: its payload, install command,
  requirements and func_main.py are read);
- yamllint: `yamllint FILE`, a peer that also loads PyYAML (skipped when not installed);
- floor: `python -c "import yaml, pydantic"`, the stack hydro is built on (pydantic
  imports its parts lazily: this is its package alone);
- floor+models: `import yaml` and a pydantic model of one field, the stack with what any
  model class needs;
- floor+cli: the same and `import typer`, the stack with its command-line library: what
  any command built on it pays before it reads a byte.

FILE defaults to examples/census/serving.yaml. Prints each command's min, median and max
and the medians of the pair-by-pair ratios; then `python -X importtime` of the hydro
command, self time summed by top-level package (the median of several profiles), and
the package's own modules. Bytecode is compiled first and the processes may write it
(PYTHONDONTWRITEBYTECODE is cleared): an installed package has its bytecode, and timing
the compiler would measure something users never run. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "examples" / "census" / "serving.yaml"
#: The least a pydantic model costs: a class of one field (pydantic imports its field and
#: type machinery, with annotated_types and hashlib, only when a class is built).
_ONE_MODEL = "from pydantic import BaseModel\nclass One(BaseModel):\n    x: int"
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)")


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NO_COLOR"] = "1"
    return env


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def import_profile(command: list[str], env: dict[str, str]) -> Counter[str]:
    """Self time (ms) of every imported module's own code, by top-level package."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command], env=env, capture_output=True, text=True
    )
    by_package: Counter[str] = Counter()
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            by_package[match.group(3).split(".")[0]] += int(match.group(1)) / 1000
    return by_package


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"{ordered[0] * 1000:7.1f} {statistics.median(ordered) * 1000:7.1f} "
        f"{ordered[-1] * 1000:7.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profiles", type=int, default=5)
    parser.add_argument("--no-file-checks", action="store_true", help="the manifest alone")
    args = parser.parse_args()
    env = environment()
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "hydro_manifest")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    checks = ["--no-file-checks"] if args.no_file_checks else []
    hydro = [sys.executable, "-m", "hydro_manifest", "validate", *checks, args.file]
    commands = {
        "hydro": hydro,
        "floor": [sys.executable, "-c", "import yaml, pydantic"],
        "floor+models": [sys.executable, "-c", f"import yaml\n{_ONE_MODEL}"],
        "floor+cli": [sys.executable, "-c", f"import yaml, typer\n{_ONE_MODEL}"],
    }
    yamllint = shutil.which("yamllint") or shutil.which(
        "yamllint", path=str(Path(sys.executable).parent)
    )
    if yamllint:
        commands["yamllint"] = [yamllint, args.file]
    for command in commands.values():  # warm the caches and write missing bytecode
        timed(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(timed(command, env))
    print(f"{args.runs} runs of each, in turn; ms (min, median, max)")
    for name, values in times.items():
        print(f"  {name:<13} {spread(values)}")
    for other in ("yamllint", "floor", "floor+models", "floor+cli"):
        if other in times:
            ratios = [a / b for a, b in zip(times["hydro"], times[other], strict=True)]
            print(f"  hydro / {other:<13} {statistics.median(ratios):.2f}x (median of pairs)")
    if "yamllint" in times:  # what the stack alone costs, before hydro does anything
        for floor in ("floor", "floor+models", "floor+cli"):
            ratios = [a / b for a, b in zip(times[floor], times["yamllint"], strict=True)]
            print(f"  {floor} / yamllint{'':<{13 - len(floor)}} {statistics.median(ratios):.2f}x")
    profiles = [import_profile(hydro[1:], env) for _ in range(args.profiles)]
    packages = set().union(*profiles)
    medians = {p: statistics.median(profile.get(p, 0.0) for profile in profiles) for p in packages}
    print(f"\nimport self time by package, ms (median of {args.profiles} profiles)")
    for package, ms in sorted(medians.items(), key=lambda item: -item[1])[:20]:
        print(f"  {package:<28} {ms:6.1f}")
    print(f"  {'all':<28} {sum(medians.values()):6.1f}")


if __name__ == "__main__":
    main()
