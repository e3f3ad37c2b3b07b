"""The Hydrosphere team's own manifests get the verdicts listed in ../shared/corpus/README.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hydro_manifest import Options, Severity, validate_file, validate_text
from tests.conftest import CORPUS, SHARED, needs_shared

pytestmark = needs_shared

#: The files the corpus manifests point at are not in the corpus (its README says so).
NO_FILES = Options(file_checks=False)


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
        params.append(pytest.param(path, verdict, id=path.relative_to(CORPUS).as_posix()))
    return params


def test_the_corpus_readme_lists_every_manifest() -> None:
    listed = {_resolve(pattern) for pattern, _ in _verdicts()}
    on_disk = {p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml")}
    assert listed == on_disk


@pytest.mark.parametrize(("path", "verdict"), _params())
def test_corpus_verdict(path: Path, verdict: str) -> None:
    report = validate_file(path, options=NO_FILES)
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
    # tolerationSeconds with PreferNoSchedule, twice; and matchFields on fields that
    # Kubernetes cannot select (only metadata.name, with In/NotIn and one value).
    "resources/deployment_configuration.yaml": {
        ("HY513", 117, 13),
        ("HY513", 124, 13),
        ("HY518", 29, 18),
        ("HY518", 30, 23),
        ("HY518", 41, 18),
        ("HY518", 44, 13),
    },
}


@pytest.mark.parametrize("suffix", sorted(_WHY))
def test_corpus_failures_are_for_the_documented_reason(suffix: str) -> None:
    (path,) = [p for p in CORPUS.rglob("*") if p.as_posix().endswith("/" + suffix)]
    report = validate_file(path, options=NO_FILES)
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
    assert rule in {d.rule for d in validate_file(path, options=NO_FILES).diagnostics}


def _seed_examples(kind: str) -> list[str]:
    """The YAML examples of the spec (write-definitions.md) that declare `kind`."""
    text = (SHARED / "seed" / "write-definitions.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    return [b for b in blocks if f"kind: {kind}\n" in b]


def test_the_spec_deployment_configuration_example() -> None:
    """Reported for tolerationSeconds with PreferNoSchedule, and only for what Kubernetes rejects.

    Besides the two tolerations, Kubernetes rejects the label value 'a map' (a space) and
    the matchFields keys, which can only be metadata.name.
    """
    (example,) = _seed_examples("DeploymentConfiguration")
    report = validate_text(example, filename="write-definitions.md", options=NO_FILES)
    errors = sorted(
        (d.rule, d.path[-1] if d.path else None)
        for d in report.diagnostics
        if d.severity is Severity.ERROR
    )
    assert errors == [
        ("HY513", "effect"),
        ("HY513", "effect"),
        ("HY518", "key"),
        ("HY518", "key"),
        ("HY518", "operator"),
        ("HY518", "values"),
        ("HY523", "im"),
    ]
    assert [d.rule for d in report.diagnostics if d.severity is not Severity.ERROR] == ["HY506"]
