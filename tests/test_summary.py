"""CI job summaries: `--summary FILE` and GitHub Actions' GITHUB_STEP_SUMMARY.

The real CLI (typer's runner and a subprocess) on real fixture folders; what is read back
is the Markdown file the run wrote.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import Options, draw_applications, lint_paths
from hydro_manifest.cli import app
from hydro_manifest.reporters.markdown import summary_markdown
from tests.conftest import EXAMPLES, FIXTURES

PIPELINE = FIXTURES / "project" / "pipeline"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _outside_github(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_STEP_SUMMARY", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA",
                 "GITHUB_ACTIONS"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def test_a_run_with_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PIPELINE)
    written = tmp_path / "summary.md"
    result = runner.invoke(app, ["lint", "--no-file-checks", "--summary", str(written), "."])
    assert result.exit_code == 1
    text = written.read_text()
    head, rest = text.split("\n| rule |", 1)
    assert head == "### hydro lint\n\n**3 errors**, 0 warnings, 0 notes in 4 files (4 documents).\n"
    assert (
        "| HY604 | pipeline-field-mismatch | 2 | 0 |\n| HY603 | pipeline-field-missing | 1 | 0 |\n"
        in rest
    )
    assert (
        "- `app.yaml:10`: 'explainer' (stage 3) needs the input 'reason', which 'scorer' "
        "(stage 2) does not produce (HY603)\n" in rest
    )
    assert "produces float64 \\[-1, 8\\] (HY604)" in rest  # brackets stay text
    diagram = draw_applications(lint_paths(["."], options=Options(file_checks=False)), "mermaid")
    assert f"**Application claims-pipeline (app.yaml:6)**\n\n```mermaid\n{diagram}```\n" in rest


def test_a_run_without_findings(tmp_path: Path) -> None:
    written = tmp_path / "summary.md"
    clean = str(EXAMPLES / "deployment-configuration.yaml")
    result = runner.invoke(app, ["validate", "--summary", str(written), clean])
    assert result.exit_code == 0
    assert written.read_text() == "### hydro validate\n\nNo findings in 1 file (1 document).\n"


def test_github_step_summary_is_appended_with_links_to_the_lines(tmp_path: Path) -> None:
    step = tmp_path / "step.md"
    step.write_text("## earlier step\n")
    environment = {
        **os.environ,
        "GITHUB_STEP_SUMMARY": str(step),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "team/models",
        "GITHUB_SHA": "0123abc",
    }
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "lint", "--no-file-checks", "-f", "text", "."],
        cwd=PIPELINE,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    text = step.read_text()
    assert text.startswith("## earlier step\n### hydro lint\n")
    assert "- [`app.yaml:10`](https://github.com/team/models/blob/0123abc/app.yaml#L10): " in text


def test_a_summary_past_the_limit_says_what_was_left_out() -> None:
    report = lint_paths([str(PIPELINE)])
    whole = summary_markdown(report, "lint")
    cut = summary_markdown(report, "lint", limit=1000)
    assert len(cut) <= 1000 < len(whole)
    assert cut.rstrip().endswith("(a summary is limited to 1,000 characters)._")
    kept = cut.rsplit("\n_The summary stops here", 1)[0]
    assert whole.startswith(kept)
    left = int(cut.rsplit("stops here: ", 1)[1].split(" ", 1)[0])
    assert left >= 1


def test_a_broken_file_is_summarised_with_its_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: Model\nname: [unclosed\n")
    written = tmp_path / "summary.md"
    result = runner.invoke(app, ["validate", "--summary", str(written), str(broken)])
    assert result.exit_code == 1
    text = written.read_text()
    assert text.startswith(
        "### hydro validate\n\n**1 error**, 0 warnings, 0 notes in 1 file (0 documents).\n"
    )
    assert f"- `{broken}:3`: " in text and "(HY001)\n" in text
