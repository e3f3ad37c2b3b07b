"""Fixes: each rule's fix on its failing example; the examples and every fixture fixed
whole; the diff applied by `patch`; fixes refused when they do harm; how files are written
(line endings, byte-order marks, modes, links, standard input); the edits as the JSON and
SARIF reports carry them."""

from __future__ import annotations

import difflib
import json
import shutil
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import (
    RULES,
    FixKind,
    Options,
    Report,
    Severity,
    fix_paths,
    validate_paths,
    validate_text,
)
from hydro_manifest.cli import app
from tests.conftest import EXAMPLES, FIXTURES
from tests.test_registry import _files, template, workspace  # noqa: F401

runner = CliRunner()
FIXABLE = sorted(rule.id for rule in RULES.values() if rule.fix is not None)


def _errors(report: Report) -> Counter[str]:
    return Counter(d.rule for d in report.diagnostics if d.severity is Severity.ERROR)


def _comments(text: str) -> list[str]:
    """The comment lines of a file, but suppressions (HY609 removes unused ones)."""
    lines = [line.strip().lstrip("\ufeff") for line in text.split("\n")]
    return [line for line in lines if line.startswith("#") and "hydro:" not in line]


# ------------------------------------------------------------------ each rule's fix


@pytest.mark.parametrize("rule_id", FIXABLE)
def test_the_failing_example_is_fixed(rule_id: str, workspace: Path) -> None:  # noqa: F811
    rule = RULES[rule_id]
    _files(workspace, rule.bad_files)
    path = workspace / "bad.yaml"
    path.write_text(rule.bad, encoding="utf-8")
    before = validate_paths([str(path)])
    found = [d for d in before.diagnostics if d.rule == rule_id]
    assert found and all(d.fix is not None for d in found)
    assert {d.fix.safe for d in found if d.fix} == {rule.fix is FixKind.SAFE}

    safe_only = fix_paths([str(path)], write=False)
    left = {d.rule for d in safe_only.report.diagnostics}
    assert (rule_id in left) == (rule.fix is FixKind.UNSAFE)

    original = path.read_text(encoding="utf-8")
    fixing = fix_paths([str(path)], unsafe=True)
    (changed,) = fixing.files
    assert changed.fixed[rule_id] == len(found)
    assert rule_id not in {d.rule for d in fixing.report.diagnostics}
    assert not _errors(fixing.report) - _errors(before)  # no new error, the YAML still reads
    assert _comments(path.read_text(encoding="utf-8")) == _comments(original)
    assert fix_paths([str(path)], unsafe=True).files == []  # a second run changes nothing


def test_rules_list_their_fix_kind() -> None:
    listed = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert [entry["id"] for entry in listed] == sorted(RULES)
    fixes = {entry["id"]: entry["fix"] for entry in listed}
    assert fixes["HY012"] == "safe" and fixes["HY104"] == "unsafe" and fixes["HY001"] is None
    table = runner.invoke(app, ["rules"]).stdout.splitlines()
    assert any(line.startswith("HY105") and " safe " in line for line in table)
    assert "Fix: unsafe" in runner.invoke(app, ["rules", "HY104"]).stdout


# ------------------------------------------------------------------ whole trees


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The examples and the fixtures, copied: every manifest hydro ships as a test."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    return tmp_path


def _manifests(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.yaml"))


def test_fixing_the_examples_and_fixtures_leaves_nothing_fixable(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    files = _manifests(tree)
    texts = {name: (tree / name).read_text(encoding="utf-8", errors="replace") for name in files}
    before = validate_paths(files)
    fixing = fix_paths(files, unsafe=True)
    assert fixing.fixed > 40 and len(fixing.files) > 20
    # What stays fixable is what the guard refused: a fix that would add an error.
    refused = {(r.diagnostic.file, r.diagnostic.rule): r.new_errors for r in fixing.refused}
    left = {(d.file, d.rule) for d in fixing.report.diagnostics if d.fix is not None}
    assert left == set(refused)
    assert refused == {
        ("examples/broken/keys.yaml", "HY104"): ("HY007",),  # install-command is there already
        ("fixtures/reading/keys.yaml", "HY104"): ("HY219",),  # training-data: no such file
    }
    assert not _errors(fixing.report) - _errors(before)
    assert "HY000" not in {d.rule for d in fixing.report.diagnostics}
    for name in files:
        assert _comments((tree / name).read_text(encoding="utf-8", errors="replace")) == _comments(
            texts[name]
        ), name
    again = fix_paths(files, unsafe=True)
    assert again.files == [] and again.fixed == 0


def test_edits_touch_only_their_own_lines(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One round of fixes, applied from the JSON report as an editor would: every line
    outside the edits' lines stays byte for byte."""
    monkeypatch.chdir(tree)
    files = _manifests(tree)
    report = json.loads(
        runner.invoke(app, ["validate", "-f", "json", *files], catch_exceptions=False).stdout
    )
    by_file: dict[str, list[dict]] = {}
    for diagnostic in report["diagnostics"]:
        if diagnostic["fix"] is not None:
            by_file.setdefault(diagnostic["file"], []).append(diagnostic["fix"])
    assert len(by_file) > 15
    for name, fixes in by_file.items():
        data = (tree / name).read_bytes()
        edits, touched = [], set()
        for fix in fixes:  # the first of overlapping fixes, as hydro takes them
            spans = [(e["start"]["offset"], e["end"]["offset"]) for e in fix["edits"]]
            if any(s <= e2 and s2 <= e for s, e in spans for s2, e2, _ in edits):
                continue
            edits += [
                (s, e, edit["text"]) for (s, e), edit in zip(spans, fix["edits"], strict=True)
            ]
            for edit in fix["edits"]:
                touched.update(range(edit["start"]["line"], edit["end"]["line"] + 1))
        fixed = data
        for start, end, text in sorted(edits, reverse=True):
            fixed = fixed[:start] + text.encode() + fixed[end:]
        old, new = data.split(b"\n"), fixed.split(b"\n")
        matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for tag, start, end, _, _ in matcher.get_opcodes():
            if tag != "equal":
                assert set(range(start + 1, end + 1)) <= touched, (name, start, end)


def test_the_diff_applies_with_patch_and_git_apply(tree: Path) -> None:
    files = _manifests(tree)
    fixed = tree.parent / f"{tree.name}-fixed"
    patched = tree.parent / f"{tree.name}-patched"
    for copy in (fixed, patched):
        copy.mkdir()
        shutil.copytree(tree / "examples", copy / "examples")
        shutil.copytree(tree / "fixtures", copy / "fixtures")
    hydro = [sys.executable, "-m", "hydro_manifest"]
    shown = subprocess.run(
        [*hydro, "validate", "--diff", "--unsafe-fixes", *files],
        cwd=patched,
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 1, shown.stderr
    assert shown.stderr.startswith("hydro: would fix ")
    assert _manifest_bytes(patched) == _manifest_bytes(tree)  # --diff writes nothing
    subprocess.run(
        ["git", "apply", "-p0", "--check", "-"],
        input=shown.stdout,
        text=True,
        cwd=patched,
        check=True,
    )
    subprocess.run(["patch", "-p0", "-s"], input=shown.stdout, text=True, cwd=patched, check=True)
    done = subprocess.run(
        [*hydro, "validate", "--fix", "--unsafe-fixes", *files], cwd=fixed, capture_output=True
    )
    assert done.returncode == 1  # findings remain that have no fix
    assert _manifest_bytes(patched) == _manifest_bytes(fixed) != _manifest_bytes(tree)
    clean = subprocess.run(
        [*hydro, "validate", "--diff", "--unsafe-fixes", *files],
        cwd=fixed,
        capture_output=True,
        text=True,
    )
    assert (clean.returncode, clean.stdout) == (0, "")
    assert clean.stderr == "hydro: nothing to fix\n"


def _manifest_bytes(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in _manifests(root)}


# ------------------------------------------------------------------ the guard


CLASHING = """\
kind: Model
name: census
runtime: hydrosphere/serving-runtime-python-3.7:3.0.0
payload: [src/]
install-command: pip install -r requirements.txt
instal-command: apt-get install -y jq   # a rename would make a duplicate key
contract:
  name: predict
  inputs:
    age: {shape: scalar, type: int64, profile: numerical}
  outputs:
    income: {shape: scalar, type: string, profile: categorical}
"""


def test_a_fix_that_adds_an_error_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "serving.yaml"
    path.write_text(CLASHING)
    result = runner.invoke(
        app, ["validate", "--no-file-checks", "--fix", "--unsafe-fixes", str(path)]
    )
    assert path.read_text() == CLASHING
    assert f"hydro: not fixed: {path}:6:1: HY104 (the fix would add HY007)" in result.stderr
    assert f"{path}:6:1: error[HY104]" in result.stdout
    assert result.exit_code == 1


def test_fixes_that_clash_are_taken_one_at_a_time(tmp_path: Path) -> None:
    """Two fixes would each give a field its `profile` (the missing profile added, the
    misspelt key renamed): together they make a duplicate key, so they are tried one at a
    time; the first by position is enough."""
    path = tmp_path / "serving.yaml"
    text = CLASHING.replace(
        "instal-command: apt-get install -y jq   # a rename would make a duplicate key\n", ""
    ).replace("type: string, profile: categorical", "type: string, profil: text")
    path.write_text(text)
    fixing = fix_paths([str(path)], unsafe=True, options=_no_files())
    assert path.read_text() == text.replace("profil:", "profile:")
    assert fixing.files[0].fixed == Counter({"HY104": 1})
    assert fixing.refused == [] and fixing.report.diagnostics == []


# ------------------------------------------------------------------ bytes and files


def test_crlf_line_endings_stay(tmp_path: Path) -> None:
    path = tmp_path / "serving.yaml"
    text = (
        "kind: Model\nname: census\nruntime: hydrosphere/serving-runtime-python-3.7:3.0.0\n"
        "payload: [src/]\ncontract:\n  inputs:\n    age:\n      shape: []\n      type: int64\n"
        "  outputs:\n    income: {shape: scalar, type: string, profile: text}\n"
    ).replace("\n", "\r\n")
    path.write_bytes(text.encode())
    fix_paths([str(path)], unsafe=True, options=_no_files())
    fixed = path.read_bytes()
    assert b"      shape: scalar\r\n      type: int64\r\n      profile: numerical\r\n" in fixed
    assert fixed.count(b"\n") == fixed.count(b"\r\n") == text.count("\r\n") + 1


def test_byte_order_marks_go_and_the_rest_is_fixed_after(tmp_path: Path) -> None:
    path = tmp_path / "serving.yaml"
    text = (
        "\ufeffkind: Application\nname: app\nsingular:\n  model: census:1\n---\n"
        "\ufeffkind: Application\nname: app-2\nmetadata: {release: 1.10}\n"
        "singular:\n  model: census:1\n"
    )
    path.write_text(text, encoding="utf-8")
    fixing = fix_paths([str(path)])
    assert fixing.files[0].fixed == Counter({"HY003": 1, "HY017": 1, "HY012": 1})
    assert path.read_text(encoding="utf-8") == text.replace("\ufeff", "").replace("1.10", "'1.10'")
    assert {d.severity for d in fixing.report.diagnostics} <= {Severity.NOTE}


def test_non_ascii_text_keeps_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    text = (
        "kind: Application\nname: détection\nmetadata:\n  owner: 张伟\n  v: 1.10\n"
        "singular:\n  model: m:1\n"
    )
    path.write_text(text, encoding="utf-8")
    fix_paths([str(path)])
    assert path.read_text(encoding="utf-8") == text.replace("1.10", "'1.10'")


def test_a_file_keeps_its_mode_and_a_link_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("kind: Application\nname: app\nmetadata: {v: 1.10}\nsingular:\n  model: m:1\n")
    real.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    fix_paths([str(link)])
    assert link.is_symlink()
    assert "v: '1.10'" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_file_in_another_encoding_is_not_fixed(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    data = "kind: Application\nname: café\nmetadata: {v: 1.10}\nsingular:\n  model: m:1\n"
    path.write_bytes(data.encode("latin-1"))
    fixing = fix_paths([str(path)])
    assert fixing.files == [] and path.read_bytes() == data.encode("latin-1")
    assert {d.rule for d in fixing.report.diagnostics} >= {"HY002", "HY012"}


def test_standard_input_is_fixed_to_standard_output() -> None:
    text = "kind: Application\nname: app\nmetadata: {v: 1.10}\nsingular:\n  model: m:1\n"
    result = runner.invoke(app, ["validate", "--fix", "-"], input=text)
    assert result.stdout == text.replace("1.10", "'1.10'")
    assert result.stderr.startswith("hydro: fixed 1 finding in 1 file\n")
    assert result.exit_code == 0
    unchanged = runner.invoke(app, ["validate", "--fix", "-f", "json", "-"], input="kind: x\n")
    assert unchanged.stdout == "kind: x\n"
    assert json.loads(unchanged.stderr)["summary"]["errors"] > 0


def test_diff_exits_zero_with_exit_zero(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_text("kind: Application\nname: app\nmetadata: {v: 1.10}\nsingular:\n  model: m:1\n")
    shown = runner.invoke(app, ["validate", "--diff", "--exit-zero", str(path)])
    assert shown.exit_code == 0 and "+metadata: {v: '1.10'}" in shown.stdout
    assert runner.invoke(app, ["validate", "--diff", str(path)]).exit_code == 1


def test_fix_and_diff_together_are_a_usage_error() -> None:
    assert runner.invoke(app, ["validate", "--fix", "--diff", "x.yaml"]).exit_code == 2
    alone = runner.invoke(app, ["validate", "--unsafe-fixes", "x.yaml"])
    assert alone.exit_code == 2 and "--unsafe-fixes goes with --fix or --diff" in alone.stderr


def test_lint_fixes_a_tree(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    result = runner.invoke(app, ["lint", "--fix", "examples"])
    assert result.stderr.startswith("hydro: fixed ")
    assert "'1.10'" in (tree / "examples" / "broken" / "keys.yaml").read_text()
    assert "release: 1.10" not in (tree / "examples" / "broken" / "keys.yaml").read_text()


# ------------------------------------------------------------------ in the reports


def test_sarif_carries_the_fixes() -> None:
    result = runner.invoke(
        app, ["validate", "--no-file-checks", "-f", "sarif", str(EXAMPLES / "broken" / "keys.yaml")]
    )
    results = json.loads(result.stdout)["runs"][0]["results"]
    quoted = next(r for r in results if r["ruleId"] == "HY012")
    (change,) = quoted["fixes"][0]["artifactChanges"]
    (replacement,) = change["replacements"]
    data = (EXAMPLES / "broken" / "keys.yaml").read_bytes()
    region = replacement["deletedRegion"]
    start = region["byteOffset"]
    assert data[start : start + region["byteLength"]] == b"1.10"
    assert replacement["insertedContent"] == {"text": "'1.10'"}
    assert quoted["fixes"][0]["description"]["text"] == "quote it: '1.10' (safe)"
    assert (region["startLine"], region["startColumn"]) == (16, 12)


def test_the_summary_says_what_is_fixable() -> None:
    report = validate_text(
        "kind: Application\nname: app\nmetadata: {v: 1.10, w: yes}\nsingular:\n  model: m:1\n"
    )
    assert report.summary()["fixable"] == 2
    from hydro_manifest.reporters import summary_line

    assert summary_line(report).endswith("; 1 fixable with --fix, 1 more with --fix --unsafe-fixes")


def _no_files() -> Options:
    return Options(file_checks=False)
