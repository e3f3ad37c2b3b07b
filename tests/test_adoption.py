"""Adopting hydro in a repository with findings: baselines, counts per rule, and GitLab
Code Quality reports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import lint_paths
from hydro_manifest.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the examples in it, the working directory of the test."""
    shutil.copytree(EXAMPLES, tmp_path / "models")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _lint(*args: str) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["lint", "-f", "json", *args])
    return result.exit_code, json.loads(result.stdout), result.stderr


# ------------------------------------------------------------------ baselines


def test_a_baseline_hides_what_it_recorded(repo: Path) -> None:
    made = runner.invoke(app, ["baseline", "models", "-o", "hydro-baseline.json"])
    assert made.exit_code == 0
    code, before, _ = _lint("models")
    recorded = json.loads((repo / "hydro-baseline.json").read_text())
    assert recorded["version"] == 1 and recorded["tool"] == "hydro"
    assert sum(f["count"] for f in recorded["findings"]) == len(before["diagnostics"]) > 30
    assert made.stderr == (
        f"hydro: recorded {len(before['diagnostics'])} findings of "
        f"{len(before['files'])} files in hydro-baseline.json\n"
    )
    code, report, stderr = _lint("models", "--baseline", "hydro-baseline.json")
    assert (code, report["diagnostics"], stderr) == (0, [], "")
    assert report["summary"]["baselined"] == len(before["diagnostics"])


def test_baselined_findings_stay_hidden_when_lines_move(repo: Path) -> None:
    runner.invoke(app, ["baseline", "models", "-o", "baseline.json"])
    keys = repo / "models" / "broken" / "keys.yaml"
    text = keys.read_text()
    moved = "# a comment and a blank line above everything\n\n" + text.replace(
        "payload: [src/]\n", "payload:\n  - src/\n"
    )
    keys.write_text(moved)
    code, report, _ = _lint("models", "--baseline", "baseline.json")
    assert report["diagnostics"] == [] and code == 0


def test_a_new_finding_is_reported_and_a_fixed_one_counted(repo: Path) -> None:
    runner.invoke(app, ["baseline", "models", "-o", "baseline.json"])
    keys = repo / "models" / "broken" / "keys.yaml"
    text = keys.read_text()
    keys.write_text(
        text.replace("  release: 1.10\n", "  release: '1.10'\n").replace(
            "  reviewed: yes\n", "  reviewed: yes\n  reviewer: no\n"
        )
    )
    code, report, stderr = _lint("models", "--baseline", "baseline.json")
    new = [(d["file"], d["line"], d["rule"]) for d in report["diagnostics"]]
    assert new == [("models/broken/keys.yaml", 18, "HY015")]  # `no` is new; `yes` was known
    assert code == 0  # a warning does not fail
    assert report["summary"]["baseline_fixed"] == 1
    assert stderr == (
        "hydro: 1 baselined finding fixed; "
        "run `hydro baseline -o baseline.json` to shrink the file\n"
    )


def test_a_baseline_counts_equal_findings(repo: Path) -> None:
    path = repo / "models" / "app.yaml"
    path.write_text(
        "kind: Application\nname: app\nmetadata: {a: yes}\nsingular:\n  model: census:1\n"
    )
    runner.invoke(app, ["baseline", "models/app.yaml", "-o", "baseline.json"])
    path.write_text(
        "kind: Application\nname: app\nmetadata: {a: yes}\nsingular:\n  model: census:1\n"
        "---\nkind: Application\nname: app\nmetadata: {a: yes}\nsingular:\n  model: census:1\n"
    )
    _, report, _ = _lint("models/app.yaml", "--baseline", "baseline.json")
    rules = sorted(d["rule"] for d in report["diagnostics"])
    assert rules == ["HY015", "HY601", "HY608"]  # the second Application's own, one each


def test_baseline_files_are_relative_to_the_baseline_and_ordered(repo: Path) -> None:
    (repo / "ci").mkdir()
    runner.invoke(app, ["baseline", str(repo / "models"), "-o", "ci/baseline.json"])
    recorded = json.loads((repo / "ci" / "baseline.json").read_text())
    files = [f["file"] for f in recorded["findings"]]
    assert all(name.startswith("../models/") for name in files)
    keys = [
        (f["file"], f["rule"], json.dumps(f["path"]), f["fingerprint"])
        for f in recorded["findings"]
    ]
    assert keys == sorted(keys)
    assert set(recorded["findings"][0]) == {
        "file",
        "rule",
        "path",
        "fingerprint",
        "count",
        "message",
    }
    # the same findings from another working directory, named another way
    elsewhere = subprocess.run(
        [
            sys.executable,
            "-m",
            "hydro_manifest",
            "lint",
            "../models",
            "--baseline",
            "baseline.json",
        ],
        cwd=repo / "ci",
        capture_output=True,
        text=True,
    )
    assert elsewhere.returncode == 0, elsewhere.stdout
    total = sum(f["count"] for f in recorded["findings"])
    assert elsewhere.stdout.endswith(f"({total} baselined findings not shown)\n")
    again = runner.invoke(app, ["baseline", str(repo / "models"), "-o", "ci/baseline.json"])
    assert again.exit_code == 0
    assert json.loads((repo / "ci" / "baseline.json").read_text()) == recorded


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not json", "is not JSON"),
        ('{"version": 9}', "is not a hydro baseline (version 1)"),
        ('{"version": 1, "findings": [{}]}', "every finding needs a `fingerprint`"),
    ],
)
def test_a_broken_baseline_is_a_usage_error(repo: Path, content: str, problem: str) -> None:
    (repo / "baseline.json").write_text(content)
    result = runner.invoke(app, ["lint", "models", "--baseline", "baseline.json"])
    assert result.exit_code == 2 and problem in result.stderr
    missing = runner.invoke(app, ["lint", "models", "--baseline", "nowhere.json"])
    assert missing.exit_code == 2 and "cannot read the baseline nowhere.json" in missing.stderr


# ------------------------------------------------------------------ statistics


def test_statistics_count_findings_per_rule(repo: Path) -> None:
    report = lint_paths(["models"])
    counts: dict[str, int] = {}
    for diagnostic in report.diagnostics:
        counts[diagnostic.rule] = counts.get(diagnostic.rule, 0) + 1
    result = runner.invoke(app, ["lint", "--statistics", "-f", "json", "models"])
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert {row["rule"]: row["count"] for row in rows} == counts
    assert [row["count"] for row in rows] == sorted(counts.values(), reverse=True)
    quote = next(row for row in rows if row["rule"] == "HY012")
    assert quote == {
        "rule": "HY012",
        "name": "quote-it",
        "count": quote["count"],
        "fixable": quote["count"],
    }
    text = runner.invoke(app, ["lint", "--statistics", "models"]).stdout.splitlines()
    assert len(text) == len(rows)
    assert any(line.split() == [str(quote["count"]), "HY012", "[*]", "quote-it"] for line in text)
    assert any(line.split()[1:] == ["HY007", "duplicate-key"] for line in text)


# ------------------------------------------------------------------ GitLab Code Quality

#: The fields GitLab documents for a Code Quality report (docs.gitlab.com, "Code Quality
#: report format"): each issue needs these, with these types and values.
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_gitlab_code_quality_report(repo: Path) -> None:
    result = runner.invoke(app, ["lint", "-f", "gitlab", "models"])
    issues = json.loads(result.stdout)
    report = lint_paths(["models"])
    assert len(issues) == len(report.diagnostics)
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"].startswith("HY")
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in GITLAB_SEVERITIES
        assert isinstance(issue["location"]["path"], str)
        assert not issue["location"]["path"].startswith("/")
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    first = issues[0]
    diagnostic = report.diagnostics[0]
    assert first["location"] == {"path": diagnostic.file, "lines": {"begin": diagnostic.line}}
    assert first["check_name"] == diagnostic.rule
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}
    # a line added above keeps every fingerprint
    keys = repo / "models" / "broken" / "keys.yaml"
    keys.write_text("# moved\n" + keys.read_text())
    moved = json.loads(runner.invoke(app, ["lint", "-f", "gitlab", "models"]).stdout)
    assert {i["fingerprint"] for i in moved} == {i["fingerprint"] for i in issues}
