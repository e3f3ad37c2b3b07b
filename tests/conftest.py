"""Shared helpers: where ../shared is, and how fixtures state what they expect."""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import pwd
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from hydro_manifest import Diagnostic, Rule
from hydro_manifest.conformance import rules as conformance_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The fixture folders that hold the files their manifests point at (file checks on): the
#: payload and training data, and the model's container (a folder per case).
WITH_FILES = (FIXTURES / "kinds" / "model" / "files", FIXTURES / "kinds" / "model" / "container")
EXAMPLES = ROOT / "examples"
#: The rules of a running runtime (hydro_manifest/conformance/rules.py): test_runtime_check.py.
RUNTIME_RULES = frozenset(
    value.id for value in vars(conformance_rules).values() if isinstance(value, Rule)
)
SHARED = Path(os.environ.get("HYDRO_SHARED", ROOT.parent / "shared"))

#: hydro keeps bashlex's parse tables in the user's cache folder; the tests keep theirs
#: in a folder of their own, made anew for each run (each xdist worker's too) and removed
#: when the process ends.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="hydro-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)
CORPUS = SHARED / "corpus"

_EXPECT = re.compile(
    r"^#\s*expect:\s*(?P<rule>HY\d{3})\s+(?:(?P<file>[^\s:]+):)?(?P<line>\d+):(?P<column>\d+)"
    r"\s+(?P<path>.+?)\s*$"
)

Expectation = tuple[str, int, int, str]
#: A fixture's expectation: rule, the file it is in ("" for the fixture itself, or a path
#: relative to its folder: src/func_main.py), line, column, path.
FixtureExpectation = tuple[str, str, int, int, str]


def render_path(path: tuple[str | int, ...] | None) -> str:
    """`$.contract.inputs.age.type`, `$.pipeline[1][0]`; `null` for findings outside documents."""
    if path is None:
        return "null"
    out = "$"
    for element in path:
        if isinstance(element, int):
            out += f"[{element}]"
        elif re.fullmatch(r"[\w-]+", element):
            out += f".{element}"
        else:
            out += f"[{json.dumps(element, ensure_ascii=False)}]"  # control characters escaped
    return out


def observed(diagnostics: list[Diagnostic]) -> list[Expectation]:
    return sorted((d.rule, d.line, d.column, render_path(d.path)) for d in diagnostics)


def observed_in(fixture: Path, diagnostics: list[Diagnostic]) -> list[FixtureExpectation]:
    """What a fixture's run gives, in the terms of its `# expect:` lines."""

    def where(file: str) -> str:
        found = Path(file).resolve()
        return (
            "" if found == fixture.resolve() else os.path.relpath(found, fixture.parent.resolve())
        )

    return sorted(
        (d.rule, where(d.file), d.line, d.column, render_path(d.path)) for d in diagnostics
    )


def expectations(path: Path) -> list[FixtureExpectation]:
    """The `# expect: RULE [FILE:]LINE:COL PATH` lines at the top of a fixture; FILE for a
    finding in a file beside it (src/func_main.py), relative to the fixture's folder."""
    found = []
    for line in path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff").splitlines():
        match = _EXPECT.match(line)
        if match:
            found.append(
                (
                    match["rule"],
                    match["file"] or "",
                    int(match["line"]),
                    int(match["column"]),
                    match["path"],
                )
            )
    return sorted(found)


def with_files(path: Path) -> bool:
    """Whether a fixture is checked with its files (the payload's, the container's)."""
    return any(folder in path.parents for folder in WITH_FILES)


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml"))


needs_shared = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared is not beside the checkout"
)


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default format is `github` inside GitHub Actions; tests expect the plain one."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


#: Contracts the tests share: the census model's, and the claims model's with a field of
#: each kind of value (numbers of two types, a batch of vectors, an image, text, a flag).
CENSUS_INPUTS = {"age": "{shape: scalar, type: int64, profile: numerical}"}
CENSUS_OUTPUTS = {"income": "{shape: scalar, type: string, profile: categorical}"}
CLAIMS_INPUTS = {
    "amount": "{shape: scalar, type: double, profile: numerical}",
    "age": "{shape: scalar, type: uint8, profile: numerical}",
    "history": "{shape: [-1, 3], type: int32, profile: numerical}",
    "image": "{shape: [2, 2], type: float32, profile: image}",
    "note": "{shape: scalar, type: string, profile: text}",
    "flag": "{shape: scalar, type: bool, profile: categorical}",
}
CLAIMS_OUTPUTS = {"risk": "{shape: scalar, type: double, profile: numerical}"}


#: The census model's function, as the Python runtime calls it (its inputs, its output).
CENSUS_FUNC_MAIN = 'def predict(age):\n    return {"income": str(age)}\n'


def ship_func_main(folder: Path, text: str = CENSUS_FUNC_MAIN) -> Path:
    """`src/func_main.py` in a manifest's folder, for a model whose payload lists `src/`."""
    (folder / "src").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "func_main.py").write_text(text)
    return folder / "src" / "func_main.py"


def model_manifest(
    name: str = "census",
    tag: str = "3.0.0",
    *,
    payload: str = "[]",
    extra: str = "",
    inputs: dict[str, str] = CENSUS_INPUTS,
    outputs: dict[str, str] = CENSUS_OUTPUTS,
) -> str:
    """A Model as the tests need it (by default the small valid census model, without
    payload files): `extra` lines go after the payload."""

    def fields(section: dict[str, str]) -> str:
        return "".join(f"    {field}: {definition}\n" for field, definition in section.items())

    return (
        f"kind: Model\nname: {name}\n"
        f"runtime: hydrosphere/serving-runtime-python-3.7:{tag}\npayload: {payload}\n{extra}"
        f"contract:\n  name: predict\n  inputs:\n{fields(inputs)}"
        f"  outputs:\n{fields(outputs)}"
    )


@contextmanager
def _effective_user(uid: int, gid: int) -> Iterator[None]:
    os.setegid(gid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


_LAZILY_IMPORTED = (
    "pathspec",
    "hydro_manifest.cli",
    "hydro_manifest.reporters.json_report",
    "hydro_manifest.reporters.plain",
)


@pytest.fixture
def unprivileged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Unprivileged]:
    """A folder every user can search, and a way to run code as an unprivileged user there,
    so that file permissions apply (root reads anything). As root, the code runs with the
    effective user `nobody`; what it imports lazily is imported first, as `nobody` may not
    read the virtual environment (CI's is in a private temporary folder)."""
    import shutil
    import tempfile

    # what the tests import lazily, imported while every file can still be read
    for module in _LAZILY_IMPORTED:
        importlib.import_module(module)

    folder = Path(tempfile.mkdtemp(prefix="hydro-permissions-"))
    folder.chmod(0o755)
    if os.geteuid() != 0:
        yield Unprivileged(folder, contextlib.nullcontext)
    else:
        nobody = pwd.getpwnam("nobody")
        as_nobody = lambda: _effective_user(nobody.pw_uid, nobody.pw_gid)  # noqa: E731
        yield Unprivileged(folder, as_nobody)
    for path in [folder, *folder.rglob("*")]:
        with contextlib.suppress(OSError):
            path.chmod(0o755 if path.is_dir() or not path.is_file() else 0o644)
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Unprivileged:
    folder: Path
    #: A context in which the code runs as a user that file permissions apply to.
    user: Callable[[], contextlib.AbstractContextManager[None]]
