"""hydro's verdict on a func_main.py against the verdict of the runtime's real Python.

The Python runtime images run CPython 3.6 to 3.8 (and 3.9 in newer builds). hydro reads a
module in the grammar of the image's Python, compiles it to find what importing rejects
(HY810), reads the annotations importing evaluates (HY849) and the standard library's
names it takes (HY851). Each case here is compiled by the real interpreter of each of
those versions found on this machine (on the path or under pyenv's versions); the cases
of annotations and names are also run, which for them only defines functions and classes
and imports the standard library. hydro, validating a Model of that
runtime shipping the case as its func_main.py, must agree on whether the import fails.
Versions not found are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hydro_manifest import validate_file
from hydro_manifest.kinds.model.container import standard_library

#: Modules that parse in the runtime's Python but may not compile.
COMPILING = {
    "plain": "def predict(age):\n    return {'income': str(age)}\n",
    "return-outside-function": "return 1\n",
    "yield-outside-function": "yield 1\n",
    "await-outside-function": "await x\n",
    "await-outside-async": "def f():\n    await x\n",
    "break-outside-loop": "break\n",
    "continue-outside-loop": "continue\n",
    "late-future-import": "import os\nfrom __future__ import annotations\n",
    "late-future-after-docstring": "'''doc'''\nfrom __future__ import division\nx = 1\n"
    "from __future__ import division\n",
    "future-after-docstring": "'''doc'''\nfrom __future__ import division\n",
    "unknown-future": "from __future__ import nosuch\n",
    "nonlocal-at-module": "nonlocal x\n",
    "nonlocal-unbound": "def f():\n    nonlocal x\n",
    "duplicate-argument": "def f(a, a):\n    pass\n",
    "star-import-in-function": "def f():\n    from os import *\n",
    "parameter-and-global": "def f(a):\n    global a\n",
    "used-before-global": "def f():\n    print(x)\n    global x\n",
    "yield-in-list-comprehension": "def f():\n    return [(yield i) for i in x]\n",
    "yield-in-generator-expression": "def f():\n    return ((yield i) for i in x)\n",
    "continue-in-finally": "for i in x:\n    try:\n        pass\n    finally:\n        continue\n",
    "continue-in-loop-in-finally": "for i in x:\n    try:\n        pass\n    finally:\n"
    "        while y:\n            continue\n",
    "continue-in-handler-in-finally": "for i in x:\n    try:\n        pass\n    finally:\n"
    "        try:\n            pass\n        except E:\n            continue\n",
    "return-value-in-async-generator": "async def f():\n    yield 1\n    return 2\n",
    "annotated-global": "def f():\n    global x\n    x: int = 1\n",
    "two-starred-targets": "a, *b, *c = x\n",
    "starred-target-alone": "*a = x\n",
    "nested-blocks": "".join("    " * i + "for i in x:\n" for i in range(21))
    + "    " * 21
    + "pass\n",
    "long-sum": "x = a" + " + a" * 5_000 + "\n",
    "walrus": "if (n := 10) > 5:\n    pass\n",
    "parenthesized-managers": "with (open('a'), open('b')):\n    pass\n",
    "parenthesized-managers-as": "with (open('a') as f, open('b') as g):\n    pass\n",
    "parenthesized-manager-as-one-line": "x = 1; with (open('a') as f): pass\n",
    "form-feed-then-managers-as": "x = 1\x0c\nwith (open('a') as f):\n    pass\n",
    "parenthesized-tuple-as": "with (open('a'), open('b')) as pair:\n    pass\n",
    "parenthesized-manager-and-walrus": "with (a, b):\n    pass\nif (n := 1):\n    pass\n",
    "return-starred": "def f(a):\n    return *a, 1\n",
    "return-starred-parenthesized": "def f(a):\n    return (*a, 1)\n",
    "return-starred-after-parentheses": "def f(a):\n    return (a), *a\n",
    "yield-starred": "def f(a):\n    x = yield 1, *a\n",
    "fstring-debug": "x = 1\ny = f'{x=}'\n",
    "fstring-debug-spaced": "x = 1\ny = f'{x = !r:>10}'\n",
    "fstring-keyword": "y = f'{dict(a=1)}'\n",
    "fstring-comparison": "y = f'{1==1} {1<=2}'\n",
    "fstring-format-spec": "y = f'{3:=^9}'\n",
    "fstring-same-quotes": 'y = f"{"a"}"\n',
    "fstring-other-quotes": "y = f\"{'a'}\"\n",
    "fstring-triple-quoted": 'y = f"""{"a"}"""\n',
    "fstring-nested-same-quotes": 'y = f"{f\'{"a"}\'}"\n',
    "fstring-backslash": "y = f\"{'\\n'.join([])}\"\n",
    "fstring-comment": "y = f'''{1 # one\n}'''\n",
    "decorator-subscript": "@handlers[0]\ndef f():\n    pass\n",
    "decorator-call-of-call": "@app.route()()\ndef f():\n    pass\n",
    "decorator-dotted-call": "@app.route('/', methods=['POST'])\ndef f():\n    pass\n",
    "class-decorator-lambda": "@(lambda c: c)\nclass A:\n    pass\n",
    "starred-for": "for i in *x, 1:\n    pass\n",
    "starred-for-parenthesized": "for i in (*x, 1):\n    pass\n",
    "walrus-set": "s = {1, (a := 2), b := 3}\n",
    "walrus-set-parenthesized": "s = {1, (a := 2), (b := 3)}\n",
    "walrus-set-comprehension": "s = {b := a for a in x}\n",
    "walrus-subscript": "y = x[\n    # first\n    i := 0]\n",
    "walrus-subscript-parenthesized": "y = x[( # first\n    i := 0)]\n",
    "walrus-subscript-tuple": "y = x[1, i := 0]\n",
    "walrus-subscript-parenthesized-tuple": "y = x[(1, i := 0)]\n",
    "starred-subscript": "y = x[*a]\n",
    "starred-subscript-tuple": "x[1, *a] = 1\n",
    "starred-subscript-parenthesized-tuple": "y = x[(1, *a)]\n",
    "starred-args-annotation": "def f(*a: *x):\n    pass\n",
    "async-comprehension-in-comprehension": "async def f():\n"
    "    return [[a async for a in b] for b in x]\n",
    "await-in-comprehension-in-comprehension": "async def f():\n"
    "    return {k: [await a for a in b] for k, b in x}\n",
    "async-comprehension-in-async-comprehension": "async def f():\n"
    "    return [[a async for a in b] async for b in x]\n",
    "async-comprehension-in-awaiting-comprehension": "async def f():\n"
    "    return [[a async for a in b] for b in x if await b]\n",
    "async-comprehension-in-first-iterable": "async def f():\n"
    "    return [b for b in [a async for a in x]]\n",
    "async-comprehension-in-later-iterable": "async def f():\n"
    "    return [b for c in x for b in [a async for a in c]]\n",
    "async-generator-in-comprehension": "async def f():\n"
    "    return [(a async for a in b) for b in x]\n",
    "async-as-name": "def f(async=False):\n    return async\n",
    "await-as-name-after-async-def": "async def g(x):\n    await x\n\n\nawait = 2\n",
    "async-as-name-after-one-line-async-def": "async def g(x): await x\nasync = 1\n",
    "async-as-name-in-async-def": "async def g():\n    async = 1\n",
    "async-as-name-in-function-in-async-def": "async def g():\n    def h(async):\n"
    "        return async\n",
    "await-as-name-beside-nested-async-def": "def f():\n    async def g(x):\n"
    "        return [await y for y in x]\n    await = 1\n    return await\n",
    "annotated-after-global": "def f():\n    global x\n    x = 1\n\n\nx: int = 1\n",
    "annotated-after-nested-global": "def f():\n    def g():\n        global x\n\n\n"
    "if x:\n    x: int\n",
    "annotated-before-global": "x: int = 1\n\n\ndef f():\n    global x\n",
    "class-annotated-after-global": "def f():\n    global x\n\n\nclass B:\n    x: int = 1\n",
    "match": "match x:\n    case 1:\n        pass\n",
    "except-star": "try:\n    pass\nexcept* ValueError:\n    pass\n",
}

#: Modules whose annotations importing evaluates, or does not.
ANNOTATING = {
    "builtin-generic": "def f(a: list[int]):\n    pass\n",
    "builtin-generic-returned": "def f() -> dict[str, int]:\n    pass\n",
    "type-generic": "def f(a: type[int]):\n    pass\n",
    "union": "def f(a: int | None):\n    pass\n",
    "union-none-first": "def f(a: None | str):\n    pass\n",
    "union-of-generics": "def f(a: list[int] | None):\n    pass\n",
    "module-variable": "x: dict[str, int] = {}\n",
    "class-variable": "class A:\n    y: tuple[int, ...] = ()\n",
    "abc-generic": "import collections.abc\n\n\ndef f(a: collections.abc.Sequence[int]):\n"
    "    pass\n",
    "abc-generic-imported": "from collections.abc import Sequence\n\n\n"
    "def f(a: Sequence[int]):\n    pass\n",
    "deque-generic": "import collections\n\n\ndef f(a: collections.deque[int]):\n    pass\n",
    "typing-generic": "from typing import List\n\n\ndef f(a: List[int]):\n    pass\n",
    "quoted": "def f(a: 'list[int]'):\n    pass\n",
    "postponed": "from __future__ import annotations\n\n\ndef f(a: list[int] | None):\n    pass\n",
    "typing-union": "from typing import Any, List\n\n\ndef f(a: List[int] | None, b: Any | str):\n"
    "    pass\n",
    "typing-attribute-union": "import typing\n\n\ndef f(a: typing.Optional[int] | str):\n"
    "    pass\n",
    "own-class-union": "class Row:\n    pass\n\n\ndef f(a: Row | None):\n    pass\n",
    "abc-generic-union": "import collections.abc\n\n\n"
    "def f(a: collections.abc.Sequence[int] | None):\n    pass\n",
    "local-variable": "def f():\n    x: list[int] = []\n",
    "inner-function": "def f():\n    def g(a: list[int]):\n        pass\n",
}

#: Modules that take names of the standard library at import, or later.
TAKING = {
    "typing-literal": "from typing import Literal\n",
    "typing-literal-guarded": "try:\n    from typing import Literal\nexcept ImportError:\n"
    "    Literal = None\n",
    "typing-protocol-base": "import typing\n\n\nclass Reader(typing.Protocol):\n    pass\n",
    "importlib-metadata": "import importlib.metadata\n",
    "from-importlib-metadata": "from importlib import metadata\n",
    "metadata-version": "from importlib.metadata import version\n",
    "functools-cache-decorator": "import functools\n\n\n@functools.cache\ndef f():\n    pass\n",
    "cached-property-in-class": "import functools\n\n\nclass A:\n"
    "    @functools.cached_property\n    def f(self):\n        pass\n",
    "math-prod-default": "import math\n\n\ndef f(a=math.prod):\n    pass\n",
    "typing-final-annotation": "import typing as t\n\n\ndef f(a: t.Final = 1):\n    pass\n",
    "postponed-final-annotation": "from __future__ import annotations\nimport typing\n\n\n"
    "def f(a: typing.Final = 1):\n    pass\n",
    "pairwise-in-function": "import itertools\n\n\ndef f(a):\n"
    "    return list(itertools.pairwise(a))\n",
    "pairwise-at-top": "import itertools\n\nPAIRS = list(itertools.pairwise([1, 2, 3]))\n",
    "time-ns": "import time\n\nSTARTED = time.time_ns()\n",
    "dataclasses-kw-only": "from dataclasses import KW_ONLY\n",
    "chosen-by-a-conditional": "import typing\n\nL = typing.Literal if hasattr(typing, 'Literal') "
    "else None\n",
    "chosen-by-and": "import typing\n\nL = hasattr(typing, 'Literal') and typing.Literal\n",
    "re-pattern": "import re\n\n\ndef f(p: re.Pattern):\n    pass\n",
}

#: Cases whose failure is a limit of the compiler, which Python 3.13 raised (20 nested
#: blocks, about 3,000 nested operations before): hydro running on 3.13 or later compiles
#: them, so it misses (never invents) these failures of an older runtime.
HOST_LIMITS = {"nested-blocks", "long-sum"} if sys.version_info >= (3, 13) else set()

#: Where the real interpreters are looked for, besides `python3.N` on the path.
PYENV_ROOT = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))

_IMPORT = """
import json, sys, warnings
warnings.simplefilter("ignore")
compiling, running = json.load(sys.stdin)
verdicts = {}
for name, source in {**compiling, **running}.items():
    try:
        code = compile(source, "func_main.py", "exec", dont_inherit=True)
        if name in running:  # defines functions and classes, imports the standard library
            exec(code, {"__name__": name})
        verdicts[name] = "imports"
    except (SyntaxError, RecursionError, MemoryError, TypeError, AttributeError, ImportError):
        verdicts[name] = "fails"
print(json.dumps(verdicts))
"""

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


def _interpreter(minor: int) -> str | None:
    """A working CPython 3.`minor`: a pyenv shim on the path may name one it cannot run."""
    found = [shutil.which(f"python3.{minor}")]
    found += sorted(str(p) for p in PYENV_ROOT.glob(f"versions/3.{minor}.*/bin/python3.{minor}"))
    for path in filter(None, found):
        try:
            done = subprocess.run(
                [path, "-c", f"import sys; print(sys.version_info[:2] == (3, {minor}))"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except OSError:
            continue
        if done.stdout.strip() == "True":
            return path
    return None


def _hydro(folder: Path, minor: int, source: str) -> str:
    """Whether hydro says the runtime's import of this func_main.py fails."""
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "func_main.py").write_text(source)
    manifest = folder / "serving.yaml"
    manifest.write_text(MANIFEST.format(version=f"3.{minor}"))
    rules = {d.rule for d in validate_file(manifest).diagnostics}
    return "fails" if rules & {"HY810", "HY849", "HY851"} else "imports"


@pytest.mark.parametrize("minor", [6, 7, 8, 9])
def test_hydro_agrees_with_the_runtimes_python_on_what_imports(tmp_path: Path, minor: int) -> None:
    interpreter = _interpreter(minor)
    if interpreter is None:
        pytest.skip(f"no CPython 3.{minor} on this machine (python3.{minor} or pyenv's)")
    running = {**ANNOTATING, **TAKING}
    cases = {**COMPILING, **running}
    done = subprocess.run(
        [interpreter, "-c", _IMPORT],
        input=json.dumps([COMPILING, running]),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    real = json.loads(done.stdout)
    hydro = {name: _hydro(tmp_path / name, minor, source) for name, source in cases.items()}
    missed = {name for name in cases if (hydro[name], real[name]) == ("imports", "fails")}
    assert missed <= HOST_LIMITS
    assert {name: hydro[name] for name in cases if name not in missed} == {
        name: real[name] for name in cases if name not in missed
    }
    assert real["plain"] == "imports" and real["return-outside-function"] == "fails"


#: The top-level modules of a Python's standard library, as its own library folders and
#: built-in modules show them on this machine (Linux, as the runtime images): private
#: modules and the test suite's extension modules aside.
_LIBRARY = """
import json, os, pkgutil, sys, sysconfig
stdlib = sysconfig.get_paths()["stdlib"]
names = set(sys.builtin_module_names)
names.update(m.name for m in pkgutil.iter_modules([stdlib, os.path.join(stdlib, "lib-dynload")]))
print(json.dumps(sorted(n for n in names
                        if not n.startswith(("_", "xx")) and n not in ("site-packages", "test"))))
"""


def _library(interpreter: str) -> set[str]:
    done = subprocess.run(
        [interpreter, "-c", _LIBRARY], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(done.stdout))


@pytest.mark.parametrize("minor", [6, 7, 8, 9])
def test_hydro_knows_the_standard_library_of_the_runtimes_python(minor: int) -> None:
    """Every module of the real Python 3.N's standard library is one to hydro on 3.N, and
    every module of hydro's own Python's that 3.N lacks (`tomllib` on 3.7) is not: hydro's
    tables of what was added and removed since are complete."""
    interpreter = _interpreter(minor)
    if interpreter is None:
        pytest.skip(f"no CPython 3.{minor} on this machine (python3.{minor} or pyenv's)")
    real = _library(interpreter)
    own = _library(sys.executable)
    assert {name for name in real if not standard_library.has_module(name, (3, minor))} == set()
    assert {name for name in own - real if standard_library.has_module(name, (3, minor))} == set()
    assert "json" in real and (minor < 9) == ("zoneinfo" not in real)


_HAS_NAMES = """
import importlib, json, sys, warnings
warnings.simplefilter("ignore")
found = {}
for module, names in json.load(sys.stdin).items():
    try:
        imported = importlib.import_module(module)
    except ImportError:
        found[module] = []
        continue
    present = []
    for name in names:
        try:  # what `from module import name` finds: an attribute, or a submodule
            if not hasattr(imported, name):
                importlib.import_module(module + "." + name)
            present.append(name)
        except ImportError:
            pass
    found[module] = present
print(json.dumps(found))
"""


@pytest.mark.parametrize("minor", [6, 7, 8, 9, 10, 11, 12, 13])
def test_hydro_knows_which_names_the_runtimes_library_has(minor: int) -> None:
    """Each name hydro says the standard library gained in Python 3.N is missing from the
    real 3.(N-1)'s and present in the real 3.N's: `from typing import Literal` fails on 3.7
    and imports on 3.8."""
    interpreter = _interpreter(minor)
    if interpreter is None:
        pytest.skip(f"no CPython 3.{minor} on this machine (python3.{minor} or pyenv's)")
    table = standard_library.NAMES_ADDED
    done = subprocess.run(
        [interpreter, "-c", _HAS_NAMES],
        input=json.dumps({module: sorted(names) for module, names in table.items()}),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    present = {
        (module, name) for module, names in json.loads(done.stdout).items() for name in names
    }
    expected = {
        (module, name)
        for module, names in table.items()
        for name, since in names.items()
        if since <= (3, minor)
    }
    assert present == expected
