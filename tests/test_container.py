"""The model's container: what the image build installs and what the runtime imports and
calls, checked from real files on disk (the fixtures under kinds/model/container/ hold one
folder per case; these tests break the good ones in every way the rules know)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import Options, lint_paths, validate_file
from hydro_manifest.cli import app
from tests.conftest import FIXTURES, SHARED, needs_shared, observed_in

CONTAINER = FIXTURES / "kinds" / "model" / "container"
runner = CliRunner()


def _case(tmp_path: Path, name: str) -> Path:
    """A fixture's folder copied, to break it; returns its manifest."""
    shutil.copytree(CONTAINER / name, tmp_path / name)
    return tmp_path / name / "serving.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def _found(manifest: Path, **options: bool) -> list[tuple[str, str, int, int, str]]:
    report = validate_file(manifest, options=Options(**options))
    return observed_in(manifest, report.diagnostics)


# ------------------------------------------------------------------ models that work


@pytest.mark.parametrize("name", ["census", "private-index"])
def test_models_shaped_like_the_official_examples_pass(name: str) -> None:
    """The census model (14 hyphenated inputs, `def predict(**kwargs)`, a model file loaded
    from /model/files) and a pipeline stage installed with `PIP_CONFIG_FILE=pip.conf pip
    install -r requirements.txt`: not one finding, in validate and in lint."""
    assert _found(CONTAINER / name / "serving.yaml") == []
    assert lint_paths([str(CONTAINER / name)], processes=1).diagnostics == []


# ------------------------------------------------------------------ the census model broken


def _census_lines(manifest: Path) -> dict[str, int]:
    return {
        line.split(":")[0].strip(): n for n, line in enumerate(manifest.read_text().split("\n"), 1)
    }


def test_an_input_that_is_no_identifier_fails_a_function_without_kwargs(tmp_path: Path) -> None:
    """`def predict(age, workclass)` with inputs such as `marital-status`: every other input
    is an error at its key, because the runtime calls `predict(**inputs)`."""
    manifest = _case(tmp_path, "census")
    module = manifest.parent / "src" / "func_main.py"
    _edit(module, "def predict(**kwargs):", "def predict(age, workclass):")
    lines = _census_lines(manifest)
    found = _found(manifest)
    assert ("HY812", "", lines["marital-status"], 5, "$.contract.inputs.marital-status") in found
    assert {f[0] for f in found} == {"HY812"}
    assert len(found) == 12  # the fourteen inputs but age and workclass
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", str(manifest)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout
    assert "only `**kwargs` can take it" in done.stdout


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "src/func_main.py",
            "def predict(**kwargs):",
            "def infer(**kwargs):",
            [("HY811", "", 10, 9, "$.contract.name")],
        ),
        (
            "src/func_main.py",
            'return {"income": np.array(label)}',
            'return {"label": np.array(label)}',
            [("HY813", "src/func_main.py", 19, 5, "null")],
        ),
        (
            "src/func_main.py",
            "    log.debug(",
            "    log.debug((",
            [("HY810", "src/func_main.py", 18, 14, "null")],
        ),
        (
            "serving.yaml",
            "payload: [src/, requirements.txt, model.joblib]",
            "payload: [src/, requirements.txt]",
            [("HY814", "src/func_main.py", 12, 21, "null")],
        ),
        (
            "serving.yaml",
            "payload: [src/, requirements.txt, model.joblib]",
            "payload: [src/, model.joblib]",
            [("HY802", "", 7, 33, "$.install-command")],
        ),
        (
            "requirements.txt",
            "joblib==1.2.0\n",
            "",
            [("HY815", "src/func_main.py", 5, 1, "null")],
        ),
        (
            "requirements.txt",
            "numpy==1.21.6",
            "numpy=1.21.6",
            [("HY806", "requirements.txt", 2, 1, "null")],
        ),
        (
            "requirements.txt",
            "pandas==1.3.5",
            "pandas>=1.3",
            [("HY808", "requirements.txt", 3, 1, "null")],
        ),
        (
            "serving.yaml",
            "install-command: pip install -r requirements.txt",
            "install-command: pip install -r requirements.txt)",
            [("HY801", "", 7, 49, "$.install-command")],
        ),
        (
            "serving.yaml",
            "payload: [src/,",
            "payload: [source/,",
            [("HY216", "", 8, 11, "$.payload[0]")],  # and nothing said of func_main
        ),
    ],
    ids=[
        "function-renamed",
        "output-renamed",
        "syntax-error",
        "model-file-not-shipped",
        "requirements-not-shipped",
        "requirement-dropped",
        "requirement-unreadable",
        "requirement-unpinned",
        "install-command-unparseable",
        "src-missing",
    ],
)
def test_the_census_model_broken(
    tmp_path: Path, file: str, old: str, new: str, expected: list[tuple[str, str, int, int, str]]
) -> None:
    manifest = _case(tmp_path, "census")
    _edit(manifest.parent / file, old, new)
    assert _found(manifest) == expected


def test_func_main_outside_the_runtime_path_is_missing(tmp_path: Path) -> None:
    manifest = _case(tmp_path, "census")
    (manifest.parent / "src").rename(manifest.parent / "code")
    _edit(manifest, "payload: [src/,", "payload: [code/,")
    found = _found(manifest)
    assert found == [("HY809", "", 8, 1, "$.payload")]
    report = validate_file(manifest)
    assert "/model/files/src" in report.diagnostics[0].message


# ------------------------------------------------------------------ the install command


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        # pip as a module, a cd into src/, an exported configuration: all followed
        ("cd src && python -m pip install -r ../requirements.txt", []),
        ("export PIP_CONFIG_FILE=/model/files/pip.conf; pip3 install -r requirements.txt", []),
        # a requirement on the command line provides its import
        ("pip install joblib==1.2.0 numpy==1.21.6 pandas==1.3.5 scikit-learn==1.0.2", []),
        # a script may install anything: imports are not judged, the script must be there
        ("bash install.sh", [("HY802", "", 7, 23, "$.install-command")]),
        # after `cd src`, requirements.txt is read from /model/files/src
        ("cd src && pip install -r requirements.txt", [("HY802", "", 7, 43, "$.install-command")]),
        (
            "pip install -c constraints.txt -r requirements.txt",
            [("HY802", "", 7, 33, "$.install-command")],
        ),
    ],
)
def test_the_install_command_as_the_shell_reads_it(
    tmp_path: Path, command: str, expected: list[tuple[str, str, int, int, str]]
) -> None:
    manifest = _case(tmp_path, "census")
    (manifest.parent / "pip.conf").write_text("[global]\ntimeout = 60\n")
    _edit(manifest, "payload: [src/,", "payload: [pip.conf, src/,")
    _edit(
        manifest, "install-command: pip install -r requirements.txt", f"install-command: {command}"
    )
    assert _found(manifest) == expected


def test_a_file_beside_the_manifest_but_not_in_the_payload_says_which_entry_to_add(
    tmp_path: Path,
) -> None:
    report = validate_file(CONTAINER / "install-file-missing" / "serving.yaml")
    first = report.diagnostics[0]
    assert (first.rule, first.hint) == (
        "HY802",
        "add `pip.conf` to `payload`: it is beside the manifest, not in the container",
    )


# ------------------------------------------------------------------ pip.conf


@needs_shared
def test_the_docs_pip_conf_example_is_reported(tmp_path: Path) -> None:
    """The docs' "private pip repositories" page (seed/pip-config.md) shows a pip.conf with
    `index-url = http://…` and no `trusted-host`: pip ignores that index, so hydro reports
    the docs' own example (HY803)."""
    page = (SHARED / "seed" / "pip-config.md").read_text()
    example = re.search(r"```text\n(.*?)```", page, re.S)
    assert example is not None
    manifest = _case(tmp_path, "private-index")
    (manifest.parent / "pip.conf").write_text(example[1])
    index_line = example[1].split("\n").index("index-url = http://pypi.python.org/simple/") + 1
    assert _found(manifest) == [("HY803", "pip.conf", index_line, 13, "null")]
    hint = validate_file(manifest).diagnostics[0].hint
    assert hint == "use https, or add `trusted-host = pypi.python.org`"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("index-url = https://pypi.org/simple/\n", 1, "a line comes before the first section"),
        ("[global]\ntimeout = 60\ntimeout = 30\n", 3, "`timeout` is set twice in `[global]`"),
        ("[global]\ntimeout = 60\n[global]\n", 3, "the section `[global]` is written twice"),
        ("[global]\ntimeout = 60\nno value here\n", 3, "a line is not `key = value`"),
    ],
    ids=["before-section", "key-twice", "section-twice", "no-equals"],
)
def test_a_pip_conf_pip_cannot_load(tmp_path: Path, text: str, line: int, problem: str) -> None:
    """pip loads its configuration with configparser and stops at what it cannot parse."""
    manifest = _case(tmp_path, "private-index")
    (manifest.parent / "pip.conf").write_text(text)
    assert _found(manifest) == [("HY805", "pip.conf", line, 1, "null")]
    message = validate_file(manifest).diagnostics[0].message
    assert message.endswith(f"pip cannot read this configuration: {problem}")


def test_a_trusted_http_index_is_used(tmp_path: Path) -> None:
    manifest = _case(tmp_path, "private-index")
    (manifest.parent / "pip.conf").write_text(
        "[global]\nindex-url = http://pypi.internal:8080/simple/\ntrusted-host = pypi.internal\n"
    )
    assert _found(manifest) == []


# ------------------------------------------------------------------ findings in payload files


def test_sarif_and_github_point_into_the_payload_files() -> None:
    manifest = CONTAINER / "signature-parameters" / "serving.yaml"
    module = os.path.relpath(manifest.parent / "src" / "func_main.py")  # SARIF: from the root
    sarif = json.loads(runner.invoke(app, ["validate", "-f", "sarif", str(manifest)]).output)
    located = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for r in sarif["runs"][0]["results"]
    ]
    assert ("HY812", Path(module).as_posix(), 1, 29) in located
    github = runner.invoke(app, ["validate", "-f", "github", str(manifest)]).output
    named = manifest.parent / "src" / "func_main.py"  # as given: the manifest's path was absolute
    assert f"::error file={named},line=1,col=29,endLine=1,endColumn=31,title=HY812::" in github


def test_the_terminal_shows_the_payload_files_line(tmp_path: Path) -> None:
    manifest = CONTAINER / "signature-parameters" / "serving.yaml"
    shown = runner.invoke(app, ["validate", "--color", "always", str(manifest)]).output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert "src/func_main.py:1:29\n" in plain
    assert "1 | def predict(age, workclass, x1, *, scale=1.0):\n" in plain


def test_a_payload_file_two_manifests_ship_is_reported_once_per_finding(tmp_path: Path) -> None:
    """Both Models read the same broken func_main.py: its syntax error is said once; what
    depends on each Model's contract names the Model."""
    folder = tmp_path / "models"
    shutil.copytree(CONTAINER / "func-main-syntax", folder)
    shutil.copy(folder / "serving.yaml", folder / "other.yaml")
    _edit(folder / "other.yaml", "name: census", "name: census-b")
    report = lint_paths([str(folder)], processes=1)
    assert [(Path(d.file).name, d.rule) for d in report.diagnostics] == [("func_main.py", "HY810")]
    shutil.copytree(CONTAINER / "signature-parameters" / "src", folder / "src", dirs_exist_ok=True)
    report = lint_paths([str(folder)], processes=1)
    in_module = [d for d in report.diagnostics if d.file.endswith("func_main.py")]
    assert sorted((d.rule, d.line, d.column, d.message.split(": ")[0]) for d in in_module) == [
        ("HY812", 1, 18, f"Model 'census' of {folder / 'serving.yaml'}"),
        ("HY812", 1, 18, f"Model 'census-b' of {folder / 'other.yaml'}"),
        ("HY812", 1, 29, f"Model 'census' of {folder / 'serving.yaml'}"),
        ("HY812", 1, 29, f"Model 'census-b' of {folder / 'other.yaml'}"),
    ]


def test_line_suppressions_stay_in_their_file_and_ignore_file_covers_the_payload(
    tmp_path: Path,
) -> None:
    manifest = _case(tmp_path, "signature-parameters")
    text = manifest.read_text()
    # the finding in func_main.py is on its line 1: a suppression on the manifest's line 1
    manifest.write_text("# hydro: ignore[HY812]\n" + text)
    found = _found(manifest)
    assert ("HY812", "src/func_main.py", 1, 29, "null") in found
    assert ("HY609", "", 1, 1, "null") in found  # it silenced nothing
    manifest.write_text("# hydro: ignore-file[HY812]\n" + text)
    assert _found(manifest) == []


def test_without_file_checks_the_field_name_guess_is_left() -> None:
    """With `--no-file-checks` func_main.py is not read: a name only `**kwargs` can take is
    the HY315 warning, a guess."""
    manifest = CONTAINER / "signature-parameters" / "serving.yaml"
    assert _found(manifest, file_checks=False) == [
        ("HY315", "", 14, 5, "$.contract.inputs.marital-status")
    ]


# ------------------------------------------------------------------ hostile modules


def _hostile(tmp_path: Path, data: bytes) -> list[tuple[str, str, int, int]]:
    manifest = _case(tmp_path, "func-main-syntax")
    (manifest.parent / "src" / "func_main.py").write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", "-f", "json", str(manifest)],
        capture_output=True,
        text=True,
        timeout=60,  # bounded: each finishes in a few seconds
    )
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    return [
        (d["rule"], Path(d["file"]).name, d["line"], d["column"]) for d in report["diagnostics"]
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"x = 1\n" * 400_000, [("HY014", "func_main.py", 1, 1)]),  # 2.4 MiB
        (b"x = " + b"(" * 300 + b")" * 300 + b"\n", [("HY810", "func_main.py", 1, 205)]),
        (b"x = " + b"-" * 200_000 + b"1\n", [("HY810", "func_main.py", 1, 1)]),
        # on Python 3.10 `ast.parse` of this crashed the process (C stack overflow)
        (b"x = a" + b" + a" * 200_000 + b"\n", [("HY810", "func_main.py", 1, 1)]),
        (b"x = a" + b".b" * 200_000 + b"\n", [("HY810", "func_main.py", 1, 1)]),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 64, [("HY810", "func_main.py", 1, 1)]),
        (b"def predict(age):\n    return {'income': '\xff'}\n", [("HY810", "func_main.py", 2, 24)]),
        (  # a union of 990 terms: deeper than Python writes back, read without recursion
            b"def predict(age: " + b" | ".join([b"int"] * 990) + b"):\n    return {}\n",
            [("HY849", "func_main.py", 1, 18), ("HY813", "func_main.py", 2, 5)],
        ),
        # compiled, 140,000 alike lambdas took CPython 3.11 800 s (quadratic in their number)
        (b"y = lambda: 1\n" * 140_000, [("HY811", "serving.yaml", 8, 9)]),
    ],
    ids=[
        "huge",
        "nested-parentheses",
        "deep-expression",
        "long-sum",
        "long-attribute-chain",
        "binary",
        "not-utf8",
        "long-union",
        "alike-lambdas",
    ],
)
def test_a_hostile_func_main_is_a_located_finding(
    tmp_path: Path, data: bytes, expected: list[tuple[str, str, int, int]]
) -> None:
    assert _hostile(tmp_path, data) == expected


# ------------------------------------------------------------------ the runtime's Python

WALRUS = (
    "def predict(age):\n    if (old := age > 40):\n        pass\n    return {'income': str(old)}\n"
)
#: A decorator of any expression (PEP 614, Python 3.9), which `ast` reads in every grammar.
DECORATED = "CACHES = [lambda f: f]\n\n\n@CACHES[0]\ndef predict(age):\n    return {'income': ''}\n"
#: Context managers in parentheses (Python 3.9): with `as` inside, an older grammar cannot
#: read them; without, it reads one manager, a tuple (which fails only when it runs).
MANAGERS_AS = (
    "def predict(age):\n    with (open('a') as f, open('b') as g):\n        pass\n"
    "    return {'income': ''}\n"
)
MANAGERS_TUPLE = MANAGERS_AS.replace(" as f", "").replace(" as g", "")
MATCH = (
    "def predict(age):\n    match age:\n        case 1:\n            pass\n"
    "    return {'income': ''}\n"
)


@pytest.mark.parametrize(
    ("runtime", "code", "expected"),
    [
        ("python-3.7:3.0.3", WALRUS, [("HY810", "src/func_main.py", 2, 9, "null")]),
        ("python-3.8.11:3.0.3", WALRUS, []),
        ("python-3.8.11:3.0.3", MATCH, [("HY810", "src/func_main.py", 2, 5, "null")]),
        ("python-3.6:2.4.3", WALRUS, [("HY810", "src/func_main.py", 2, 9, "null")]),
        ("python-3.8.11:3.0.3", DECORATED, [("HY810", "src/func_main.py", 4, 2, "null")]),
        ("python-3.8.11:3.0.3", MANAGERS_AS, [("HY810", "src/func_main.py", 2, 21, "null")]),
        ("python-3.8.11:3.0.3", MANAGERS_TUPLE, []),
        # no image of Python 3.9 was built for 3.0.3 (HY822), but its syntax passes
        ("python-3.9:3.0.3", DECORATED, [("HY822", "", 5, 10, "$.runtime")]),
    ],
    ids=[
        "walrus-on-3.7",
        "walrus-on-3.8",
        "match-on-3.8",
        "walrus-on-3.6",
        "decorator-on-3.8",
        "parenthesized-managers-on-3.8",
        "a-tuple-of-managers-on-3.8",
        "decorator-on-3.9",
    ],
)
def test_syntax_newer_than_the_runtimes_python(
    tmp_path: Path, runtime: str, code: str, expected: list[tuple[str, str, int, int, str]]
) -> None:
    """The module is read in the grammar of the Python the image's name gives: Python 3.7
    cannot import `:=` (3.8) nor 3.8 `match` (3.10), however new the Python hydro runs on."""
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "python-3.7:3.0.0", runtime)
    (manifest.parent / "src" / "func_main.py").write_text(code)
    assert _found(manifest) == expected
    for finding in validate_file(manifest).diagnostics:
        if finding.rule == "HY810":
            version = runtime.removeprefix("python-")[:3]  # 3.7, 3.8, 3.6
            assert finding.message.startswith(f"Python {version}, the runtime's, cannot parse")


#: Expressions `ast` reads alike in every grammar (each read with real CPython 3.6 to 3.11).
NEWER_EXPRESSIONS = {
    "starred-for": (
        "    for a in *age, 1:\n        pass\n",
        (2, 14),
        "a starred item in an "
        "unparenthesized tuple after `for … in` is only supported in Python 3.9",
    ),
    "walrus-in-set": (
        "    seen = {1, (a := 2), b := 3}\n",
        (2, 26),
        "an unparenthesized `:=` as an item of a set is only supported in Python 3.9",
    ),
    "walrus-in-set-comprehension": (
        "    seen = {b := a for a in age}\n",
        (2, 13),
        "an unparenthesized `:=` as a set comprehension's item is only supported in Python 3.9",
    ),
    "walrus-subscript": (
        "    first = age[\n        # the first\n        i := 0]\n",
        (4, 9),
        "an unparenthesized `:=` in a subscript is only supported in Python 3.10",
    ),
    "walrus-subscript-tuple": (
        "    first = age[1, i := 0]\n",
        (2, 20),
        "an unparenthesized `:=` in a subscript is only supported in Python 3.10",
    ),
    "starred-subscript": (
        "    first = age[1, *age]\n",
        (2, 20),
        "a starred item in a subscript is only supported in Python 3.11",
    ),
    "starred-args-annotation": (
        "    def f(*a: *age):\n        pass\n",
        (2, 15),
        "a starred annotation (of `*args`) is only supported in Python 3.11",
    ),
}
#: Their older spellings, which Python 3.8 reads.
OLDER_EXPRESSIONS = (
    "    for a in (*age, 1):\n        pass\n",
    "    seen = {1, (a := 2), (b := 3)} | {(b := a) for a in age}\n",
    "    first = age[( # the first\n        i := 0)], age[(1, i := 0)], age[(1, *age)]\n",
)


@pytest.mark.parametrize("case", NEWER_EXPRESSIONS)
def test_expressions_newer_than_the_runtimes_python(tmp_path: Path, case: str) -> None:
    """`ast` reads these in every grammar; Python 3.8 cannot parse them (nor the ones of
    3.10 and 3.11 Python 3.9 or 3.10): HY810 at the expression, with the version it needs
    (on a Python hydro runs that is older than that, its own parser's "invalid syntax")."""
    code, place, message = NEWER_EXPRESSIONS[case]
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "python-3.7:3.0.0", "python-3.8.11:3.0.3")
    (manifest.parent / "src" / "func_main.py").write_text(
        "def predict(age):\n" + code + "    return {'income': ''}\n"
    )
    (finding,) = [d for d in validate_file(manifest).diagnostics if d.rule == "HY810"]
    assert (finding.line, finding.column) == place
    needs = tuple(int(n) for n in message.rpartition(" ")[2].split("."))
    said = f"{message} and greater" if sys.version_info >= needs else "invalid syntax"
    assert finding.message == f"Python 3.8, the runtime's, cannot parse func_main.py: {said}"
    for older in OLDER_EXPRESSIONS:
        (manifest.parent / "src" / "func_main.py").write_text(
            "def predict(age):\n" + older + "    return {'income': ''}\n"
        )
        assert [d.rule for d in validate_file(manifest).diagnostics] == [], older


#: What Python 3.6 added to the grammar ("What's New In Python 3.6"), in a module of a Python
#: 3.5 image (hydrosphere 2.1 to 2.3 built them); `ast` reads no grammar older than 3.7.
NEWER_THAN_35 = {
    "f-string": ("    return {'income': f'{age}'}\n", (2, 23), "f-strings are"),
    "underscores": (
        "    return {'income': str(age + 0x_ff)}\n",
        (2, 33),
        "underscores in numeric literals are",
    ),
    "variable-annotation": (
        "    total: int = 0\n    return {'income': ''}\n",
        (2, 5),
        "variable annotations are",
    ),
    "async-generator": (
        "    async def rows():\n        yield 1\n    return {'income': ''}\n",
        (3, 9),
        "asynchronous generators are",
    ),
    "async-comprehension": (
        "    async def rows(x):\n        return [await a for a in x]\n    return {'income': ''}\n",
        (3, 16),
        "asynchronous comprehensions are",
    ),
}


def test_async_and_await_are_names_before_python_37(tmp_path: Path) -> None:
    """Python 3.6 reads `async` and `await` as names outside an `async def`; 3.7 rejects them
    (hydro reads no grammar older than 3.7's, and spells them otherwise to read 3.6's)."""
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "python-3.7:3.0.0", "python-3.6:2.3.0")
    (manifest.parent / "src" / "func_main.py").write_text(
        "def predict(age, async=False):\n    return {'income': str(async)}\n"
    )
    assert validate_file(manifest).diagnostics == []
    _edit(manifest, "python-3.6:2.3.0", "python-3.7:3.0.3")
    assert _found(manifest) == [("HY810", "src/func_main.py", 1, 18, "null")]
    _edit(manifest, "python-3.7:3.0.3", "python-3.6:2.3.0")
    (manifest.parent / "src" / "func_main.py").write_text(  # (line breaks only to str.splitlines)
        "PAGE = '\x0c', '\u2028'\n\n\ndef predict(age, async=False):\n"
        "    return {'income': str(async)}\n"
    )
    assert validate_file(manifest).diagnostics == []


@pytest.mark.parametrize("case", NEWER_THAN_35)
def test_syntax_newer_than_python_35(tmp_path: Path, case: str) -> None:
    """hydro reads a 3.5 image's module in 3.7's grammar and finds what 3.6 added in its tree;
    Python 3.6's image imports the same module, and 3.5 an `async def` that only awaits."""
    code, place, what = NEWER_THAN_35[case]
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "python-3.7:3.0.0", "python-3.5:2.3.0")
    func_main = manifest.parent / "src" / "func_main.py"
    func_main.write_text("def predict(age):\n" + code)
    (finding,) = validate_file(manifest).diagnostics
    assert (finding.rule, finding.line, finding.column) == ("HY810", *place)
    assert finding.message == (
        f"Python 3.5, the runtime's, cannot parse func_main.py: {what} only supported in "
        "Python 3.6 and greater"
    )
    _edit(manifest, "python-3.5:2.3.0", "python-3.6:2.3.0")
    assert validate_file(manifest).diagnostics == []
    _edit(manifest, "python-3.6:2.3.0", "python-3.5:2.3.0")
    awaiting = "async def rows(x):\n    return [a for a in await x]\n"
    func_main.write_text(awaiting + "\n\n" + PREDICT)
    assert validate_file(manifest).diagnostics == []


PREDICT = "def predict(age):\n    return {'income': str(age)}\n"
LATE_FUTURE = "import os\nfrom __future__ import annotations\n\n\n" + PREDICT
YIELD_IN_COMPREHENSION = (
    "def predict(age):\n    rows = [(yield a) for a in age]\n    return {'income': rows}\n"
)
#: Python 3.11 lets an asynchronous comprehension stand in another of an asynchronous function.
ASYNC_IN_COMPREHENSION = (
    "async def rows(age):\n    return [\n        [a async for a in x] for x in age]\n" + PREDICT
)
CONTINUE_IN_FINALLY = (
    "def predict(age):\n    for a in age:\n        try:\n            pass\n"
    "        finally:\n            continue\n    return {'income': ''}\n"
)


@pytest.mark.parametrize(
    ("runtime", "code", "expected", "message"),
    [
        ("python-3.7:3.0.3", PREDICT + "return None\n", (3, 1), "'return' outside function"),
        (
            "python-3.8.11:3.0.3",
            LATE_FUTURE,
            (2, 1),
            "from __future__ imports must occur at the beginning of the file",
        ),
        (
            "python-3.7:3.0.3",
            PREDICT.replace("(age)", "(age, age)"),
            (1, 18),
            "duplicate argument 'age' in function definition",
        ),
        (
            "python-3.7:3.0.3",
            PREDICT.replace("    return", "    nonlocal model\n    return"),
            (2, 5),
            "no binding for nonlocal 'model' found",
        ),
        (
            "python-3.8.11:3.0.3",
            YIELD_IN_COMPREHENSION,
            (2, 14),
            "'yield' inside list comprehension",
        ),
        ("python-3.7:3.0.3", YIELD_IN_COMPREHENSION, None, ""),
        ("python-3.7:3.0.3", "# -\n" * 2_000 + YIELD_IN_COMPREHENSION, None, ""),
        (
            "python-3.7:3.0.3",
            CONTINUE_IN_FINALLY,
            (6, 13),
            "'continue' not supported inside 'finally' clause",
        ),
        ("python-3.8.11:3.0.3", CONTINUE_IN_FINALLY, None, ""),
        (
            "python-3.8.11:3.0.3",
            ASYNC_IN_COMPREHENSION,
            (3, 9),
            "asynchronous comprehension outside of an asynchronous function (it stands in a "
            "comprehension that is not asynchronous: Python 3.11 allows that)",
        ),
        ("python-3.8.11:3.0.3", ASYNC_IN_COMPREHENSION.replace("] for", "] async for"), None, ""),
        (
            "python-3.6:2.4.3",
            "async def rows(age):\n    return [(a async for a in x) for x in age]\n" + PREDICT,
            (2, 13),
            "asynchronous comprehension outside of an asynchronous function",
        ),
        (
            "python-3.7:3.0.3",
            "async def rows(age):\n    return [(a async for a in x) for x in age]\n" + PREDICT,
            None,
            "",
        ),
    ],
    ids=[
        "return-outside-function",
        "late-future-import",
        "duplicate-argument",
        "nonlocal-unbound",
        "yield-in-comprehension-on-3.8",
        "yield-in-comprehension-on-3.7",
        "yield-in-comprehension-on-3.7-large-module",  # Python 3.10's guard compiles it
        "continue-in-finally-on-3.7",
        "continue-in-finally-on-3.8",
        "async-comprehension-in-comprehension-on-3.8",
        "async-comprehension-in-async-comprehension-on-3.8",
        "async-generator-expression-in-comprehension-on-3.6",
        "async-generator-expression-in-comprehension-on-3.7",
    ],
)
def test_what_parses_but_does_not_compile(
    tmp_path: Path,
    runtime: str,
    code: str,
    expected: tuple[int, int] | None,
    message: str,
) -> None:
    """Importing compiles the module: what Python's compiler rejects after the parser took it
    is a SyntaxError at import as well, on the runtime's Python (each case read with real
    CPython 3.6 to 3.13: `yield` in a comprehension fails from 3.8 on, `continue` in
    `finally` before 3.8 only)."""
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "python-3.7:3.0.0", runtime)
    (manifest.parent / "src" / "func_main.py").write_text(code)
    found = [d for d in validate_file(manifest).diagnostics if d.rule == "HY810"]
    if expected is None:
        assert found == []
        return
    (finding,) = found
    version = runtime.removeprefix("python-")[:3]
    assert (finding.line, finding.column) == expected
    assert finding.message == (
        f"Python {version}, the runtime's, cannot compile func_main.py: {message}"
    )


def test_the_parsers_warnings_neither_print_nor_fail(tmp_path: Path) -> None:
    """`"\\d"` makes Python's parser warn (SyntaxWarning from 3.12); under
    `PYTHONWARNINGS=error` the warning would be a false syntax error."""
    manifest = _case(tmp_path, "func-main-syntax")
    code = "import re\nDIGITS = re.compile('\\d+')\ndef predict(age):\n    return {'income': ''}\n"
    (manifest.parent / "src" / "func_main.py").write_text(code)
    for warnings in ("default", "error"):
        done = subprocess.run(
            [sys.executable, "-m", "hydro_manifest", "validate", "-f", "json", str(manifest)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONWARNINGS": warnings},
        )
        assert (done.returncode, done.stderr) == (0, ""), warnings
        assert json.loads(done.stdout)["diagnostics"] == []


@pytest.mark.parametrize(
    ("code", "column", "typing_name"),
    [
        (
            "from collections.abc import Sequence\n\n\ndef predict(age: Sequence[int]):\n",
            18,
            "Sequence",
        ),
        (
            "import collections.abc\n\n\ndef predict(age: collections.abc.Set[int]):\n",
            18,
            "AbstractSet",
        ),
        (
            "from collections import abc\n\n\ndef predict(age: abc.Callable[[], int]):\n",
            18,
            "Callable",
        ),
        ("import collections as c\n\n\ndef predict(age: c.deque[int]):\n", 18, "Deque"),
        ("import re\n\n\ndef predict(age, p: re.Pattern[str] = None):\n", 21, "Pattern"),
        ("import typing\n\n\ndef predict(age: frozenset[int]):\n", 18, "FrozenSet"),
    ],
    ids=["from-abc", "module-abc", "abc-alias", "deque", "pattern", "frozenset"],
)
def test_standard_library_generics_need_python_39(
    tmp_path: Path, code: str, column: int, typing_name: str
) -> None:
    """PEP 585 made the standard library's containers generic in Python 3.9: on 3.8.11's
    image `collections.abc.Sequence[int]` raises TypeError at import, as `list[int]` does."""
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "python-3.7:3.0.0", "python-3.8.11:3.0.3")
    (manifest.parent / "src" / "func_main.py").write_text(code + "    return {'income': ''}\n")
    assert _found(manifest) == [("HY849", "src/func_main.py", 4, column, "null")]
    (finding,) = validate_file(manifest).diagnostics
    assert finding.hint is not None and finding.hint.endswith(f"`typing.{typing_name}[…]`")


@pytest.mark.parametrize(
    ("code", "line", "column", "shown"),
    [
        (
            "from typing import List\n\n\ndef predict(age: List[int] | None):\n",
            4,
            18,
            "`List[int] | None`",
        ),
        ("import typing as t\n\n\ndef predict(age: t.Any | str):\n", 4, 18, "`t.Any | str`"),
        ("class Row:\n    pass\n\n\ndef predict(age) -> Row | None:\n", 5, 21, "`Row | None`"),
    ],
    ids=["typing-generic", "typing-attribute", "own-class"],
)
def test_unions_of_typing_objects_and_plain_classes_need_python_310(
    tmp_path: Path, code: str, line: int, column: int, shown: str
) -> None:
    """Before Python 3.10 neither `typing`'s objects nor a class of metaclass `type` define
    `|` (PEP 604 added it to both): on 3.8.11's image the import raises TypeError."""
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "python-3.7:3.0.0", "python-3.8.11:3.0.3")
    (manifest.parent / "src" / "func_main.py").write_text(code + "    return {'income': ''}\n")
    assert _found(manifest) == [("HY849", "src/func_main.py", line, column, "null")]
    (finding,) = validate_file(manifest).diagnostics
    assert finding.message.split(": ", 1)[1].startswith(
        f"{shown} (types joined with `|`, PEP 604) needs Python 3.10: Python 3.8, the runtime's,"
        " evaluates it when it imports func_main and raises TypeError"
    )


@pytest.mark.parametrize(
    ("runtime", "code"),
    [
        ("python-3.7:3.0.3", "def predict(age: 'list[int]') -> 'int | None':\n    pass\n"),
        ("python-3.7:3.0.3", "list = tuple\n\n\ndef predict(age: list[int]):\n    pass\n"),
        (
            "python-3.7:3.0.3",
            "import sys\n\nif sys.version_info >= (3, 10):\n"
            "    def helper(age: int | None):\n        pass\n\n\ndef predict(age):\n",
        ),
        ("python-3.7:3.0.3", "def predict(age):\n    def inner(x: list[int]):\n        pass\n"),
        ("python-3.7:3.0.3", "import numpy as np\n\n\ndef predict(age: np.ndarray | None):\n"),
        (
            "python-3.8.11:3.0.3",
            "from __future__ import annotations\n\n\ndef predict(age: int | None):\n",
        ),
        (
            "python-3.7:3.0.3",
            "class Row(Base):\n    pass\n\n\ndef predict(age: Row | None):\n",
        ),
        (
            "python-3.7:3.0.3",
            "@register\nclass Row:\n    pass\n\n\ndef predict(age: Row | None):\n",
        ),
    ],
    ids=[
        "strings",
        "own-list",
        "version-test",
        "in-a-function",
        "another-class",
        "future",
        "class-with-a-base",
        "decorated-class",
    ],
)
def test_annotations_python_does_not_evaluate_at_import_pass(
    tmp_path: Path, runtime: str, code: str
) -> None:
    """Strings, names the module binds itself, blocks chosen by version, annotations inside
    functions, classes that may define `|`, and postponed annotations: no HY849."""
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "python-3.7:3.0.0", runtime)
    (manifest.parent / "src" / "func_main.py").write_text(code + "    return {'income': ''}\n")
    assert [rule for rule, *_ in _found(manifest)] == []


@pytest.mark.parametrize(
    ("runtime", "imports", "requirements", "expected"),
    [
        ("python-3.7:3.0.3", "import tomllib\n", "", [(1, 1, "tomllib", (3, 11), (3, 7))]),
        (
            "python-3.8.11:3.0.3",
            "from zoneinfo import ZoneInfo\n",
            "",
            [(1, 1, "zoneinfo", (3, 9), (3, 8))],
        ),
        (
            "python-3.6:2.4.3",
            "import os\nimport dataclasses\n",
            "",
            [(2, 1, "dataclasses", (3, 7), (3, 6))],
        ),
        ("python-3.6:2.4.3", "import dataclasses\n", "dataclasses==0.8\n", []),
        ("python-3.7:3.0.3", "from distutils.version import LooseVersion\nimport imp\n", "", []),
        ("python-3.9:3.0.3", "import zoneinfo\nimport graphlib\n", "", []),
    ],
    ids=[
        "tomllib-on-3.7",
        "zoneinfo-on-3.8",
        "dataclasses-on-3.6",
        "backport-installed",
        "removed-since-3.7",
        "on-3.9",
    ],
)
def test_the_standard_library_is_the_runtimes_pythons(
    tmp_path: Path,
    runtime: str,
    imports: str,
    requirements: str,
    expected: list[tuple[int, int, str, tuple[int, int], tuple[int, int]]],
) -> None:
    """A module the standard library gained after the runtime's Python is missing there
    unless a requirement installs it; one it lost since (distutils, gone from 3.12) is
    still there, whatever Python hydro runs on."""
    manifest = _case(tmp_path, "import-missing")
    _edit(manifest, "python-3.7:3.0.0", runtime)
    (manifest.parent / "requirements.txt").write_text(requirements)
    (manifest.parent / "src" / "func_main.py").write_text(
        imports + "\n\ndef predict(age):\n    return {'income': str(age)}\n"
    )
    found = [d for d in validate_file(manifest).diagnostics if d.rule == "HY815"]
    assert [(d.line, d.column) for d in found] == [(line, column) for line, column, *_ in expected]
    for finding, (_, _, name, joined, python) in zip(found, expected, strict=True):
        assert (
            "`{}` may be missing when the runtime imports func_main: it is in the standard "
            "library from Python {}.{} on, not in Python {}.{}, the runtime's, and no "
            "requirement the install command installs provides it"
        ).format(name, *joined, *python) in finding.message
        assert finding.hint == (
            "choose a runtime image of Python {}.{} or newer, or install a backport and import "
            "that instead, under its own name".format(*joined)
        )


@pytest.mark.parametrize(
    ("runtime", "code", "expected"),
    [
        (
            "python-3.7:3.0.3",
            "import os\nfrom typing import List, Literal\n",
            [(2, 1, "`typing.Literal` is new in Python 3.8: Python 3.7, the runtime's, raises "
                    "ImportError when it imports func_main")],
        ),
        (
            "python-3.8.11:3.0.3",
            "import functools\n\n\n@functools.cache\ndef load():\n    pass\n",
            [(4, 2, "`functools.cache` is new in Python 3.9: Python 3.8, the runtime's, raises "
                    "AttributeError when it imports func_main")],
        ),
        (
            "python-3.7:3.0.3",
            "import importlib.metadata as md\n\nVERSION = md.version('numpy')\n",
            [(1, 1, "`importlib.metadata` is new in Python 3.8: Python 3.7, the runtime's, "
                    "raises ModuleNotFoundError when it imports func_main")],
        ),
        (
            "python-3.7:3.0.3",
            "import typing as t\n\n\nclass Row:\n    kind: t.Final = 1\n",
            [(5, 11, "`typing.Final` is new in Python 3.8: Python 3.7, the runtime's, raises "
                     "AttributeError when it imports func_main")],
        ),
        ("python-3.8.11:3.0.3", "from typing import Literal\n", []),
        (
            "python-3.7:3.0.3",
            "import sys\n\nif sys.version_info >= (3, 8):\n    from typing import Literal\n"
            "else:\n    from typing_extensions import Literal\n",
            [],
        ),
        ("python-3.7:3.0.3", "import math\n\n\ndef total(a):\n    return math.prod(a)\n", []),
        (
            "python-3.7:3.0.3",
            "from __future__ import annotations\nimport typing\n\n\n"
            "def scale(a: typing.Final):\n    pass\n",
            [],
        ),
    ],
    ids=[
        "from-import",
        "decorator",
        "submodule",
        "class-annotation",
        "on-a-python-that-has-it",
        "chosen-by-version",
        "in-a-function",
        "postponed-annotation",
    ],
)  # fmt: skip
def test_standard_library_names_newer_than_the_runtimes_python(
    tmp_path: Path, runtime: str, code: str, expected: list[tuple[int, int, str]]
) -> None:
    """A name the standard library gained after the runtime's Python, taken when the
    runtime imports func_main, fails the import: at its first place, with what it raises."""
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "python-3.7:3.0.0", runtime)
    (manifest.parent / "src" / "func_main.py").write_text(
        code + "\n\ndef predict(age):\n    return {'income': str(age)}\n"
    )
    found = [d for d in validate_file(manifest).diagnostics if d.rule == "HY851"]
    assert [(d.line, d.column) for d in found] == [(line, column) for line, column, _ in expected]
    for finding, (_, _, message) in zip(found, expected, strict=True):
        assert message in finding.message


def test_a_name_newer_than_one_models_python_names_that_model(tmp_path: Path) -> None:
    """Two Models ship one func_main.py, on Python 3.7's image and on 3.8.11's: only the
    first fails on `typing.Literal`, and the finding in the shared file says which."""
    folder = tmp_path / "models"
    shutil.copytree(CONTAINER / "func-main-syntax", folder)
    (folder / "src" / "func_main.py").write_text(
        "from typing import Literal\n\n\ndef predict(age):\n    return {'income': ''}\n"
    )
    _edit(folder / "serving.yaml", "python-3.7:3.0.0", "python-3.7:3.0.3")
    shutil.copy(folder / "serving.yaml", folder / "other.yaml")
    _edit(folder / "other.yaml", "name: census", "name: census-b")
    _edit(folder / "other.yaml", "python-3.7:3.0.3", "python-3.8.11:3.0.3")
    report = lint_paths([str(folder)], processes=1)
    found = [d for d in report.diagnostics if d.rule == "HY851"]
    assert [(d.line, d.column, d.message.split(": ")[0]) for d in found] == [
        (1, 1, f"Model 'census' of {folder / 'serving.yaml'}")
    ]


@pytest.mark.parametrize(
    ("entry", "files", "shipped_at"),
    [
        ("utils.py", {"utils.py": ""}, "/model/files/utils.py"),
        ("lib/", {"lib/utils.py": ""}, "/model/files/lib/utils.py"),
        ("lib/", {"lib/utils/__init__.py": ""}, "/model/files/lib/utils/"),
    ],
    ids=["beside-the-manifest", "in-a-folder", "a-package"],
)
def test_a_module_shipped_off_the_runtimes_path_is_named(
    tmp_path: Path, entry: str, files: dict[str, str], shipped_at: str
) -> None:
    """The payload ships the module, but where the runtime does not look (/model/files is
    not on its sys.path): the warning says where it is and where it belongs."""
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "payload: [src/]", f"payload: [src/, {entry}]")
    for name, text in files.items():
        (manifest.parent / name).parent.mkdir(parents=True, exist_ok=True)
        (manifest.parent / name).write_text(text)
    (manifest.parent / "src" / "func_main.py").write_text(
        "import utils\n\n\ndef predict(age):\n    return {'income': str(age)}\n"
    )
    assert _found(manifest) == [("HY815", "src/func_main.py", 1, 1, "null")]
    (finding,) = validate_file(manifest).diagnostics
    assert f"the payload ships it at {shipped_at}, and the runtime looks" in finding.message
    assert finding.hint == "ship it beside func_main.py, under the payload's src/"


@pytest.mark.parametrize(
    ("tag", "expected", "where"),
    [
        ("3.0.3", [], None),
        (
            "2.4.3",
            [("HY815", "src/func_main.py", 1, 1, "null")],
            "ships it at /model/files/src/lib/helpers.py, and the runtime looks for modules in "
            "/model/files/src and /model/lib only",
        ),
    ],
)
def test_src_lib_is_on_the_path_of_3x_runtimes_only(
    tmp_path: Path, tag: str, expected: list[tuple[str, str, int, int, str]], where: str | None
) -> None:
    """3.x appends /model/files/src/lib to sys.path; 2.x appends /model/lib instead, where
    no payload lands (hsp@2.4.3:src/PythonRuntime.py:18-23)."""
    manifest = _case(tmp_path, "func-main-syntax")
    _edit(manifest, "python-3.7:3.0.0", f"python-3.7:{tag}")
    (manifest.parent / "src" / "lib").mkdir()
    (manifest.parent / "src" / "lib" / "helpers.py").write_text("def scale(age):\n    return age\n")
    (manifest.parent / "src" / "func_main.py").write_text(
        "import helpers\n\n\ndef predict(age):\n    return {'income': str(helpers.scale(age))}\n"
    )
    assert _found(manifest) == expected
    if where is not None:
        assert where in validate_file(manifest).diagnostics[0].message


# ------------------------------------------------------------------ hydro resolve


def _layout_case(tmp_path: Path) -> Path:
    manifest = _case(tmp_path, "census")
    (tmp_path / ".git").mkdir()  # the repository root: ../shared.pkl lies inside it
    folder = manifest.parent
    (folder / ".env").write_text("TOKEN=x\n")
    (folder / "src" / ".cache").write_text("x\n")
    (folder / ".config").mkdir()
    (folder / ".config" / "settings.ini").write_text("[a]\n")
    (tmp_path / "shared.pkl").write_bytes(b"\x80\x04N.")
    (folder / "encoder.pkl.dvc").write_text("outs:\n- path: encoder.pkl\n")
    _edit(
        manifest,
        "payload: [src/, requirements.txt, model.joblib]",
        "payload: [src/, requirements.txt, model.joblib, ../shared.pkl, .config/, encoder.pkl]",
    )
    return manifest


def test_resolve_shows_the_container_as_the_payload_fills_it(tmp_path: Path) -> None:
    manifest = _layout_case(tmp_path)
    done = runner.invoke(app, ["resolve", str(manifest)])
    assert done.exit_code == 1  # encoder.pkl is missing
    text = done.output
    assert "container of Model 'census' (document 1)" in text
    rows = [
        re.split(r"\s{2,}", line.strip())
        for line in text.split("\n")
        if line.strip().startswith(("/model", "-  "))
    ]
    folder = manifest.parent
    assert rows[:3] == [
        [
            "/model/files/.config/settings.ini",
            ".config/",
            f"{folder}/.config/settings.ini",
            "lands",
        ],
        ["/model/files/model.joblib", "model.joblib", f"{folder}/model.joblib", "lands"],
        [
            "/model/files/requirements.txt",
            "requirements.txt",
            f"{folder}/requirements.txt",
            "lands",
        ],
    ]
    assert rows[-3:] == [
        ["/model/files/src/.cache", "src/", f"{folder}/src/.cache", "dropped: hidden name"],
        ["/model/shared.pkl", "../shared.pkl", f"{folder}/../shared.pkl", "outside /model/files"],
        ["-", "encoder.pkl", f"{folder}/encoder.pkl", "missing on disk"],
    ]
    assert "run `dvc pull` first: DVC tracks it, encoder.pkl.dvc is beside it" in text


def test_resolve_json_lists_each_models_container(tmp_path: Path) -> None:
    manifest = _layout_case(tmp_path)
    data = json.loads(runner.invoke(app, ["resolve", "-f", "json", str(manifest)]).output)
    assert data["version"] == 3
    (container,) = data["files"][0]["containers"]
    assert (container["document"], container["model"]) == (0, "census")
    assert container["truncated"] is False
    fates = {Path(f["path"]).name or f["entry"]: f["fate"] for f in container["files"]}
    assert fates == {
        "settings.ini": "lands",
        "model.joblib": "lands",
        "requirements.txt": "lands",
        "features.py": "lands",
        "func_main.py": "lands",
        ".cache": "dropped: hidden name",
        "shared.pkl": "outside /model/files",
        "encoder.pkl": "missing on disk",
    }


def test_requirements_that_differ_in_comments_are_each_located(tmp_path: Path) -> None:
    """Files alike but for their comments are parsed once: each finding still names its
    own file, at its own line."""
    (tmp_path / ".git").mkdir()
    for name, requirements in [
        ("a", "# model a\nscikit-learn\nnumpy==1.21.6\n"),
        ("b", "# model b\nscikit-learn\nnumpy==1.21.6\n"),
        ("c", "# model c\n# pinned below\nscikit-learn\n"),
    ]:
        folder = tmp_path / name
        (folder / "src").mkdir(parents=True)
        (folder / "src" / "func_main.py").write_text(
            "def predict(age):\n    return {'income': age}\n"
        )
        (folder / "requirements.txt").write_text(requirements)
        (folder / "serving.yaml").write_text(
            f"kind: Model\nname: {name}\nruntime: hydrosphere/serving-runtime-python-3.7:3.0.3\n"
            "install-command: pip install -r requirements.txt\n"
            "payload: [src/, requirements.txt]\ncontract:\n  name: predict\n"
            "  inputs: {age: {shape: scalar, type: int64, profile: numerical}}\n"
            "  outputs: {income: {shape: scalar, type: int64, profile: numerical}}\n"
        )
    report = lint_paths([str(tmp_path)], processes=1)
    found = sorted(
        (os.path.relpath(d.file, tmp_path), d.line, d.rule)
        for d in report.diagnostics
        if d.rule == "HY808"
    )
    assert found == [
        ("a/requirements.txt", 2, "HY808"),
        ("b/requirements.txt", 2, "HY808"),
        ("c/requirements.txt", 3, "HY808"),
    ]
