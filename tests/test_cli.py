"""The `hydro` command through typer's runner, and once as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import __version__
from hydro_manifest.cli import app
from tests.conftest import EXAMPLES, model_manifest, ship_func_main

runner = CliRunner()

CLEAN = EXAMPLES / "census" / "serving.yaml"
WARNS = model_manifest(
    payload="[src/]", inputs={"age": "{shape: scalar, type: int64, profile: NUMERICAL}"}
)
NOTE_ONLY = WARNS.replace("NUMERICAL", "numerical").replace("  name: predict\n", "")


def write(tmp_path: Path, name: str, text: str) -> Path:
    """A manifest in a folder that holds its payload (`src/`)."""
    ship_func_main(tmp_path)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_file_exits_0_with_a_summary() -> None:
    result = runner.invoke(app, ["validate", str(CLEAN)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{CLEAN}:36:25: note[HY601] no Model named 'census_drift' among the files checked "
        "(it may already be on the cluster; otherwise check the name)\n"
        "1 file, 1 document: 0 errors, 0 warnings, 1 note\n"
    )


def test_plain_lines_are_file_line_col_severity_rule(tmp_path: Path) -> None:
    path = write(tmp_path, "serving.yaml", WARNS.replace("int64", "float"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(
        f"{path}:8:32: error[HY309] unknown type 'float' (did you mean 'float32'?"
    )
    assert lines[1] == (
        f"{path}:8:48: warning[HY314] profile 'NUMERICAL' works, but profiles are written "
        "in lowercase (write 'numerical')"
    )
    assert lines[-1] == (
        "1 file, 1 document: 1 error, 1 warning, 0 notes; "
        "1 fixable with --fix, 1 more with --fix --unsafe-fixes"
    )


def test_thresholds_strict_and_fail_on(tmp_path: Path) -> None:
    warns = str(write(tmp_path, "warns.yaml", WARNS))
    note = str(write(tmp_path, "note.yaml", NOTE_ONLY))
    assert runner.invoke(app, ["validate", warns]).exit_code == 0
    assert runner.invoke(app, ["validate", "--strict", warns]).exit_code == 1
    assert runner.invoke(app, ["validate", "--fail-on", "warning", warns]).exit_code == 1
    assert runner.invoke(app, ["validate", "--strict", note]).exit_code == 0
    assert runner.invoke(app, ["validate", "--fail-on", "note", note]).exit_code == 1
    bad = runner.invoke(app, ["validate", "--fail-on", "fatal", note])
    assert bad.exit_code == 2


def test_json_report_follows_the_published_shape(tmp_path: Path) -> None:
    path = write(tmp_path, "serving.yaml", WARNS.replace("int64", "float"))
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    offset = path.read_bytes().index(b"type: float,") + len("type: ")
    assert report["version"] == 3
    assert report["tool"] == {"name": "hydro", "version": __version__}
    assert report["summary"] == {
        "files": 1,
        "documents": 1,
        "errors": 1,
        "warnings": 1,
        "notes": 0,
        "skipped": 0,
        "fixable": 2,
        "baselined": 0,
        "baseline_fixed": 0,
    }
    assert report["interrupted"] is False
    assert report["files"] == [
        {
            "file": str(path),
            "documents": [{"index": 0, "kind": "Model", "name": "census", "line": 1}],
        }
    ]
    first = report["diagnostics"][0]
    assert first == {
        "file": str(path),
        "document": 0,
        "line": 8,
        "column": 32,
        "end_line": 8,
        "end_column": 37,
        "path": ["contract", "inputs", "age", "type"],
        "rule": "HY309",
        "layer": "hs-cli",
        "severity": "error",
        "message": "unknown type 'float'",
        "hint": first["hint"],
        "fix": {
            "safe": False,
            "edits": [
                {
                    "start": {"line": 8, "column": 32, "offset": offset},
                    "end": {"line": 8, "column": 37, "offset": offset + 5},
                    "text": "float32",
                }
            ],
        },
    }
    assert first["hint"].startswith("did you mean 'float32'?")


def test_json_syntax_error_has_null_document_and_path(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "kind: Model\nname: [census\n")
    report = json.loads(runner.invoke(app, ["validate", "-f", "json", str(path)]).stdout)
    (diagnostic,) = report["diagnostics"]
    assert (diagnostic["rule"], diagnostic["document"], diagnostic["path"]) == ("HY001", None, None)


def test_stdin_is_named_by_stdin_filename() -> None:
    text = WARNS.replace("int64", "float")
    named = runner.invoke(
        app,
        ["validate", "-", "--stdin-filename", "models/serving.yaml", "--no-file-checks"],
        input=text,
    )
    assert named.output.startswith("models/serving.yaml:8:32: error[HY309]")
    anonymous = runner.invoke(app, ["validate", "--no-file-checks", "-"], input=text)
    assert anonymous.output.startswith("-:8:32: error[HY309]")


@pytest.mark.parametrize("command", ["validate", "lint"])
def test_a_missing_path_is_a_finding_and_the_others_are_checked(
    tmp_path: Path, command: str
) -> None:
    """As ruff's E902: the run goes on, the missing file gets a finding, exit 1."""
    broken = write(tmp_path, "serving.yaml", WARNS.replace("int64", "float"))
    missing = tmp_path / "nope.yaml"
    result = runner.invoke(app, [command, "-f", "json", str(missing), str(broken)])
    assert result.exit_code == 1
    found = [
        (d["file"], d["rule"], d["line"], d["message"])
        for d in json.loads(result.stdout)["diagnostics"]
    ]
    assert (str(missing), "HY013", 1, "cannot read the file: No such file or directory") in found
    assert (str(broken), "HY309", 8, "unknown type 'float'") in found


def test_no_path_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2
    assert "name the manifest files to check" in result.stderr


def test_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder" in result.stderr


def test_a_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    broken = write(tmp_path, "a.yaml", "kind: Model\n\tname: x\n")
    other = write(tmp_path, "b.yaml", WARNS.replace("int64", "float"))
    result = runner.invoke(app, ["validate", str(broken), str(other)])
    assert f"{broken}:2:1: error[HY001]" in result.output
    assert f"{other}:8:32: error[HY309]" in result.output
    assert result.output.splitlines()[-1] == (
        "2 files, 1 document: 2 errors, 1 warning, 0 notes; "
        "1 fixable with --fix, 1 more with --fix --unsafe-fixes"
    )


def test_rules_lists_every_rule_and_explains_one() -> None:
    listing = runner.invoke(app, ["rules"])
    assert listing.exit_code == 0
    assert any(line.startswith("HY309  unknown-type") for line in listing.output.splitlines())
    explained = runner.invoke(app, ["rules", "unknown-type"])
    assert explained.exit_code == 0
    assert explained.output.startswith("HY309 unknown-type (error, layer hs-cli)\n")
    assert "Fails:\n" in explained.output and "Passes:\n" in explained.output
    by_id = runner.invoke(app, ["rules", "hy309"])
    assert by_id.output == explained.output


def test_an_unknown_rule_is_a_usage_error_with_a_suggestion() -> None:
    result = runner.invoke(app, ["rules", "HY39"])
    assert result.exit_code == 2
    assert "no rule 'HY39'" in result.stderr


def test_version() -> None:
    assert runner.invoke(app, ["--version"]).output == f"hydro {__version__}\n"


def test_real_process_plain_output_and_exit_code(tmp_path: Path) -> None:
    path = write(tmp_path, "serving.yaml", WARNS.replace("int64", "float"))
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", str(path), str(CLEAN)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 1
    assert done.stderr == ""
    mine = [line for line in done.stdout.splitlines() if line.startswith(f"{path}:")]
    assert mine[0].startswith(f"{path}:8:32: error[HY309]")


def test_text_off_a_terminal_has_no_escape_codes(tmp_path: Path) -> None:
    path = write(tmp_path, "serving.yaml", WARNS)
    result = runner.invoke(app, ["validate", str(path)])
    assert "\x1b[" not in result.output


def test_validate_checks_across_the_files_it_is_given(tmp_path: Path) -> None:
    model = write(tmp_path, "serving.yaml", WARNS.replace("NUMERICAL", "numerical"))
    application = write(
        tmp_path,
        "app.yaml",
        "kind: Application\nname: census-app\npipeline:\n"
        "  - - model: census:1\n      weight: 60\n    - model: census:2\n      weight: 40\n",
    )
    together = runner.invoke(app, ["validate", "-f", "json", str(model), str(application)])
    assert together.exit_code == 0
    assert json.loads(together.stdout)["diagnostics"] == []
    alone = runner.invoke(app, ["validate", "-f", "json", str(application)])
    assert alone.exit_code == 0
    assert [
        (d["rule"], d["severity"], d["line"]) for d in json.loads(alone.stdout)["diagnostics"]
    ] == [
        ("HY601", "note", 4),
        ("HY601", "note", 6),
    ]


def test_select_ignore_and_exit_zero_on_the_command_line_win_over_the_config(
    tmp_path: Path,
) -> None:
    (tmp_path / ".hydro.yaml").write_text("select: [HY2]\nstrict: true\n")
    path = write(tmp_path, "serving.yaml", WARNS.replace("int64", "float"))  # HY309, HY314
    by_config = runner.invoke(app, ["validate", "-f", "json", str(path)])
    assert [d["rule"] for d in json.loads(by_config.stdout)["diagnostics"]] == []
    selected = runner.invoke(app, ["validate", "-f", "json", "--select", "HY3", str(path)])
    assert [d["rule"] for d in json.loads(selected.stdout)["diagnostics"]] == ["HY309", "HY314"]
    assert selected.exit_code == 1
    ignored = runner.invoke(
        app, ["validate", "-f", "json", "--select", "HY3", "--ignore", "HY309,lint", str(path)]
    )
    assert [d["rule"] for d in json.loads(ignored.stdout)["diagnostics"]] == []
    zero = runner.invoke(app, ["validate", "--select", "HY3", "--exit-zero", str(path)])
    assert zero.exit_code == 0 and "error[HY309]" in zero.stdout
    wrong = runner.invoke(app, ["validate", "--select", "HY3O9", str(path)])
    assert wrong.exit_code == 2
    assert "'HY3O9' is not a rule id, id prefix, rule name or layer; did you mean 'HY309'?" in (
        wrong.stderr
    )


def test_exit_zero_in_the_config(tmp_path: Path) -> None:
    (tmp_path / ".hydro.yaml").write_text("exit-zero: true\n")
    path = write(tmp_path, "serving.yaml", WARNS.replace("int64", "float"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0 and "error[HY309]" in result.stdout


def test_fail_on_names_its_values_plainly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--fail-on", "fatal", str(CLEAN)])
    assert result.exit_code == 2
    assert "'fatal' is not one of error, warning, note" in result.output
    assert "Value error" not in result.output
    assert runner.invoke(app, ["validate", "--fail-on", "Note", str(CLEAN)]).exit_code == 1


def test_color_always_never_and_force_color(tmp_path: Path) -> None:
    path = write(tmp_path, "serving.yaml", WARNS.replace("int64", "float"))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}

    def run(*args: str, **extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "hydro_manifest", "validate", *args, str(path)],
            capture_output=True,
            text=True,
            env={**env, **extra},
            timeout=60,
        )
        return done.stdout

    assert "\x1b[" not in run()  # off a terminal: plain lines
    assert "\x1b[" in run("--color", "always")
    assert "\x1b[" in run(FORCE_COLOR="1")
    assert "\x1b[" not in run("--color", "never", FORCE_COLOR="1")  # the command line wins
    assert "\x1b[" not in run(FORCE_COLOR="1", NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", "--color", "sometimes", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "'sometimes' is not one of auto, always, never" in done.stderr


def test_help_reads_like_a_command_line_and_completion_is_on() -> None:
    usage = runner.invoke(app, ["validate", "--help"]).output
    assert "Usage: hydro validate [OPTIONS] [PATH]..." in usage
    assert "<list[str]>" not in usage and "{" not in usage.splitlines()[0]
    hydro = Path(sys.executable).parent / "hydro"  # the installed command, as a shell runs it
    done = subprocess.run(
        [str(hydro), "--show-completion", "bash"],
        capture_output=True,
        text=True,
        env={**os.environ, "SHELL": "/bin/bash"},
        timeout=60,
    )
    assert done.returncode == 0
    assert "complete -o default -F _hydro_completion hydro" in done.stdout
