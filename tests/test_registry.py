"""Each rule's failing example in the registry gives the rule; its passing example is clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import (
    RULES,
    Layer,
    Options,
    Report,
    Severity,
    find_rule,
    lint_paths,
    load_text,
    validate_paths,
)
from hydro_manifest.cli import app
from hydro_manifest.requests import check_request
from hydro_manifest.requests.rules import REQUEST_MODEL
from tests.conftest import RUNTIME_RULES

#: Rules whose failing example cannot be a text (a crash of hydro, an unreadable file, a
#: symbolic link loop: test_root.py; a hundred requirements files or a 128 KiB command:
#: test_hostile_container.py), needs S3 (test_s3.py runs those against a real S3
#: server) or a running runtime (test_runtime_check.py starts real ones).
_NOT_FROM_TEXT = {
    *("HY000", "HY013", "HY014", "HY020", "HY222", "HY223", "HY819", "HY821"),
    # pip's answers (`--remote`): tests/test_resolve.py asks a package index on loopback
    *("HY842", "HY843", "HY844", "HY845", "HY846", "HY847", "HY848"),
    *RUNTIME_RULES,
}

#: The files the examples point at, as a manifest's folder would hold them (an example's
#: own files, `Rule.bad_files` and `good_files`, are written over them).
_WORKSPACE = {
    "src/func_main.py": "def predict(**inputs):\n    return inputs\n",
    "requirements.txt": "scikit-learn==1.0.2\n",
    "references/src/func_main.py": "def predict(**inputs):\n    return inputs\n",
    "data/train.csv": "age,income\n39,<=50K\n",
    "data/other.csv": "years,income\n39,<=50K\n",
    "data/empty.csv": "",
    "empty/": None,
}

#: The models and configurations the examples' applications and metrics refer to, as the
#: repository an example comes from would define them: a passing example has no note of
#: an unresolved reference either.
_REFERENCED = [
    ("Model", name)
    for name in ("census", "census_drift", "claims", "claims-pre", "scorer", "scorer-b")
] + [("DeploymentConfiguration", "large")]


def _referenced_manifests() -> str:
    documents = []
    for kind, name in _REFERENCED:
        if kind == "Model":
            documents.append(
                f"kind: Model\nname: {name}\n"
                "runtime: hydrosphere/serving-runtime-python-3.7:3.0.0\n"
                "payload: [src/]\ncontract:\n  name: predict\n"
                "  inputs: {age: {shape: scalar, type: int64, profile: numerical}}\n"
                "  outputs: {age: {shape: scalar, type: int64, profile: numerical}}\n"
            )
        else:
            documents.append(
                f"kind: {kind}\nname: {name}\nhpa: {{minReplicas: 1, maxReplicas: 2}}\n"
            )
    return "---\n".join(documents)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workspace")
    for name, text in _WORKSPACE.items():
        path = root / name
        if text is None:
            path.mkdir(parents=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    (root / "references" / "models.yaml").write_text(_referenced_manifests())
    return root


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Path:
    """A copy of the template, for one example and the files it brings."""
    return Path(shutil.copytree(template, tmp_path / "workspace"))


def _files(workspace: Path, files: tuple[tuple[str, str], ...]) -> None:
    for name, text in files:
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text(text)


#: The failing example of HY002 is Latin-1 bytes.
_ENCODINGS = {"HY002": "latin-1"}


def _text(rule_id: str, example: str) -> str | bytes:
    encoding = _ENCODINGS.get(rule_id)
    return example.encode(encoding) if encoding else example


@pytest.mark.parametrize("rule_id", sorted(set(RULES) - _NOT_FROM_TEXT))
def test_failing_example_gives_the_rule(rule_id: str, workspace: Path) -> None:
    _files(workspace, RULES[rule_id].bad_files)
    report = _check(rule_id, _text(rule_id, RULES[rule_id].bad), workspace / "bad.yaml")
    assert rule_id in {d.rule for d in report.diagnostics}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_passing_example_is_clean(rule_id: str, workspace: Path) -> None:
    _files(workspace, RULES[rule_id].good_files)
    report = _check(rule_id, RULES[rule_id].good, workspace / "good.yaml")
    assert report.diagnostics == []


def _check(rule_id: str, text: str | bytes, path: Path) -> Report:
    """Validate the example in the workspace, beside the manifests its references name;
    lint it alone, if the rule is checked across files; check it as a request body, if it
    is one."""
    if RULES[rule_id].on_requests:
        (model,) = load_text(REQUEST_MODEL, options=Options(file_checks=False))
        return check_request(model, text)  # type: ignore[arg-type]
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    try:
        if RULES[rule_id].across_documents:
            return lint_paths([str(path)])
        return validate_paths([str(path), str(path.parent / "references" / "models.yaml")])
    finally:
        path.unlink()


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_is_fully_described(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule.name and rule.summary and rule.explanation
    assert isinstance(rule.layer, Layer) and isinstance(rule.severity, Severity)
    assert find_rule(rule.name) is rule and find_rule(rule.id.lower()) is rule


def test_every_rule_is_explained_by_the_cli() -> None:
    runner = CliRunner()
    for rule in RULES.values():
        result = runner.invoke(app, ["rules", rule.id])
        assert result.exit_code == 0
        assert result.output.startswith(f"{rule.id} {rule.name} ({rule.severity.value}, ")
        assert rule.explanation in result.output
