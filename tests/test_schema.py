"""The JSON Schema accepts what `hydro validate` accepts, and rejects typical mistakes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from hydro_manifest import Options, Severity, validate_file
from hydro_manifest.cli import app
from hydro_manifest.schema import schema
from tests.conftest import CORPUS, EXAMPLES, FIXTURES, needs_shared

runner = CliRunner()
VALIDATOR = jsonschema.Draft202012Validator(schema())


def documents(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]


def accepted(path: Path) -> bool:
    """What hydro says of a file with file checks off: no error."""
    report = validate_file(path, options=Options(file_checks=False))
    return not any(d.severity is Severity.ERROR for d in report.diagnostics)


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    for kind in ("Model", "Application", "DeploymentConfiguration"):
        jsonschema.Draft202012Validator.check_schema(schema(kind))


VALID = [
    *sorted(EXAMPLES.glob("*.yaml")),
    EXAMPLES / "census" / "serving.yaml",
    *sorted((FIXTURES / "valid").glob("*.yaml")),
    FIXTURES / "kinds" / "model" / "files" / "valid.yaml",
]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_examples_validate_against_the_schema(path: Path) -> None:
    assert accepted(path)
    for document in documents(path):
        assert list(VALIDATOR.iter_errors(document)) == []


def _corpus() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml"))


@needs_shared
@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_corpus_manifests_hydro_accepts_validate_against_the_schema(path: Path) -> None:
    if not accepted(path):
        pytest.skip("hydro rejects this manifest")
    for document in documents(path):
        assert list(VALIDATOR.iter_errors(document)) == []


BROKEN = {
    "unknown type": ("type: int64", "type: float"),
    "unknown key": ("install-command:", "instal-command:"),
    "no contract": ("contract:\n  name: predict", "contract-typo:\n  name: predict"),
    "no profile": ("      type: int64\n      profile: numerical\n", "      type: int64\n"),
    "bad shape": ("shape: scalar\n      type: int64", "shape: vector\n      type: int64"),
    "bad kind": ("kind: Model", "kind: Modle"),
    "bad name": ("name: census", "name: Census"),
}


@pytest.mark.parametrize("mistake", sorted(BROKEN))
def test_typical_mistakes_do_not_validate(mistake: str) -> None:
    good = (EXAMPLES / "census" / "serving.yaml").read_text()
    old, new = BROKEN[mistake]
    assert old in good
    (document,) = yaml.safe_load_all(good.replace(old, new, 1))
    assert list(VALIDATOR.iter_errors(document)) != []


def test_schema_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema"])
    assert json.loads(result.stdout) == schema()
    one = runner.invoke(app, ["schema", "--kind", "Model"])
    assert json.loads(one.stdout)["properties"]["kind"]["const"] == "Model"
    target = tmp_path / "hydro.schema.json"
    assert runner.invoke(app, ["schema", "-o", str(target)]).exit_code == 0
    assert json.loads(target.read_text()) == schema()
    assert runner.invoke(app, ["schema", "--kind", "Modle"]).exit_code == 2


def test_descriptions_reach_the_editor() -> None:
    model = schema("Model")
    assert model["properties"]["payload"]["description"].startswith("files and folders")
    field = model["$defs"]["ContractField"]["properties"]
    assert field["type"]["enumDescriptions"][field["type"]["enum"].index("float32")] == (
        "32-bit single-precision floating-point"
    )
    assert "profile" in model["$defs"]["ContractField"]["required"]


@pytest.mark.skipif(shutil.which("check-jsonschema") is None, reason="check-jsonschema absent")
def test_check_jsonschema_uses_the_schema(tmp_path: Path) -> None:
    """The README's recipe: `hydro schema -o FILE`, then check-jsonschema with it."""
    target = tmp_path / "hydro.schema.json"
    assert runner.invoke(app, ["schema", "-o", str(target)]).exit_code == 0
    command = ["check-jsonschema", "--schemafile", str(target)]
    good = subprocess.run(
        [*command, str(EXAMPLES / "census" / "serving.yaml")], capture_output=True, timeout=120
    )
    assert good.returncode == 0, good.stdout
    bad = subprocess.run(
        [*command, str(EXAMPLES / "broken" / "contract.yaml")], capture_output=True, timeout=120
    )
    assert bad.returncode == 1
