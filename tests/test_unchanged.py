"""What hydro says stays what it said: reports, rule texts, schema and SARIF, compared with
the copies under tests/golden/.

They were written before the code was reorganised, so that moving code around cannot
change a single finding, message, hint, rule text or schema property unnoticed. After a
change that is meant to alter the output, write them anew and read the diff:

    HYDRO_WRITE_GOLDEN=1 pytest tests/test_unchanged.py

The corpus in ../shared is not copied into the project: only a digest of its reports is
kept.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hydro_manifest import RULES, Options, lint_paths, validate_paths
from hydro_manifest.cli import app
from tests.conftest import (
    CORPUS,
    EXAMPLES,
    FIXTURES,
    ROOT,
    fixture_files,
    needs_shared,
    with_files,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
WRITE = bool(os.environ.get("HYDRO_WRITE_GOLDEN"))
runner = CliRunner()


@pytest.fixture(autouse=True)
def _from_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the reports are relative to the checkout, wherever it lies."""
    monkeypatch.chdir(ROOT)


def _relative(paths: list[Path]) -> list[str]:
    return [os.path.relpath(p, ROOT) for p in sorted(paths)]


def _text(data: Any) -> str:
    """Canonical JSON, with the checkout's own location (in messages) left out."""
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    return text.replace(str(ROOT), "<checkout>")


def _compare(name: str, produce: Callable[[], str]) -> None:
    path = GOLDEN / name
    produced = produce()
    if WRITE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(produced, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == produced, f"{name} changed"


def _validated(paths: list[str], file_checks: bool) -> dict[str, Any]:
    return validate_paths(paths, options=Options(file_checks=file_checks)).to_json()


def test_reports_on_the_examples() -> None:
    files = _relative([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*/*.yaml")])
    _compare("validate-examples.json", lambda: _text(_validated(files, True)))
    linted = lint_paths([os.path.relpath(EXAMPLES, ROOT)], processes=1).to_json()
    _compare("lint-examples.json", lambda: _text(linted))


def test_reports_on_the_fixtures() -> None:
    lint = FIXTURES / "project"
    files = [p for p in fixture_files() if lint not in p.parents]
    checked = _relative([p for p in files if with_files(p)])
    without = _relative([p for p in files if not with_files(p)])

    def reports() -> str:
        folders = sorted(p for p in lint.iterdir() if p.is_dir())
        return _text(
            {
                "validate, file checks on": _validated(checked, True),
                "validate, file checks off": _validated(without, False),
                "lint": {
                    f.name: lint_paths(
                        [os.path.relpath(f, ROOT)], options=Options(file_checks=False)
                    ).to_json()
                    for f in folders
                },
            }
        )

    _compare("fixtures.json", reports)


@needs_shared
def test_reports_on_the_corpus() -> None:
    files = _relative([*CORPUS.rglob("*.yaml"), *CORPUS.rglob("*.yml")])
    validated = _validated(files, False)
    linted = lint_paths([os.path.relpath(CORPUS, ROOT)], options=Options(file_checks=False))
    produced = _text({"validate": validated, "lint": linted.to_json()})
    digest = hashlib.sha256(produced.encode()).hexdigest()
    summary = {"validate": validated["summary"], "lint": linted.summary(), "sha256": digest}
    _compare("corpus-digest.json", lambda: _text(summary))


def test_rules_schema_and_sarif() -> None:
    def rules() -> str:
        listed = runner.invoke(app, ["rules"]).output
        explained = [runner.invoke(app, ["rules", rule]).output for rule in sorted(RULES)]
        return listed + "\n".join(explained)

    _compare("rules.txt", rules)
    _compare("schema.json", lambda: runner.invoke(app, ["schema"]).output)

    def sarif() -> str:
        from hydro_manifest.reporters.sarif import sarif as build

        report = lint_paths([os.path.relpath(EXAMPLES, ROOT)], processes=1)
        data = build(report)
        data["runs"][0]["originalUriBaseIds"] = {}  # the checkout's own location
        stream = io.StringIO()
        json.dump(data, stream, indent=1, ensure_ascii=False)
        return stream.getvalue().replace(str(ROOT), "<checkout>") + "\n"

    _compare("lint-examples.sarif", sarif)
