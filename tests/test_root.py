"""hydro opens nothing outside the repository root, and prints nothing of such a file.

A malicious repository, as a pull request can make it: payload entries, `-r` files,
`PIP_CONFIG_FILE`, training data and a manifest that lead out of the repository (`../`
chains and symbolic links), a link to `/` and a link loop. A secret is planted outside
the repository and in the environment (`/proc/self/environ`); every output format of
every command that reads files is searched for it. With `--root` set to the folder that
holds the secret, the same run does quote it: the control that shows the search works.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hydro_manifest import Options, lint_paths, validate_paths
from hydro_manifest.root import (
    NAME_MAX,
    Kind,
    Probe,
    Root,
    digest,
    remembered_probes,
    repository_of,
    root_of,
)
from tests.conftest import observed

SECRET = "planted-s3cr3t-value"
HYDRO = [sys.executable, "-m", "hydro_manifest"]

MANIFEST = """\
kind: Model
name: census
runtime: hydrosphere/serving-runtime-python-3.7:3.0.3
install-command: "PIP_CONFIG_FILE=src/pip.conf pip install -r requirements.txt -r ../../../outside/secret.env -r ../../../../../../../../../proc/self/environ"
payload: ["src/", "requirements.txt", "../../../outside/secret.env", "../../../../../../../../../etc/passwd"]
training-data: ../../../outside/data.csv
contract:
  name: predict
  inputs:
    age: {shape: scalar, type: int64, profile: numerical}
  outputs:
    income: {shape: scalar, type: string, profile: categorical}
"""


@pytest.fixture
def attack(tmp_path: Path) -> Path:
    """The repository (its top folder); the secret lies in tmp_path/outside."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.env").write_text(f"TOKEN={SECRET}\n")
    (outside / "data.csv").write_text(f"age,{SECRET}\n1,2\n")
    (outside / "func_main.py").write_text(f"def predict(age):\n    return {{'{SECRET}': age}}\n")
    (outside / "pip.conf").write_text(f"[global]\nindex-url = http://{SECRET}/simple\n")
    (outside / "evil.yaml").write_text(f"kind: Model\nname: {SECRET}\n")
    (outside / "hydro.yaml").write_text(f"{SECRET}: 1\n")
    repo = tmp_path / "repo"
    model = repo / "models" / "census"
    (model / "src").mkdir(parents=True)
    (repo / ".git").mkdir()
    (model / "serving.yaml").write_text(MANIFEST)
    (model / "requirements.txt").symlink_to("../../../outside/secret.env")
    (model / "src" / "func_main.py").symlink_to("../../../../outside/func_main.py")
    (model / "src" / "pip.conf").symlink_to("../../../../outside/pip.conf")
    (repo / "models" / "evil.yaml").symlink_to("../../outside/evil.yaml")
    (repo / "rootlink").symlink_to("/")
    (repo / "models" / "loop").symlink_to("..")
    return repo


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HYDRO_PLANTED": SECRET, "NO_COLOR": "1"}
    return subprocess.run(
        [*HYDRO, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )


_FORMATS = ["text", "json", "sarif", "junit", "github", "gitlab"]


@pytest.mark.parametrize("command", ["validate", "lint"])
def test_no_output_format_quotes_a_file_outside_the_repository(
    attack: Path, command: str, tmp_path: Path
) -> None:
    target = "models/census/serving.yaml" if command == "validate" else "."
    written = [a for form in _FORMATS for a in ("-f", f"{form}={tmp_path / ('out.' + form)}")]
    summary = tmp_path / "summary.md"
    done = _run([command, target, *written, "--summary", str(summary)], attack)
    assert done.returncode == 1, done.stderr
    outputs = [done.stdout, done.stderr, summary.read_text()]
    outputs += [(tmp_path / ("out." + form)).read_text() for form in _FORMATS]
    assert all(SECRET not in text for text in outputs)
    assert all("root:x:0" not in text for text in outputs)  # /etc/passwd's first line
    report = json.loads((tmp_path / "out.json").read_text())
    found = {(d["file"], d["line"], d["column"], d["rule"]) for d in report["diagnostics"]}
    manifest = "models/census/serving.yaml"
    assert {
        (manifest, 4, 35, "HY019"),  # PIP_CONFIG_FILE=src/pip.conf, a link out
        (manifest, 4, 63, "HY019"),  # -r requirements.txt, a link out
        (manifest, 4, 83, "HY019"),  # -r ../../../outside/secret.env
        (manifest, 4, 114, "HY802"),  # -r /proc/self/environ: no entry puts it there
        (manifest, 5, 11, "HY019"),  # src/func_main.py, a link out
        (manifest, 5, 19, "HY019"),  # the payload entry requirements.txt
        (manifest, 5, 39, "HY019"),  # ../../../outside/secret.env
        (manifest, 5, 70, "HY019"),  # …/etc/passwd
        (manifest, 6, 16, "HY019"),  # training data
    } <= found
    assert [d["rule"] for d in report["diagnostics"] if d["severity"] == "error"] == ["HY802"]


def test_resolve_says_outside_without_size_or_existence(attack: Path) -> None:
    done = _run(["resolve", "models/census/serving.yaml"], attack)
    assert SECRET not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    rows = [line for line in lines if line.startswith("  ") and "outside/" in line]
    assert rows and all("outside the repository, not read" in row for row in rows)
    done = _run(["resolve", "-f", "json", "models/census/serving.yaml"], attack)
    data = json.loads(done.stdout)
    outside = [r for r in data["files"][0]["references"] if r["outside_root"]]
    assert [r["entry"] for r in outside] == [
        "requirements.txt",
        "../../../outside/secret.env",
        "../../../../../../../../../etc/passwd",
        "../../../outside/data.csv",
    ]
    assert all((r["exists"], r["size"], r["type"], r["columns"]) == (None,) * 4 for r in outside)
    fates = {f["entry"]: f["fate"] for f in data["files"][0]["containers"][0]["files"]}
    assert fates["../../../outside/secret.env"] == "outside the repository, not read"


def test_the_control_with_the_root_around_the_secret_quotes_it(attack: Path) -> None:
    """Without the root's protection (`--root` set above the secret), the same run reads
    the outside files: the searches above would find the secret."""
    done = _run(["validate", "--root", "..", "models/census/serving.yaml"], attack)
    assert SECRET in done.stdout


def test_lint_does_not_walk_out_of_the_root_nor_round_a_loop(attack: Path) -> None:
    done = _run(["lint", "--list-files", "."], attack)
    assert done.stdout.split() == ["models/census/serving.yaml", "models/evil.yaml"]
    report = lint_paths([str(attack)], processes=1)
    by_file = {os.path.relpath(d.file, attack): d.rule for d in report.diagnostics if d.file}
    assert by_file["rootlink"] == "HY019"
    assert by_file["models/loop"] == "HY020"
    assert by_file["models/evil.yaml"] == "HY019"
    assert [d.message for d in report.diagnostics if d.rule == "HY020"] == [
        "a symbolic link to a folder that holds it: not searched again"
    ]


def test_a_configuration_that_leads_out_is_not_read(attack: Path) -> None:
    (attack / ".hydro.yaml").symlink_to("../outside/hydro.yaml")
    done = _run(["validate", "models/census/serving.yaml"], attack)
    assert done.returncode == 2
    assert "leads outside the repository root" in done.stderr
    assert SECRET not in done.stdout + done.stderr
    done = _run(["validate", "--config", ".hydro.yaml", "models/census/serving.yaml"], attack)
    assert (done.returncode, SECRET in done.stderr) == (2, False)


def test_the_configuration_is_not_searched_above_the_repository(tmp_path: Path) -> None:
    (tmp_path / ".hydro.yaml").write_text("strcit: true\n")  # would be a usage error
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "app.yaml").write_text("kind: Application\nname: app\nsingular:\n  model: m:1\n")
    assert _run(["validate", "app.yaml"], repo).returncode == 0
    assert _run(["validate", "--root", "..", "app.yaml"], repo).returncode == 2


def test_without_git_the_manifests_folder_is_the_root(tmp_path: Path) -> None:
    (tmp_path / "model.joblib").write_bytes(b"x")
    folder = tmp_path / "census"
    folder.mkdir()
    manifest = folder / "serving.yaml"
    manifest.write_text(
        MANIFEST.replace(
            '"../../../outside/secret.env", "../../../../../../../../../etc/passwd"',
            '"../model.joblib"',
        )
        .replace("install-command:", "#")
        .replace("training-data:", "#")
    )
    (folder / "src").mkdir()
    (folder / "src" / "func_main.py").write_text("def predict(age):\n    return {'income': 1}\n")
    (folder / "requirements.txt").write_text("numpy==1.21.6\n")
    report = validate_paths([str(manifest)])
    assert observed(report.diagnostics) == [
        ("HY019", 5, 39, "$.payload[2]"),
        ("HY208", 5, 39, "$.payload[2]"),
    ]
    # The configuration's `root`, relative to its folder, widens it.
    (tmp_path / ".hydro.yaml").write_text("root: .\n")
    done = _run(["validate", "census/serving.yaml"], tmp_path)
    assert "HY019" not in done.stdout and "HY208" in done.stdout
    options = Options(root=str(tmp_path))
    assert observed(validate_paths([str(manifest)], options=options).diagnostics) == [
        ("HY208", 5, 39, "$.payload[2]")
    ]


def test_a_link_loop_in_the_payload_is_named_as_one(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "func_main.py").write_text("def predict(age):\n    return {'income': 1}\n")
    (tmp_path / "loop1").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop1")
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(
        MANIFEST.replace(
            '"requirements.txt", "../../../outside/secret.env", "../../../../../../../../../etc/passwd"',
            '"loop1"',
        )
        .replace("install-command:", "#")
        .replace("training-data:", "#")
    )
    (found,) = validate_paths([str(manifest)]).diagnostics
    assert (found.rule, found.line, found.column) == ("HY216", 5, 19)
    assert found.message == "payload entry 'loop1' is a symbolic link loop: it names no file"
    assert found.hint == "point the link at a file or folder, or remove it"


def test_a_root_that_is_not_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    done = _run(["validate", "--root", "nowhere", "x.yaml"], tmp_path)
    assert done.returncode == 2 and "--root nowhere is not a folder" in done.stderr


def test_probing_never_raises(tmp_path: Path) -> None:
    root = Root(str(tmp_path))
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "file").write_text("x")
    assert root.probe(tmp_path / "a").kind is Kind.LOOP
    assert root.probe(tmp_path / ("x" * (NAME_MAX + 1))).kind is Kind.TOO_LONG
    assert root.probe(str(tmp_path / "nul\x00")).kind is Kind.MISSING
    assert root.probe(tmp_path / "file" / "below").kind is Kind.MISSING
    assert root.probe(tmp_path / "..").kind is Kind.OUTSIDE
    assert root.probe("/proc/self/environ").kind is Kind.OUTSIDE
    assert root.probe(tmp_path / "file")[:3] == (Kind.FILE, 1, None)
    assert root.read(tmp_path / "file", 0)[:3] == (Kind.FILE, 1, None)  # over the limit: unread
    assert root.read(tmp_path / "file", 0, head=True) == b""
    assert root.listdir(tmp_path / "..") == []
    assert list(root.walk("/")) == []


def test_the_root_is_the_nearest_folder_holding_git(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    assert repository_of(str(tmp_path / "sub" / "deeper")) == str(tmp_path)
    assert root_of(str(tmp_path / "sub" / "deeper" / "x.yaml"), "/fallback") == str(tmp_path)
    assert root_of(str(tmp_path / "sub"), "/fallback", given=str(tmp_path / "sub")) == str(
        tmp_path / "sub"
    )


def test_a_path_is_probed_once_within_one_files_check(tmp_path: Path) -> None:
    """The checks of one manifest ask about the same payload files again and again: within
    `remembered_probes` (one file's check) the first answer stands; after it, the disk is
    asked again."""
    root = Root(str(tmp_path))
    model = tmp_path / "model.pkl"
    model.write_bytes(b"x")
    with remembered_probes() as seen:
        assert root.probe(model)[:2] == (Kind.FILE, 1)
        model.unlink()
        assert root.probe(model)[:2] == (Kind.FILE, 1)
    assert list(seen.probes) == [(root.real, str(model))]  # what the check saw of the disk
    assert seen.answers is None  # (kept only for the lint cache)
    assert root.probe(model) == Probe(Kind.MISSING)


def test_what_a_check_read_and_listed_is_noted_for_the_cache(tmp_path: Path) -> None:
    """With answers on, each question beyond a probe is noted with its answer: the cache
    asks it again when a path's stamp changed (a fresh checkout)."""
    root = Root(str(tmp_path))
    (tmp_path / "requirements.txt").write_bytes(b"numpy\n")
    (tmp_path / "big.csv").write_bytes(b"a,b\n" * 10)
    with remembered_probes(answers=True) as seen:
        assert root.read(tmp_path / "requirements.txt", 100) == b"numpy\n"
        assert root.read(tmp_path / "big.csv", 4, head=True) == b"a,b\n"
        assert root.read(tmp_path / "big.csv", 4) == root.probe(tmp_path / "big.csv")  # unread
        assert sorted(root.listdir(tmp_path)) == ["big.csv", "requirements.txt"]
        assert list(root.walk(tmp_path))
    assert seen.answers is not None
    names = "\0".join(os.listdir(tmp_path)).encode()
    assert seen.answers == {
        (root.real, str(tmp_path / "requirements.txt"), "read 100 whole"): digest(b"numpy\n"),
        (root.real, str(tmp_path / "big.csv"), "read 4 head"): digest(b"a,b\n"),
        (root.real, str(tmp_path), "list"): digest(names),
        (root.real, str(tmp_path), "walk"): None,
    }
    assert root.probe(tmp_path).real == root.real
