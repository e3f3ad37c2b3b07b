"""Payload and training data resolved on disk: where from, the `resolve` command, options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from hydro_manifest import Options, lint_paths, resolve_file, validate_file, validate_text
from hydro_manifest.cli import app
from tests.conftest import FIXTURES, model_manifest, ship_func_main

runner = CliRunner()
FILES = FIXTURES / "kinds" / "model" / "files"
MANIFEST = model_manifest(
    payload="[src/, requirements.txt]", extra="training-data: data/train.csv\n"
)


def project(root: Path) -> Path:
    """A model folder with everything MANIFEST points at."""
    ship_func_main(root)
    (root / "requirements.txt").write_text("numpy\n")
    (root / "data").mkdir()
    (root / "data" / "train.csv").write_text("age,income\n39,<=50K\n")
    return root


def rules(report: object) -> list[tuple[str, int, int]]:
    return [(d.rule, d.line, d.column) for d in report.diagnostics]  # type: ignore[attr-defined]


def test_references_resolve_from_the_manifest_folder_not_the_working_directory(
    tmp_path: Path,
) -> None:
    model = project(tmp_path / "models" / "census")
    (model / "serving.yaml").write_text(MANIFEST)
    assert rules(validate_file(model / "serving.yaml")) == []
    (model / "data" / "train.csv").unlink()
    (diagnostic,) = validate_file(model / "serving.yaml").diagnostics
    assert (diagnostic.rule, diagnostic.line, diagnostic.column) == ("HY219", 5, 16)
    assert str(model / "data" / "train.csv") in diagnostic.message


def test_text_resolves_from_the_folder_of_its_filename_or_base_dir(tmp_path: Path) -> None:
    model = project(tmp_path / "census")
    assert rules(validate_text(MANIFEST, str(model / "serving.yaml"))) == []
    assert rules(validate_text(MANIFEST, "serving.yaml", base_dir=model)) == []
    missing = validate_text(MANIFEST, str(tmp_path / "serving.yaml"))
    assert [d.rule for d in missing.diagnostics] == ["HY216", "HY216", "HY219"]


def test_stdin_resolves_from_the_folder_of_stdin_filename(tmp_path: Path) -> None:
    model = project(tmp_path / "census")
    named = runner.invoke(
        app, ["validate", "-", "--stdin-filename", str(model / "serving.yaml")], input=MANIFEST
    )
    assert named.exit_code == 0, named.output
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", "-"],
        input=MANIFEST,
        capture_output=True,
        text=True,
        cwd=model,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout


def test_no_file_checks_switches_them_off(tmp_path: Path) -> None:
    path = tmp_path / "serving.yaml"
    path.write_text(MANIFEST)
    assert [d.rule for d in validate_file(path).diagnostics] == ["HY216", "HY216", "HY219"]
    assert validate_file(path, options=Options(file_checks=False)).diagnostics == []
    result = runner.invoke(app, ["validate", "--no-file-checks", str(path)])
    assert result.exit_code == 0


def test_references_left_out_of_the_report_keep_their_findings(tmp_path: Path) -> None:
    path = tmp_path / "serving.yaml"
    path.write_text(MANIFEST)
    listed = validate_file(path)
    assert [(r.role, r.entry, r.exists) for r in listed.references] == [
        ("payload", "src/", False),
        ("payload", "requirements.txt", False),
        ("training-data", "data/train.csv", False),
    ]
    left_out = lint_paths([str(tmp_path)], options=Options(references=False))
    assert left_out.references == []
    assert (
        rules(left_out) == rules(listed) == [("HY216", 4, 11), ("HY216", 4, 17), ("HY219", 5, 16)]
    )


def test_resolve_file_gives_what_each_reference_resolved_to() -> None:
    found = resolve_file(FILES / "valid.yaml")
    table = [(r.role, r.entry, r.location, r.exists, r.type, r.columns) for r in found]
    assert table == [
        ("payload", "src/", str(FILES / "src"), True, "dir", None),
        ("payload", "requirements.txt", str(FILES / "requirements.txt"), True, "file", None),
        (
            "training-data",
            "data/train.csv",
            str(FILES / "data" / "train.csv"),
            True,
            "file",
            ["age", "workclass", "income"],
        ),
    ]
    assert found[1].size == (FILES / "requirements.txt").stat().st_size


def test_resolve_command_prints_a_table_and_fails_on_a_missing_reference() -> None:
    result = runner.invoke(app, ["resolve", str(FILES / "payload.yaml")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == str(FILES / "payload.yaml")
    assert lines[1].split() == [
        "role",
        "entry",
        "resolves",
        "to",
        "exists",
        "kind",
        "size",
        "columns",
    ]
    assert lines[2].split()[:4] == ["payload", "scr/", str(FILES / "scr"), "no"]
    assert f"{FILES / 'payload.yaml'}:14:5: error[HY216]" in result.output
    assert lines[-1] == "1 file, 7 references: 2 missing, 0 not checked, 6 findings"
    clean = runner.invoke(app, ["resolve", str(FILES / "valid.yaml")])
    assert clean.exit_code == 0
    assert "age, workclass, income" in clean.output


def test_resolve_json() -> None:
    result = runner.invoke(
        app, ["resolve", "-f", "json", str(FILES / "training-data-renamed.yaml")]
    )
    data = json.loads(result.stdout)
    (file,) = data["files"]
    training = file["references"][-1]
    assert training == {
        "document": 0,
        "role": "training-data",
        "entry": "data/renamed.csv",
        "path": ["training-data"],
        "location": str(FILES / "data" / "renamed.csv"),
        "exists": True,
        "type": "file",
        "size": (FILES / "data" / "renamed.csv").stat().st_size,
        "columns": ["age", "work_class", "income"],
        "outside_root": False,
    }
    assert data["version"] == 3
    assert [d["rule"] for d in data["diagnostics"]] == ["HY221"]


def test_plain_validation_does_not_import_boto3() -> None:
    code = (
        "import sys, hydro_manifest as h\n"
        f"r = h.validate_file({str(FILES / 'valid.yaml')!r})\n"
        "assert r.ok, r.diagnostics\n"
        "print('boto3' in sys.modules, 'botocore' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == "False False\n"


def test_resolve_reads_the_configuration_as_validate_does(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "serving.yaml").write_text(MANIFEST.replace("data/train.csv", "data/other.csv"))
    (root / "data" / "other.csv").write_text("years,income\n39,<=50K\n")  # no `age` column
    noted = runner.invoke(app, ["resolve", str(root / "serving.yaml")])
    assert "warning[HY221]" in noted.output
    (root / ".hydro.yaml").write_text("ignore: [HY221]\n")
    quiet = runner.invoke(app, ["resolve", str(root / "serving.yaml")])
    assert "HY221" not in quiet.output and quiet.exit_code == 0
    assert quiet.output.splitlines()[-1].endswith("0 findings")
    (root / ".hydro.yaml").write_text("ignroe: [HY221]\n")
    broken = runner.invoke(app, ["resolve", str(root / "serving.yaml")])
    assert broken.exit_code == 2 and "unknown option 'ignroe'" in broken.stderr
