"""Files and folders hydro may not read: each is a located finding with the real reason.

Run as an unprivileged user (as root, with the effective user `nobody`), since root reads
anything.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from hydro_manifest import validate_file
from hydro_manifest.cli import app
from tests.conftest import Unprivileged, model_manifest

runner = CliRunner()


def test_an_unreadable_file_is_a_located_finding(unprivileged: Unprivileged) -> None:
    path = unprivileged.folder / "secret.yaml"
    path.write_text("kind: Model\n")
    path.chmod(0)
    with unprivileged.user():
        (diagnostic,) = validate_file(path).diagnostics
    assert (diagnostic.rule, diagnostic.line, diagnostic.column) == ("HY013", 1, 1)
    assert diagnostic.message == "cannot read the file: Permission denied"


def test_a_file_in_a_folder_that_cannot_be_searched_says_so(unprivileged: Unprivileged) -> None:
    folder = unprivileged.folder / "closed"
    folder.mkdir()
    (folder / "serving.yaml").write_text(model_manifest("census"))
    folder.chmod(0o600)  # readable, not searchable
    with unprivileged.user():
        result = runner.invoke(app, ["validate", "-f", "json", str(folder / "serving.yaml")])
    assert result.exit_code == 1
    (diagnostic,) = json.loads(result.stdout)["diagnostics"]
    assert (diagnostic["rule"], diagnostic["message"]) == (
        "HY013",
        "cannot read the file: Permission denied",
    )


def test_lint_reports_a_folder_it_cannot_read_and_checks_the_rest(
    unprivileged: Unprivileged,
) -> None:
    root = unprivileged.folder / "repo"
    for name in ("models/a", "models/closed"):
        (root / name).mkdir(parents=True)
        (root / name / "serving.yaml").write_text(model_manifest(name.rsplit("/", 1)[-1]))
    (root / "models" / "closed").chmod(0)
    with unprivileged.user():
        result = runner.invoke(app, ["lint", "--no-file-checks", "-f", "json", str(root)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(d["file"], d["rule"], d["message"]) for d in report["diagnostics"]] == [
        (str(root / "models" / "closed"), "HY013", "cannot read the folder: Permission denied")
    ]
    assert [f["file"] for f in report["files"]] == [
        str(root / "models" / "a" / "serving.yaml"),
        str(root / "models" / "closed"),
    ]


def test_lint_of_a_folder_it_cannot_read_is_a_finding_not_a_crash(
    unprivileged: Unprivileged,
) -> None:
    root = unprivileged.folder / "closed"
    root.mkdir()
    (root / "serving.yaml").write_text(model_manifest("census"))
    root.chmod(0)
    with unprivileged.user():
        result = runner.invoke(app, ["lint", "--no-file-checks", "-f", "json", str(root)])
    assert result.exit_code == 1, result.output
    (diagnostic,) = json.loads(result.stdout)["diagnostics"]
    assert (diagnostic["file"], diagnostic["rule"], diagnostic["message"]) == (
        str(root),
        "HY013",
        "cannot read the folder: Permission denied",
    )


def test_fixes_that_cannot_be_written_are_said(unprivileged: Unprivileged) -> None:
    folder = unprivileged.folder / "locked"
    folder.mkdir()
    path = folder / "app.yaml"
    text = "kind: Application\nname: app\nmetadata: {v: 1.10}\nsingular:\n  model: m:1\n"
    path.write_text(text)
    path.chmod(0o666)
    folder.chmod(0o555)  # the file could be written in place, but not replaced whole
    with unprivileged.user():
        result = runner.invoke(app, ["validate", "--fix", str(path)])
    assert f"hydro: error: cannot write the fixes of {path}: Permission denied" in result.stderr
    assert "error[HY012]" in result.stdout and result.exit_code == 1
    assert path.read_text() == text
