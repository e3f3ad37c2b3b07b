"""No credential reaches a report: passwords in URLs are hidden as pip hides them.

URLs with a password sit in pip.conf, in requirements lines of every form pip accepts, in
the install command's words and environment, and in an S3 endpoint; every output format
is searched for the password. URL requirements are remote sources, not missing files, and
an index given anywhere pip reads one is checked like one in pip.conf.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hydro_manifest import validate_paths
from hydro_manifest.baseline import fingerprints
from hydro_manifest.redaction import moved, redact, redacted
from tests.conftest import observed_in

SECRET = "S3CR3T-pl4nted"
HYDRO = [sys.executable, "-m", "hydro_manifest"]

REQUIREMENTS = f"""\
tfish @ https://u:{SECRET}@h.example/tfish-2.0-py3-none-any.whl
https://u:{SECRET}@h.example/y-1.0-py3-none-any.whl
git+https://u:{SECRET}@github.com/o/r.git#egg=r
-r https://u:{SECRET}@h.example/more.txt
--index-url http://u:{SECRET}@h.example/simple
--extra-index-url http://127.0.0.1:8080/simple
numpy==1.21.6
"""
INSTALL = (
    f"PIP_CONFIG_FILE=pip.conf PIP_INDEX_URL=https://u:{SECRET}@idx.example/simple "
    "PIP_EXTRA_INDEX_URL=http://idx2.example/simple "
    f'pip install "https://u:{SECRET}@h.example/x-1.0-py3-none-any.whl" -r requirements.txt '
    f"-i http://{SECRET}@h3.example/simple -r https://u:{SECRET}@h.example/r.txt "
    "&& pip install -e . && pip install ."
)
MANIFEST = f"""\
kind: Model
name: census
runtime: hydrosphere/serving-runtime-python-3.7:3.0.3
install-command: {INSTALL}
payload: [src/, requirements.txt, pip.conf, setup.py]
contract:
  name: predict
  inputs:
    age: {{shape: scalar, type: int64, profile: numerical}}
  outputs:
    income: {{shape: scalar, type: string, profile: categorical}}
---
kind: DeploymentConfiguration
name: secrets
container:
  env:
    - name: DATABASE_URL
      value: "postgres://app:{SECRET}@db.example/models"
    - name: API_KEY
      value: "plain-value-never-echoed"
"""


@pytest.fixture
def model(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "func_main.py").write_text(
        "def predict(age):\n    return {'income': age}\n"
    )
    (tmp_path / "requirements.txt").write_text(REQUIREMENTS)
    (tmp_path / "pip.conf").write_text(
        f"[global]\nindex-url = http://user:{SECRET}@pypi.example/simple\n"
    )
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(name='m')\n")
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(MANIFEST)
    return manifest


def test_every_index_is_checked_and_no_url_is_a_missing_file(model: Path) -> None:
    report = validate_paths([str(model)])
    assert observed_in(model, report.diagnostics) == [
        ("HY525", "", 17, 5, "$.container.env"),
        ("HY803", "", 4, 121, "$.install-command"),  # PIP_EXTRA_INDEX_URL
        ("HY803", "", 4, 243, "$.install-command"),  # -i http://…@h3.example
        ("HY803", "pip.conf", 2, 13, "null"),
        ("HY803", "requirements.txt", 5, 13, "null"),  # --index-url in requirements
        ("HY817", "requirements.txt", 6, 19, "null"),  # the loopback index
        # `pip install -e .` and `pip install .`: `.` is the working folder (no missing
        # file), where 3.0.3's `app` may not build (the runtime image's business)
        ("HY834", "", 4, 345, "$.install-command"),
        ("HY834", "", 4, 362, "$.install-command"),
    ]
    hint = next(d.hint for d in report.diagnostics if d.rule == "HY525")
    assert hint == (
        "write it as a mapping of each name to its value: `env: {DATABASE_URL: ..., API_KEY: ...}`"
    )


_FORMATS = ["text", "json", "sarif", "junit", "github", "gitlab"]


def _run(args: list[str], cwd: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HYDRO, *args],
        cwd=cwd,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["validate", "lint"])
def test_no_output_format_shows_a_password(model: Path, command: str, tmp_path: Path) -> None:
    folder = model.parent
    out = tmp_path / "out"
    out.mkdir()
    written = [a for form in _FORMATS for a in ("-f", f"{form}={out / form}")]
    target = model.name if command == "validate" else "."
    done = _run([command, target, *written, "--summary", str(out / "summary.md")], folder)
    rich = _run([command, target, "--color", "always"], folder)
    resolved = _run(["resolve", "-f", "json", model.name], folder)
    baseline = _run(["baseline", "-o", str(out / "baseline.json"), "."], folder)
    assert done.returncode == rich.returncode == 1, done.stderr
    texts = [done.stdout, done.stderr, rich.stdout, resolved.stdout, baseline.stderr]
    texts += [path.read_text() for path in out.iterdir()]
    assert len(texts) == 5 + len(_FORMATS) + 2
    assert [text for text in texts if SECRET in text] == []
    assert "http://user:****@pypi.example/simple" in rich.stdout  # the code frame, redacted
    assert "http://u:****@h.example/simple" in (out / "sarif").read_text()


def test_a_fingerprint_does_not_depend_on_the_password(model: Path) -> None:
    first = {p for _, p in fingerprints(validate_paths([str(model)]))}
    model.parent.joinpath("pip.conf").write_text(
        "[global]\nindex-url = http://user:another@pypi.example/simple\n"
    )
    assert {p for _, p in fingerprints(validate_paths([str(model)]))} == first


def test_an_s3_endpoint_with_a_password_is_not_repeated(model: Path, tmp_path: Path) -> None:
    data = tmp_path / "s3.yaml"
    data.write_text(
        "kind: Model\nname: m\nruntime: hydrosphere/serving-runtime-python-3.7:3.0.3\n"
        "payload: [src/]\ntraining-data: s3://bucket/train.csv\ncontract:\n  name: predict\n"
        "  inputs: {age: {shape: scalar, type: int64, profile: numerical}}\n"
        "  outputs: {income: {shape: scalar, type: string, profile: categorical}}\n"
    )
    endpoint = f"http://user:{SECRET}@127.0.0.1:9"  # the discard port: refused at once
    done = _run(
        ["validate", "--remote", "--s3-endpoint-url", endpoint, "-f", "json", data.name],
        tmp_path,
        AWS_ACCESS_KEY_ID="x",
        AWS_SECRET_ACCESS_KEY="y",
        AWS_DEFAULT_REGION="us-east-1",
    )
    found = json.loads(done.stdout)["diagnostics"]
    assert [d["rule"] for d in found] == ["HY223"]
    assert SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://user:pass@host/simple", "https://user:****@host/simple"),
        ("git+https://token@github.com/o/r", "git+https://****@github.com/o/r"),
        ("x @ https://u:p@ss@h/x.whl", "x @ https://u:****@h/x.whl"),  # the last @ ends it
        ("s3://KEY:SECRET@bucket/key", "s3://KEY:****@bucket/key"),
        ("'http://u:p@h' and http://v:q@i", "'http://u:****@h' and http://v:****@i"),
        ("http://host/simple?u=a@b", "http://host/simple?u=a@b"),  # no credentials
        ("https://u:****@h", "https://u:****@h"),  # already hidden
        ("plain text", "plain text"),
        ("/model/files/x https:/u:p@h/s", "/model/files/x https:/u:****@h/s"),  # a path of it
        ("C:/Users/me/x", "C:/Users/me/x"),
        ("==1.0https://u:p@h/s éhttps://t@h", "==1.0https://u:****@h/s éhttps://****@h"),
    ],
)
def test_redaction_as_pip_does_it(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_a_column_after_a_redaction_moves_with_it() -> None:
    line = "-i https://u:LONGSECRET@h/simple numpy"
    shown, shifts = redacted(line)
    column = line.index("numpy") + 1
    assert shown[moved(column, shifts) - 1 :] == "numpy"
    assert moved(1, shifts) == 1


def test_a_url_inside_a_missing_file_name_stays_hidden(tmp_path: Path) -> None:
    """A requirements line pip reads as a file name: the container path it would have is
    normalized (`https://` becomes `https:/`), and is redacted all the same."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "func_main.py").write_text(
        "def predict(age):\n    return {'income': age}\n"
    )
    (tmp_path / "requirements.txt").write_text(f"[extra] https://u:{SECRET}@h.example/simple\n")
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(
        MANIFEST.split("---")[0]
        .replace(INSTALL, "pip install -r requirements.txt")
        .replace(", pip.conf, setup.py]", "]")
    )
    report = validate_paths([str(manifest)])
    assert observed_in(manifest, report.diagnostics) == [
        ("HY807", "requirements.txt", 1, 1, "null")
    ]
    (finding,) = report.diagnostics
    assert finding.message.endswith("(/model/files/[extra] https:/u:****@h.example/simple)")
    done = _run(["validate", manifest.name], tmp_path)
    assert done.returncode == 1 and "u:****@h.example" in done.stdout
    assert SECRET not in done.stdout + done.stderr


def test_a_key_that_is_a_url_is_hidden_in_the_path(tmp_path: Path) -> None:
    """The path into the document names keys, and a key may be a URL with a password: the
    JSON report, SARIF and the baseline show it redacted."""
    (tmp_path / "dc.yaml").write_text(
        f"kind: DeploymentConfiguration\nname: d\nhttp://u:{SECRET}@h.example/x: 1\n"
    )
    report = validate_paths([str(tmp_path / "dc.yaml")])
    assert [(d.rule, d.path) for d in report.diagnostics] == [
        ("HY104", ("http://u:****@h.example/x",))
    ]
    out = tmp_path / "out"
    out.mkdir()
    forms = [a for form in ("json", "sarif") for a in ("-f", f"{form}={out / form}")]
    done = _run(["validate", "dc.yaml", *forms], tmp_path)
    baseline = _run(["baseline", "-o", str(out / "baseline.json"), "dc.yaml"], tmp_path)
    assert done.returncode == 1 and baseline.returncode == 0, done.stderr + baseline.stderr
    texts = [done.stdout, *(path.read_text() for path in out.iterdir())]
    assert len(texts) == 4
    assert [text for text in texts if SECRET in text] == []


NAMED = """\
kind: Model
name: "m-http://u:{secret}@h/x"
runtime: hydrosphere/serving-runtime-python-3.7:3.0.3
payload: [src/]
contract:
  name: predict
  inputs:
    "https://u:{secret}@h/f": {{shape: scalar, type: int64, profile: numerical}}
  outputs:
    income: {{shape: scalar, type: string, profile: categorical}}
---
kind: Application
name: "app http://u:{secret}@h/s"
pipeline:
  - - model: "m-http://u:{secret}@h/x:1"
  - - model: census:1
---
kind: Model
name: census
runtime: hydrosphere/serving-runtime-python-3.7:3.0.3
payload: [src/]
contract:
  name: predict
  inputs:
    "https://u:{secret}@h/g": {{shape: scalar, type: int64, profile: numerical}}
  outputs:
    income: {{shape: scalar, type: string, profile: categorical}}
---
kind: DeploymentConfiguration
name: "dc http://u:{secret}@h/s"
pod:
  nodeSelector:
    "http://u:{secret}@h/l": "http://u:{secret}@h/v"
"""


def test_a_password_in_a_name_stays_hidden_where_hydro_rewrites_the_name(tmp_path: Path) -> None:
    """A URL with a password in a name, a field or a label: hidden in messages, and also in
    the names hydro suggests instead (`app-http-u-h-s`, where no redaction would find the
    password once the URL is a slug), in the JSON report's documents and in the diagrams."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "func_main.py").write_text("def predict(**kw):\n    return {}\n")
    (tmp_path / "serving.yaml").write_text(NAMED.format(secret=SECRET))
    out = tmp_path / "out"
    out.mkdir()
    written = [a for form in _FORMATS for a in ("-f", f"{form}={out / form}")]
    runs = [
        _run(["lint", ".", *written, "--summary", str(out / "summary.md")], tmp_path),
        _run(["lint", ".", "--explain-app", f"app http://u:{SECRET}@h/s"], tmp_path),
        _run(["graph", "."], tmp_path),
        _run(["graph", "-f", "dot", "."], tmp_path),
    ]
    texts = [run.stdout + run.stderr for run in runs]
    texts += [path.read_text() for path in out.iterdir()]
    assert len(texts) == 4 + len(_FORMATS) + 1
    assert [text for text in texts if SECRET.lower() in text.lower()] == []
    assert "did you mean 'app-http-u-h-s'?" in (out / "text").read_text()
    assert '"name": "app http://u:****@h/s"' in (out / "json").read_text()
    assert "Application app http://u:****@h/s" in texts[2]


@pytest.mark.parametrize(
    ("runtime", "rule"),
    [
        # the name before the digest's `@` is quoted, made lowercase
        (f"hydrosphere/serving-runtime-python-3.7:3.0.https://{SECRET}@h", "HY201"),
        (f"Hydrosphere/serving-runtime-python-3.7:3.0.3@https://u:{SECRET}@h", "HY201"),
    ],
    ids=["token", "password"],
)
def test_a_password_stays_hidden_where_a_message_quotes_part_of_its_url(
    tmp_path: Path, runtime: str, rule: str
) -> None:
    """A message may quote a part of a value, cut where the value's grammar cuts it (an
    image's name before its `@`), where no URL is left for the redaction to find: the
    passwords of every URL in the files the run read are hidden in every text of the
    report, in any letter case."""
    (tmp_path / ".git").mkdir()
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(MANIFEST.replace("hydrosphere/serving-runtime-python-3.7:3.0.3", runtime))
    out = tmp_path / "out"
    out.mkdir()
    written = [a for form in _FORMATS for a in ("-f", f"{form}={out / form}")]
    done = _run(["lint", ".", *written, "--summary", str(out / "summary.md")], tmp_path)
    alone = _run(["validate", "-f", "json", manifest.name], tmp_path)
    texts = [done.stdout + done.stderr, alone.stdout + alone.stderr]
    texts += [path.read_text() for path in out.iterdir()]
    assert [t for t in texts if SECRET.lower() in t.lower()] == []
    found = json.loads(alone.stdout)["diagnostics"]
    assert rule in {d["rule"] for d in found}
    assert any("****" in d["message"] + (d["hint"] or "") for d in found if d["rule"] == rule)


def test_a_fix_that_writes_a_password_is_applied_not_printed(model: Path) -> None:
    """The `env` list holding a URL with a password: its fix (a mapping) moves the URL, so
    the reports leave the fix out, and `--fix` applies it all the same."""
    folder = model.parent
    reported = json.loads(_run(["validate", "-f", "json", model.name], folder).stdout)
    (env,) = [d for d in reported["diagnostics"] if d["rule"] == "HY525"]
    assert env["fix"] is None
    done = _run(["validate", "--fix", model.name], folder)
    assert SECRET not in done.stdout + done.stderr
    assert f'DATABASE_URL: "postgres://app:{SECRET}@db.example/models"' in model.read_text()


def test_a_fix_that_writes_a_secret_outside_its_url_is_not_printable() -> None:
    """`scrubbed` hides a secret of the run's files in every text of a diagnostic; its fix,
    if it writes one, stays for `--fix` but is no longer printed."""
    from hydro_manifest.diagnostics import Diagnostic, Edit, Fix, Span
    from hydro_manifest.reading.rules import QUOTE_IT

    edit = Edit(0, 4, f"name-{SECRET.lower()}", 1, 1, 1, 5)
    found = Diagnostic.of(
        "m.yaml", 0, Span(1, 1, 1, 5), ("name",), QUOTE_IT, f"name '{SECRET.upper()}'",
        hint=f"did you mean 'name-{SECRET.lower()}'?", fix=Fix(True, (edit,)),
    )  # fmt: skip
    assert found.fix is not None and found.fix.printable
    hidden = found.scrubbed(frozenset({SECRET}))
    assert (hidden.message, hidden.hint) == ("name '****'", "did you mean 'name-****'?")
    assert hidden.fix is not None and not hidden.fix.printable
    assert hidden.fix.edits == found.fix.edits
