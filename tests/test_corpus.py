"""The Hydrosphere team's own manifests get the verdicts listed in ../shared/corpus/README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hydro_manifest import Severity, validate_file
from tests.conftest import CORPUS, needs_shared

pytestmark = needs_shared

#: Verdicts that need a later issue's rules; strict, so they fail once the rule exists.
_PENDING = {
    "hydro-serving-cli/tests/resources/deployment_configuration.yaml": (
        "tolerationSeconds with PreferNoSchedule: Kubernetes semantics come with issue 3"
    ),
}


def _verdicts() -> list[tuple[str, str]]:
    """(file pattern, verdict) rows of the corpus README's table; `…` stands for any folders."""
    readme = CORPUS / "README.md"
    if not readme.is_file():
        return []
    rows = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*(hydro-serving-[^|]+?)\s*\|\s*([^|]+?)\s*\|", line)
        if match:
            rows.append((match[1], match[2]))
    return rows


def _resolve(pattern: str) -> Path:
    head, _, tail = pattern.partition("/…/")
    found = sorted((CORPUS / head).glob(f"**/{tail}")) if tail else [CORPUS / pattern]
    assert len(found) == 1, f"{pattern} matches {found}"
    return found[0]


def _params() -> list[pytest.ParameterSet]:
    params = []
    for pattern, verdict in _verdicts():
        path = _resolve(pattern)
        relative = path.relative_to(CORPUS).as_posix()
        marks = []
        if relative in _PENDING:
            marks.append(pytest.mark.xfail(reason=_PENDING[relative], strict=True))
        params.append(pytest.param(path, verdict, id=relative, marks=marks))
    return params


def test_the_corpus_readme_lists_every_manifest() -> None:
    listed = {_resolve(pattern) for pattern, _ in _verdicts()}
    on_disk = {p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml")}
    assert listed == on_disk


@pytest.mark.parametrize(("path", "verdict"), _params())
def test_corpus_verdict(path: Path, verdict: str) -> None:
    report = validate_file(path)
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in report.diagnostics if d.severity is Severity.WARNING]
    assert not any(d.rule == "HY000" for d in report.diagnostics)
    if verdict == "fail":
        assert errors
    else:
        assert verdict.startswith("pass")
        assert errors == []
        counted = re.search(r"(\d+) warnings?", verdict)
        if counted:
            assert len(warnings) == int(counted[1])


#: The error each failing corpus file is failed for (the "why" column of the README).
_WHY = {
    "face_detection/serving.yaml": {("HY306", 13, 14)},
    "estimator/serving.yaml": {("HY104", 25, 3)},
    "2-monitoring-models.yml": {("HY301", 1, 1)},
    "3-claims-model.yml": {("HY214", 33, 17)},
    "local_dev/serving.yaml": {("HY311", 11, 5), ("HY311", 14, 5), ("HY311", 18, 5)},
    "apply/serving.yml": {("HY301", 1, 1)},
    "upload/serving.yml": {("HY301", 1, 1)},
}


@pytest.mark.parametrize("suffix", sorted(_WHY))
def test_corpus_failures_are_for_the_documented_reason(suffix: str) -> None:
    (path,) = [p for p in CORPUS.rglob("*") if p.as_posix().endswith("/" + suffix)]
    report = validate_file(path)
    errors = {
        (d.rule, d.line, d.column) for d in report.diagnostics if d.severity is Severity.ERROR
    }
    assert errors == _WHY[suffix]


@pytest.mark.parametrize(
    ("suffix", "rule"),
    [
        ("2-monitoring-models.yml", "HY106"),
        ("apply/serving.yml", "HY106"),
        ("mnist_py/model/serving.yaml", "HY314"),
    ],
)
def test_corpus_warns_about_leftovers_and_spellings(suffix: str, rule: str) -> None:
    (path,) = [p for p in CORPUS.rglob("*") if p.as_posix().endswith("/" + suffix)]
    assert rule in {d.rule for d in validate_file(path).diagnostics}
