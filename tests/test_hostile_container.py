"""Hostile install commands, requirements and pip.conf decide in bounded time, in a real
process, with a located finding: no RecursionError, no ENAMETOOLONG, no silent skip.

Each case runs `hydro validate -f json` in a subprocess with a generous timeout that only
a hang trips, and its peak memory is read from the child's resource usage.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

#: Far above what any case takes (well under 2 s each): only a hang or a quadratic
#: blow-up reaches it.
TIMEOUT = 60
#: Peak memory of one check, in KiB (ru_maxrss): far above hydro's own (about 100 MiB).
MEMORY = 400 * 1024

LONG = "x" * 300  # longer than any file name Linux allows (255 bytes)
PREDICT = "def predict(age):\n    return {'income': age}\n"


def _manifest(install: str | None, payload: str = "[src/, requirements.txt]") -> str:
    command = "" if install is None else f"install-command: {json.dumps(install)}\n"
    return (
        "kind: Model\nname: census\nruntime: hydrosphere/serving-runtime-python-3.7:3.0.3\n"
        f"{command}payload: {payload}\ncontract:\n  name: predict\n"
        "  inputs: {age: {shape: scalar, type: int64, profile: numerical}}\n"
        "  outputs: {income: {shape: scalar, type: string, profile: categorical}}\n"
    )


def _case(folder: Path, manifest: str, files: dict[str, str] | None = None) -> Path:
    (folder / ".git").mkdir()
    (folder / "src").mkdir()
    (folder / "src" / "func_main.py").write_text(PREDICT)
    (folder / "requirements.txt").write_text("numpy==1.21.6\n")
    for name, text in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    path = folder / "serving.yaml"
    path.write_text(manifest)
    return path


def _run(path: Path) -> list[tuple[str, str, int, int]]:
    argv = [sys.executable, "-m", "hydro_manifest", "validate", "-f", "json", path.name]
    returncode, stdout, stderr, peak = _measured(argv, path.parent)
    assert peak < MEMORY
    assert returncode in (0, 1), stderr
    report = json.loads(stdout)
    assert "HY000" not in {d["rule"] for d in report["diagnostics"]}
    return [
        (d["rule"], Path(d["file"]).name, d["line"], d["column"]) for d in report["diagnostics"]
    ]


def _measured(argv: list[str], folder: Path) -> tuple[int, str, str, int]:
    """Runs `argv` in `folder`: its exit code, output, errors and own peak memory (KiB),
    read as the child is reaped (`RUSAGE_CHILDREN` would give the largest of every child
    this test process waited for, other tests' included)."""
    child = subprocess.Popen(
        argv, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stderr is not None
    read: dict[str, str] = {}
    readers = [
        threading.Thread(target=lambda name=name, stream=stream: read.update({name: stream.read()}))
        for name, stream in (("out", child.stdout), ("err", child.stderr))
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(TIMEOUT)
    if any(reader.is_alive() for reader in readers):
        child.kill()
        pytest.fail(f"still running after {TIMEOUT} s: {argv}")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)  # (reaped here, not by Popen)
    child.stdout.close()
    child.stderr.close()
    return child.returncode, read["out"], read["err"], usage.ru_maxrss


@pytest.mark.parametrize(
    "nesting",
    [
        "echo " + "$(" * 150 + "true" + ")" * 150,
        "(" * 2000 + "true" + ")" * 2000,
        "{ " * 1500 + "true; " + "}; " * 1500,
        "if true; then " * 1000 + "true; " + "fi; " * 1000,
        "f(){ " * 1500 + "true; " + "}; " * 1500,
    ],
    ids=["subst", "subshell", "group", "if", "function"],
)
def test_deep_nesting_is_unchecked_not_a_crash(tmp_path: Path, nesting: str) -> None:
    found = _run(_case(tmp_path, _manifest(nesting)))
    assert found == [("HY820", "serving.yaml", 4, 18)]


@pytest.mark.parametrize(
    ("install", "rule"),
    [
        ("true | " * 3000 + "true", "HY820"),  # 21 KiB: over what the grammar reads
        ("pip install " + '"' + "a" * 20_000 + '"', "HY820"),
        ("pip install " + "numpy " * 25_000, "HY821"),  # 150 KiB: over MAX_ARG_STRLEN
    ],
    ids=["pipes", "quoted-word", "over-an-argument"],
)
def test_a_long_install_command_is_bounded(tmp_path: Path, install: str, rule: str) -> None:
    assert _run(_case(tmp_path, _manifest(install))) == [(rule, "serving.yaml", 4, 18)]


def test_many_long_commands_in_one_file_share_one_budget(tmp_path: Path) -> None:
    command = "pip install -r requirements.txt && " + "true && " * 1500 + "true"  # 12 KiB
    documents = [_manifest(command).replace("census", f"census-{n}") for n in range(6)]
    found = _run(_case(tmp_path, "---\n".join(documents)))
    assert [rule for rule, *_ in found] == ["HY820"] * 4  # two are read, then the budget ends


@pytest.mark.parametrize(
    ("install", "code", "expected"),
    [
        (f"pip install -r {LONG}", None, [("HY802", "serving.yaml", 4, 34)]),
        (
            f"pip install ./{LONG}",
            None,
            [("HY802", "serving.yaml", 4, 31), ("HY834", "serving.yaml", 4, 31)],
        ),
        (
            f"cd {LONG} && pip install -r requirements.txt",
            None,
            [("HY802", "serving.yaml", 4, 341)],
        ),
        (
            f"PIP_CONFIG_FILE={LONG} pip install numpy==1.21.6",
            None,
            [("HY802", "serving.yaml", 4, 35)],
        ),
        (
            "pip install -r requirements.txt",
            f"import {LONG}\n" + PREDICT,
            [("HY815", "func_main.py", 1, 1)],
        ),
        (
            "pip install -r requirements.txt",
            f"open('/model/files/{LONG}')\n" + PREDICT,
            [("HY814", "func_main.py", 1, 6)],
        ),
    ],
    ids=["requirements", "package", "cd", "pip-config", "import", "open"],
)
def test_a_name_too_long_for_any_file_system_is_a_finding(
    tmp_path: Path, install: str, code: str | None, expected: list[tuple[str, str, int, int]]
) -> None:
    files = {"src/func_main.py": code} if code else {}
    assert _run(_case(tmp_path, _manifest(install), files)) == expected


def test_a_certificate_name_too_long_in_pip_conf(tmp_path: Path) -> None:
    conf = f"[global]\nindex-url = https://pypi.example/simple\ncert = {LONG}\n"
    manifest = _manifest(
        "PIP_CONFIG_FILE=pip.conf pip install -r requirements.txt",
        "[src/, requirements.txt, pip.conf]",
    )
    assert _run(_case(tmp_path, manifest, {"pip.conf": conf})) == [("HY805", "pip.conf", 3, 1)]


def test_a_requirements_file_that_includes_itself(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "numpy==1.21.6\n-r base.txt\n",
        "base.txt": "-r requirements.txt\n",
    }
    manifest = _manifest("pip install -r requirements.txt", "[src/, requirements.txt, base.txt]")
    path = _case(tmp_path, manifest, files)
    assert _run(path) == [("HY818", "base.txt", 1, 1)]
    report = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert "(requirements.txt -> base.txt -> requirements.txt)" in report.stdout


def test_a_chain_of_a_thousand_includes(tmp_path: Path) -> None:
    files = {f"r/{n}.txt": f"-r {n + 1}.txt\n" for n in range(1000)}
    files["r/1000.txt"] = "numpy==1.21.6\n"
    manifest = _manifest("pip install -r r/0.txt", "[src/, requirements.txt, r/]")
    assert _run(_case(tmp_path, manifest, files)) == [("HY819", "99.txt", 1, 1)]


@pytest.mark.parametrize("name", ["requirements.txt", "pip.conf"])
def test_a_payload_file_over_the_limit_is_reported(tmp_path: Path, name: str) -> None:
    manifest = _manifest(
        "PIP_CONFIG_FILE=pip.conf pip install -r requirements.txt",
        "[src/, requirements.txt, pip.conf]",
    )
    files = {"pip.conf": "[global]\ntimeout = 60\n"}
    files[name] = "# padding\n" * 120_000  # 1.1 MiB
    assert _run(_case(tmp_path, manifest, files)) == [("HY014", name, 1, 1)]


IMPORTS_SKLEARN = "import sklearn\n" + PREDICT
RUNS_SETUP = _manifest("sh setup.sh", "[src/, requirements.txt, setup.sh]")


@pytest.mark.parametrize(
    ("manifest", "files"),
    [
        (_manifest("# pip install -r requirements.txt"), {}),
        (_manifest("\n  # nothing yet\n"), {}),
        (RUNS_SETUP, {"setup.sh": "#!/bin/sh\n# nothing yet\n"}),
        (RUNS_SETUP, {"setup.sh": ""}),
    ],
    ids=["comment", "blank-and-comment", "script-of-comments", "empty-script"],
)
def test_commands_of_only_comments_install_nothing(
    tmp_path: Path, manifest: str, files: dict[str, str]
) -> None:
    """`/bin/sh` runs nothing: hydro knows nothing is installed, so an import no
    requirement provides is reported, as it is for `true`."""
    files = {"src/func_main.py": IMPORTS_SKLEARN, **files}
    assert _run(_case(tmp_path, manifest, files)) == [("HY815", "func_main.py", 1, 1)]


#: Text on which the shell grammar (bashlex) fails with its own error, not a syntax error.
GRAMMAR_FAILS = "]][[ [[} 2>&1\\"


def test_a_command_the_grammar_fails_on_is_unchecked(tmp_path: Path) -> None:
    files = {"src/func_main.py": IMPORTS_SKLEARN}
    found = _run(_case(tmp_path, _manifest(GRAMMAR_FAILS), files))
    assert found == [("HY820", "serving.yaml", 4, 18)]  # and no guess at what it installs


@pytest.mark.parametrize(
    "script",
    [GRAMMAR_FAILS + "\n", "echo " + "$(" * 150 + "true" + ")" * 150 + "\n"],
    ids=["grammar-fails", "deep-nesting"],
)
def test_a_script_hydro_cannot_follow_is_unchecked(tmp_path: Path, script: str) -> None:
    files = {"src/func_main.py": IMPORTS_SKLEARN, "setup.sh": "# set up\n" + script}
    assert _run(_case(tmp_path, RUNS_SETUP, files)) == [("HY820", "setup.sh", 1, 1)]
