"""Hostile and degenerate inputs finish quickly, in a real process, with a located finding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(path: Path) -> tuple[int, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", "-f", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout)


def rules_of(report: dict) -> list[tuple[str, int, int]]:
    return [(d["rule"], d["line"], d["column"]) for d in report["diagnostics"]]


def billion_laughs(levels: int) -> str:
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\nkind: Model\n"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("billion-laughs", billion_laughs(12), [("HY010", 4, 5)]),
        ("recursive-alias", "kind: Model\nname: &a [*a]\n", [("HY010", 2, 7)]),
        ("deep-nesting", "kind: Model\nname: " + "[" * 100_000 + "]" * 100_000 + "\n", None),
        ("python-tag", 'kind: !!python/object/apply:os.system ["id"]\n', [("HY009", 1, 7)]),
        ("empty", "", [("HY006", 1, 1)]),
        ("comments-only", "# nothing here\n", [("HY006", 1, 1)]),
        ("binary", "\x00\x01\x02kind", None),
    ],
)
def test_hostile_input_gets_a_finding_and_no_traceback(
    tmp_path: Path, name: str, text: str, expected: list[tuple[str, int, int]] | None
) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    code, report = run(path)
    assert code == 1
    found = rules_of(report)
    if expected is not None:
        assert found == expected
    else:
        assert found and all(rule.startswith("HY0") for rule, _, _ in found)


def test_deep_nesting_is_reported_where_it_gets_too_deep(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("kind: Model\nname: " + "[" * 100_000 + "]" * 100_000 + "\n")
    _, report = run(path)
    (diagnostic,) = report["diagnostics"]
    assert (diagnostic["rule"], diagnostic["line"]) == ("HY011", 2)
