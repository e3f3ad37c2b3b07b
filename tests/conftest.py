"""Shared helpers: where ../shared is, and how fixtures state what they expect."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from hydro_manifest import Diagnostic

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"
SHARED = Path(os.environ.get("HYDRO_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"

_EXPECT = re.compile(
    r"^#\s*expect:\s*(?P<rule>HY\d{3})\s+(?P<line>\d+):(?P<column>\d+)\s+(?P<path>.+?)\s*$"
)

Expectation = tuple[str, int, int, str]


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


def expectations(path: Path) -> list[Expectation]:
    """The `# expect: RULE LINE:COL PATH` lines at the top of a fixture."""
    found = []
    for line in path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff").splitlines():
        match = _EXPECT.match(line)
        if match:
            found.append((match["rule"], int(match["line"]), int(match["column"]), match["path"]))
    return sorted(found)


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml"))


needs_shared = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared is not beside the checkout"
)


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default format is `github` inside GitHub Actions; tests expect the plain one."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def model_manifest(name: str, tag: str = "3.0.0") -> str:
    """A small valid Model (no payload files), for tests that need many of them."""
    return (
        f"kind: Model\nname: {name}\n"
        f"runtime: hydrosphere/serving-runtime-python-3.7:{tag}\npayload: []\n"
        "contract:\n  name: predict\n  inputs:\n"
        "    age: {shape: scalar, type: int64, profile: numerical}\n"
        "  outputs:\n    income: {shape: scalar, type: string, profile: categorical}\n"
    )
