"""hydro's verdict on generated func_main.py modules against the real Pythons' (run locally;
not part of CI).

    python fuzz/runtime_pythons.py --cases 3000 --seed 1 /path/to/python3.7 /path/to/python3.8
    python fuzz/runtime_pythons.py --modules /usr/lib/python3 --cases 4000 /path/to/python3.7

Each module joins random parts (imports of the standard library, annotations, decorators,
values computed at import) with its imports first. Each given interpreter compiles and runs
it, which only defines and imports; hydro validates a Model of that interpreter's runtime
shipping it. A module hydro says fails to import (HY810, HY849, HY851) where the real Python
imports it is a false finding, printed with the module; the reverse, a failure hydro misses,
is counted by what the Python raised. A module the real Python fails on for want of a name
the generator left out (NameError) says nothing and is left out.

With `--modules DIR`, the modules are real ones, `.py` files under DIR (a library, a
virtual environment's site-packages), compiled only, never run: hydro's verdict is then
HY810's alone.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import subprocess
import tempfile
from pathlib import Path

from hydro_manifest import validate_file

IMPORTS = [
    "from __future__ import annotations",
    "import asyncio",
    "import collections.abc",
    "import dataclasses",
    "import functools",
    "import importlib.metadata",
    "import itertools",
    "import math",
    "import re",
    "import time",
    "import typing",
    "import typing as t",
    "from collections import abc",
    "from dataclasses import dataclass",
    "from importlib import resources",
    "from typing import Any, Dict, List, Optional",
    "from typing import Final, Protocol",
    "from typing import Literal",
]
PARTS = [
    "@functools.lru_cache()\ndef f1():\n    pass",
    "@functools.cache\ndef f2():\n    pass",
    "@dataclass\nclass D:\n    x: int = 0",
    "def g1(a: list[int]):\n    pass",
    "def g2(a: List[int] | None):\n    pass",
    "def g3(a: int | None = None) -> Dict[str, Any]:\n    pass",
    "def g4(a=math.prod):\n    pass",
    "def g5(a=math.floor):\n    pass",
    "X: typing.Final = 1",
    "Y: Optional[int] = None",
    "Z = typing.Literal['a']",
    "P = list(itertools.pairwise([1, 2]))",
    "Q = list(itertools.chain([1], [2]))",
    "R = re.Pattern",
    "class C(typing.NamedTuple):\n    a: int",
    "class K(t.Protocol):\n    pass",
    "class M:\n    v: collections.abc.Sequence[int] = ()",
    "class N:\n    w: abc.Mapping = None",
    "T0 = time.time_ns()",
    "R2 = asyncio.run",
    "try:\n    from typing import Literal as L2\nexcept ImportError:\n    L2 = None",
    "if typing.TYPE_CHECKING:\n    from typing import Protocol as P2",
    "def h():\n    return functools.cache",
    "def h2():\n    x: list[int] = []\n    return x",
    "lam = lambda: math.prod([1])",
    "def k1(a, /):\n    pass",
    "def k2(a: type[int]):\n    pass",
    "def k3() -> tuple[int, ...]:\n    pass",
    "@(lambda f: f)\ndef k4():\n    pass",
    "class O:\n    pass\ndef k5(a: O | None):\n    pass",
    "def k6(a: 'int | None'):\n    pass",
    "for _i in range(1):\n    continue",
    "L3 = typing.Literal if hasattr(typing, 'Literal') else None",
    "L4 = hasattr(functools, 'cache') and functools.cache",
    "return 1",
    "def k7(a, a):\n    pass",
    "def n1(x, a):\n    return x[*a]",
    "def n2(x, a):\n    return x[(1, *a)]",
    "def n3(x):\n    return x[i := 0]",
    "def n4(x):\n    return x[(i := 0)], {1, (j := 2)}",
    "def n5(a):\n    for i in *a, 1:\n        pass",
    "def n6(a):\n    return {1, b := 2}",
    "def n7():\n    def f(*a: *x):\n        pass",
    "async def n8(x):\n    return [[a async for a in b] for b in x]",
    "async def n9(x):\n    return [[a async for a in b] async for b in x]",
    "def n10(async=False):\n    return async",
    "async def n11(x):\n    await x\nawait = 1",
]
MANIFEST = """kind: Model
name: census
runtime: hydrosphere/serving-runtime-python-{version}:3.0.3
payload: [src/]
contract:
  name: predict
  inputs:
    age: {{shape: scalar, type: int64, profile: numerical}}
  outputs:
    income: {{shape: scalar, type: string, profile: categorical}}
"""
IMPORT = """
import json, sys, warnings
warnings.simplefilter("ignore")
verdicts = {}
run, sources = json.load(sys.stdin)
for name, source in sources.items():
    try:
        # (as bytes: hydro reads the file the source is written to, coding cookie and all)
        code = compile(source.encode("utf-8"), "func_main.py", "exec", dont_inherit=True)
        if run:
            exec(code, {"__name__": "__main__"})
        verdicts[name] = "imports"
    except NameError:
        verdicts[name] = "unknown"
    except Exception as error:
        verdicts[name] = type(error).__name__
print(json.dumps([sys.version_info[0], sys.version_info[1], verdicts]))
"""
FAILING = {"HY810", "HY849", "HY851"}
#: Of real modules, which are compiled only.
NOT_COMPILING = {"HY810"}


def modules(count: int, seed: int) -> dict[str, str]:
    rnd = random.Random(seed)
    made = {}
    for number in range(count):
        head = sorted({i for i in IMPORTS if rnd.random() < 0.4}, key=lambda i: "__future" not in i)
        body = [rnd.choice(PARTS) for _ in range(rnd.randint(1, 6))]
        made[f"m{number}"] = "\n".join(head + body) + "\n"
    return made


def real_modules(folder: str, count: int, seed: int) -> dict[str, str]:
    paths = sorted(p for p in Path(folder).rglob("*.py") if p.stat().st_size < 2_000_000)
    random.Random(seed).shuffle(paths)
    found = {}
    for path in paths[:count]:
        try:
            found[str(path)] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return found


def hydro_fails(folder: Path, version: str, source: str, rules: set[str]) -> bool:
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "func_main.py").write_text(source)
    (folder / "serving.yaml").write_text(MANIFEST.format(version=version))
    return bool({d.rule for d in validate_file(folder / "serving.yaml").diagnostics} & rules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("interpreters", nargs="+")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modules", metavar="DIR", help="real modules under DIR, compiled only")
    arguments = parser.parse_args()
    run = arguments.modules is None
    if run:
        made = modules(arguments.cases, arguments.seed)
    else:
        made = real_modules(arguments.modules, arguments.cases, arguments.seed)
    rules = FAILING if run else NOT_COMPILING
    false_findings = 0
    for interpreter in arguments.interpreters:
        done = subprocess.run(
            [interpreter, "-c", IMPORT],
            input=json.dumps([run, made]),
            capture_output=True,
            text=True,
        )
        major, minor, real = json.loads(done.stdout)
        version = f"{major}.{minor}"
        missed: collections.Counter[str] = collections.Counter()
        with tempfile.TemporaryDirectory() as folder:
            for name, source in made.items():
                if real[name] == "unknown":
                    continue
                fails = hydro_fails(Path(folder), version, source, rules)
                if fails and real[name] == "imports":
                    false_findings += 1
                    print(f"false finding on {version}:\n{source if run else name}")
                elif not fails and real[name] != "imports":
                    missed[real[name]] += 1
                    if not run:
                        print(f"missed on {version}: {name} ({real[name]})")
        print(f"Python {version}: missed {dict(missed) or 'nothing'}")
    print(f"false findings: {false_findings}")
    raise SystemExit(1 if false_findings else 0)


if __name__ == "__main__":
    main()
