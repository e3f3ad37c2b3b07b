"""The same findings in every format, each checked against what its consumer expects."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from typer.testing import CliRunner

from hydro_manifest import RULES, Options, validate_file
from hydro_manifest.cli import app
from tests.conftest import FIXTURES, SHARED, needs_shared

runner = CliRunner()
BROKEN = FIXTURES / "kinds" / "model" / "types-and-profiles.yaml"
CLEAN = FIXTURES / "valid" / "all-kinds.yaml"
ARGS = ["validate", "--no-file-checks"]


def expected() -> list[tuple[str, int, int, int, int]]:
    report = validate_file(BROKEN, options=Options(file_checks=False))
    return [(d.rule, d.line, d.column, d.end_line, d.end_column) for d in report.diagnostics]


def run(*args: str) -> str:
    result = runner.invoke(app, [*ARGS, *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


# ------------------------------------------------------------------ SARIF


@needs_shared
def test_sarif_is_valid_against_the_sarif_2_1_0_schema() -> None:
    sarif_schema = json.loads((SHARED / "reference" / "sarif-schema-2.1.0.json").read_text())
    document = json.loads(run("-f", "sarif", str(BROKEN), str(CLEAN)))
    jsonschema.validate(document, sarif_schema, cls=jsonschema.Draft4Validator)


def test_sarif_results_have_real_regions_and_relative_uris(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    document = json.loads(run("-f", "sarif", "kinds/model/types-and-profiles.yaml"))
    (sarif_run,) = document["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "hydro"
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    rule = driver["rules"][list(RULES).index("HY309")]
    assert rule["shortDescription"]["text"] == RULES["HY309"].summary
    assert rule["fullDescription"]["text"] == RULES["HY309"].explanation
    assert "Fails:" in rule["help"]["text"]
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == FIXTURES.as_uri() + "/"
    found = []
    for result in sarif_run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {
            "uri": "kinds/model/types-and-profiles.yaml",
            "uriBaseId": "%SRCROOT%",
        }
        region = location["region"]
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        found.append(
            (
                result["ruleId"],
                region["startLine"],
                region["startColumn"],
                region["endLine"],
                region["endColumn"],
            )
        )
    assert found == expected()
    levels = {r["ruleId"]: r["level"] for r in sarif_run["results"]}
    assert levels["HY309"] == "error" and levels["HY314"] == "warning"


# ------------------------------------------------------------------ JUnit


def test_junit_parses_back_with_one_test_case_per_file() -> None:
    root = ET.fromstring(run("-f", "junit", str(BROKEN), str(CLEAN)))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "0")
    broken, clean = suite.findall("testcase")
    assert broken.get("name") == str(BROKEN) and clean.get("name") == str(CLEAN)
    assert clean.find("failure") is None
    failures = broken.findall("failure")
    errors = [e for e in expected() if e[0] in {"HY309", "HY310", "HY311", "HY312", "HY313"}]
    assert [f.get("type") for f in failures] == [e[0] for e in errors]
    assert failures[0].get("message") == ("error[HY309] line 15, column 32: unknown type 'integer'")
    assert (failures[0].text or "").startswith(f"{BROKEN}:15:32: error[HY309]")
    assert "warning[HY314]" in (broken.findtext("system-out") or "")


def test_junit_with_strict_counts_warnings_as_failures() -> None:
    root = ET.fromstring(run("-f", "junit", "--strict", str(BROKEN)))
    failures = root.findall("testsuite/testcase/failure")
    assert "HY314" in {f.get("type") for f in failures}


# ------------------------------------------------------------------ GitHub

_COMMAND = re.compile(
    r"^::(?P<level>error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),"
    r"col=(?P<col>\d+),endLine=(?P<end_line>\d+),endColumn=(?P<end_col>\d+),"
    r"title=(?P<title>HY\d{3})::(?P<message>[^\r\n]*)$"
)


def test_github_annotations_follow_the_workflow_command_syntax() -> None:
    lines = run("-f", "github", str(BROKEN)).splitlines()
    commands = [_COMMAND.match(line) for line in lines[:-1]]
    assert all(commands), lines
    found = [
        (m["title"], int(m["line"]), int(m["col"]), int(m["end_line"]), int(m["end_col"]))
        for m in commands
        if m
    ]
    assert found == expected()
    assert lines[-1].startswith("1 file, 1 document:")


def test_github_escapes_what_the_runner_would_misread(tmp_path: Path) -> None:
    path = tmp_path / "a,b:c%.yaml"
    path.write_text("kind: Application\nname: x\nsingular:\n  model: m\n")
    (line, _) = run("-f", "github", str(path)).splitlines()
    escaped = str(path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
    assert line.startswith(f"::error file={escaped},line=4,col=10,")


def test_github_is_the_default_inside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run(str(BROKEN)).startswith("::error file=")


# ------------------------------------------------------------------ several at once


def test_several_formats_in_one_run(tmp_path: Path) -> None:
    sarif, junit = tmp_path / "hydro.sarif", tmp_path / "junit.xml"
    result = runner.invoke(
        app, [*ARGS, "-f", "text", "-f", f"sarif={sarif}", "-f", f"junit={junit}", str(BROKEN)]
    )
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{BROKEN}:15:32: error[HY309]")
    assert len(json.loads(sarif.read_text())["runs"][0]["results"]) == len(expected())
    assert ET.parse(junit).getroot().tag == "testsuites"


def test_output_writes_the_report_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = runner.invoke(app, [*ARGS, "-f", "json", "-o", str(target), str(BROKEN)])
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(target.read_text())["summary"]["errors"] == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "xml"], "unknown format 'xml'"),
        (["-f", "json", "-f", "sarif"], "only one format can go to standard output"),
    ],
)
def test_bad_format_options_are_usage_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, [*ARGS, *args, str(BROKEN)])
    assert result.exit_code == 2
    assert message in result.stderr


def test_lint_takes_the_same_formats(tmp_path: Path) -> None:
    sarif = tmp_path / "lint.sarif"
    folder = FIXTURES / "project" / "pipeline"
    result = runner.invoke(
        app, ["lint", "--no-file-checks", "-f", f"sarif={sarif}", "-f", "github", str(folder)]
    )
    assert result.exit_code == 1
    assert "title=HY603::" in result.stdout
    rules = {r["ruleId"] for r in json.loads(sarif.read_text())["runs"][0]["results"]}
    assert {"HY603", "HY604"} <= rules


def test_sarif_related_locations_point_at_the_other_side(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = FIXTURES / "project" / "pipeline"
    monkeypatch.chdir(folder)
    result = runner.invoke(app, ["lint", "--no-file-checks", "-f", "sarif", "."])
    results = json.loads(result.stdout)["runs"][0]["results"]
    missing = next(r for r in results if r["ruleId"] == "HY603")
    related = [
        (
            r["physicalLocation"]["artifactLocation"]["uri"],
            r["physicalLocation"]["region"]["startLine"],
            r["physicalLocation"]["region"]["startColumn"],
            r["message"]["text"],
        )
        for r in missing["relatedLocations"]
    ]
    assert related == [
        ("app.yaml", 9, 14, "stage 2: 'scorer'"),
        ("models/scorer.yaml", 3, 7, "Model 'scorer' is defined here"),
    ]


# ------------------------------------------------------------------ names no format may break

#: A name with a newline that reads as a forged finding, and one that is not UTF-8.
_FORGED = "bad\nforged.yaml:1:1: error[HY999] injected\nx.yaml"
_LATIN1 = b"caf\xe9.yaml"


def _odd_names(folder: Path) -> tuple[Path, Path]:
    text = "kind: Application\nname: app\nsingular:\n  model: m\n"  # HY401 at 4:10
    forged = folder / _FORGED
    forged.write_text(text)
    latin1 = Path(os.fsdecode(bytes(folder) + b"/" + _LATIN1))
    latin1.write_text(text.replace("name: app", "name: other"))
    return forged, latin1


def _hydro(*args: str) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", *args], capture_output=True, timeout=60
    )
    assert b"Traceback" not in done.stderr and done.returncode == 1, done.stderr
    return done


def test_every_line_based_format_escapes_odd_file_names(tmp_path: Path) -> None:
    forged, latin1 = _odd_names(tmp_path)
    for form in ("text", "github"):
        out = _hydro("validate", "-f", form, str(forged), str(latin1)).stdout.decode()
        lines = out.splitlines()
        assert len(lines) == 3, out  # two findings and the summary, nothing forged
        assert not any(line.startswith(("forged.yaml", "x.yaml")) for line in lines)
        assert "/bad\\nforged.yaml" in lines[0]  # (github escapes `:` as well)
        assert "caf\\xe9.yaml" in lines[1]


def test_json_sarif_and_junit_carry_odd_file_names(tmp_path: Path) -> None:
    forged, latin1 = _odd_names(tmp_path)
    files = [str(forged), str(latin1)]
    report = json.loads(_hydro("validate", "-f", "json", *files).stdout)
    assert [d["file"] for d in report["diagnostics"]] == [
        str(forged),  # JSON escapes the newlines itself
        str(tmp_path) + "/caf\\xe9.yaml",  # the byte that is not UTF-8, as \xNN
    ]
    sarif = json.loads(_hydro("validate", "-f", "sarif", *files).stdout)
    uris = [a["location"]["uri"] for a in sarif["runs"][0]["artifacts"]]
    assert [uri.rsplit("/", 1)[-1] for uri in uris] == [
        "bad%0Aforged.yaml%3A1%3A1%3A%20error%5BHY999%5D%20injected%0Ax.yaml",
        "caf%E9.yaml",  # percent-encoded bytes: the exact name
    ]
    junit = ET.fromstring(_hydro("validate", "-f", "junit", *files).stdout)
    names = [case.get("name") for case in junit.iter("testcase")]
    assert [str(n).rsplit("/", 1)[-1] for n in names] == [
        "bad\\nforged.yaml:1:1: error[HY999] injected\\nx.yaml",
        "caf\\xe9.yaml",
    ]


def test_report_files_are_written_whole_and_keep_their_mode(tmp_path: Path) -> None:
    forged, latin1 = _odd_names(tmp_path)
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o640)
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                *("-m", "hydro_manifest", "validate", "-f", "json", "-o", str(target)),
                *[str(forged), str(latin1)][: 1 + n % 2],
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(6)
    ]
    for process in runs:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 1 and b"Traceback" not in stderr
    assert json.loads(target.read_text())["summary"]["files"] in (1, 2)  # one run's, whole
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    for form in ("sarif", "junit"):
        written = tmp_path / f"report.{form}"
        _hydro("validate", "-f", f"{form}={written}", str(latin1))
        assert written.read_bytes().decode("utf-8")
