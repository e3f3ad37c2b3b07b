"""`--remote` resolves each Model's requirements with the real pip, against a real package
index on loopback (tests/package_index.py) holding wheels and sdists built here: every
kind of pip answer, the index the container would use, the index down, the cache, and
nothing asked without `--remote`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hydro_manifest import Options, validate_paths
from hydro_manifest.report import Report
from tests.conftest import observed_in
from tests.package_index import Index, serving

RUNTIME = "hydrosphere/serving-runtime-python-3.7:3.0.3"
PREDICT = "def predict(age):\n    return {'income': str(age)}\n"
COMMAND = "pip install -r requirements.txt"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    with serving(tmp_path_factory.mktemp("index")) as served:
        served.wheel("numpy", "1.18.3", modules=("numpy",))
        served.wheel("numpy", "1.21.6", python=">=3.7")
        served.wheel("numpy", "1.22.0", python=">=3.8")
        served.wheel("protobuf", "3.17.3", modules=("google",))
        served.wheel("protobuf", "4.21.0", modules=("google",))
        served.wheel("joblib", "1.1.0")
        # scikit-learn 0.21.3 pulls joblib, and installs the module `sklearn`
        served.wheel(
            "scikit-learn", "0.21.3", ("numpy>=1.11", "joblib>=0.11"), modules=("sklearn",)
        )
        served.wheel("tfish", "2.0", ("protobuf>=4",))
        served.wheel("newonly", "2.0", python=">=3.9")
        served.wheel("winonly", "1.0", tag="cp37-cp37m-win_amd64")
        # as numpy 1.22 on PyPI: wheels for newer Pythons only, so pip skips them by their
        # tags and says nothing of Python; the index's page says what they need
        served.wheel("modern", "1.0", tag="cp37-cp37m-manylinux2014_x86_64")
        served.wheel("modern", "3.0", python=">=3.8", tag="cp38-cp38-manylinux2014_x86_64")
        served.sdist("fastmath", "1.0", {"setup.py": "from setuptools import setup, Extension\n"
                     "setup(ext_modules=[Extension('fastmath', ['fastmath.c'])])\n",
                     "fastmath.c": "int x;\n"})  # fmt: skip
        served.sdist("puresrc", "1.0", {"setup.py": "from setuptools import setup\nsetup()\n"})
        yield served


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of this test's own, and no pip configuration of the machine's in the way
    unless a test sets one."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("HYDRO_CACHE_DIR", str(folder))
    return folder


def _model(
    folder: Path,
    requirements: str,
    code: str = PREDICT,
    command: str = COMMAND,
    files: dict[str, str] | None = None,
) -> Path:
    (folder / ".git").mkdir(exist_ok=True)
    (folder / "src").mkdir(exist_ok=True)
    (folder / "src" / "func_main.py").write_text(code)
    (folder / "requirements.txt").write_text(requirements)
    payload = ["src/", "requirements.txt"]
    for name, text in (files or {}).items():
        (folder / name).write_text(text)
        payload.append(name)
    manifest = folder / "serving.yaml"
    manifest.write_text(
        f"kind: Model\nname: m\nruntime: {RUNTIME}\ninstall-command: {json.dumps(command)}\n"
        f"payload: [{', '.join(payload)}]\ncontract:\n  name: predict\n"
        "  inputs: {age: {shape: scalar, type: int64, profile: numerical}}\n"
        "  outputs: {income: {shape: scalar, type: string, profile: categorical}}\n"
    )
    return manifest


def _remote(manifest: Path, index_url: str | None, **options: object) -> Report:
    given = Options(remote=True, index_url=index_url, **options)  # type: ignore[arg-type]
    return validate_paths([str(manifest)], options=given)


def _found(manifest: Path, report: Report) -> list[tuple[str, str, int, int, str]]:
    return observed_in(manifest, report.diagnostics)


@pytest.mark.parametrize(
    ("requirement", "rule", "words"),
    [
        ("scikit-lern==0.21.3", "HY842", "the index has no project `scikit-lern`"),
        ("numpy==1.21.66", "HY843", "(it has 1.18.3, 1.21.6)"),  # 1.22: Python 3.8
        ("newonly==2.0", "HY833", "image's Python 3.7.12 (2.0 needs Python >=3.9)"),
        ("modern==3.0", "HY833", "image's Python 3.7.12 (3.0 needs Python >=3.8)"),
        ("winonly==1.0", "HY844", "no wheel for Python 3.7.12 on manylinux x86_64 and no source"),
        ("fastmath==1.0", "HY844", "which holds compiled code (`setup.py`, `fastmath.c`)"),
        ("puresrc==1.0", "HY845", "pip would build puresrc-1.0.tar.gz from source; that may"),
    ],
)
def test_what_pip_finds_nothing_for_is_located_at_the_requirement(
    index: Index, tmp_path: Path, requirement: str, rule: str, words: str
) -> None:
    manifest = _model(tmp_path, requirement + "\n")
    report = _remote(manifest, index.url)
    assert _found(manifest, report) == [(rule, "requirements.txt", 1, 1, "null")]
    (found,) = report.diagnostics
    assert words in found.message
    assert found.message.startswith(f"Model 'm' of {manifest}: `{requirement}`")
    assert found.message.endswith(f"(asked of {index.url}, given to hydro)")


def test_a_conflict_is_pips_explanation_at_the_requirement(index: Index, tmp_path: Path) -> None:
    manifest = _model(tmp_path, "tfish==2.0\nprotobuf==3.17.3\n")
    (found,) = _remote(manifest, index.url).diagnostics
    assert (found.rule, found.line, found.column) == ("HY846", 2, 1)
    assert "The user requested protobuf==3.17.3; tfish 2.0 depends on protobuf>=4" in found.message


def test_a_dependency_that_breaks_the_runtime_is_shown_with_its_chain(
    index: Index, tmp_path: Path
) -> None:
    """tfish asks for protobuf 4: the runtime's 3.17.3 is replaced, and the start fails."""
    manifest = _model(tmp_path, "numpy==1.18.3\ntfish==2.0\n")
    (found,) = _remote(manifest, index.url).diagnostics
    assert (found.rule, found.line, found.column) == ("HY832", 2, 1)
    assert "pip would install protobuf 4.21.0 in place of the runtime's 3.17.3 " in found.message
    assert "(tfish 2.0 -> protobuf>=4)" in found.message


def test_the_resolved_set_decides_the_imports(index: Index, tmp_path: Path) -> None:
    """hydro-serving-example's fraud_detection: joblib comes with scikit-learn 0.21.3, and
    `sklearn` is the module scikit-learn's wheel installs; `xgboost` comes with nothing."""
    code = "import joblib\nimport sklearn\nimport xgboost\n" + PREDICT
    manifest = _model(tmp_path, "scikit-learn==0.21.3\n", code)
    offline = validate_paths([str(manifest)])
    assert [(d.rule, d.line) for d in offline.diagnostics] == [("HY815", 1), ("HY815", 3)]
    report = _remote(manifest, index.url)
    assert _found(manifest, report) == [("HY847", "src/func_main.py", 3, 1, "null")]
    message = report.diagnostics[0].message
    for installed in ("scikit-learn 0.21.3", "numpy 1.18.3", "joblib 1.1.0"):
        assert installed in message


def test_satisfied_requirements_stay_quiet(index: Index, tmp_path: Path) -> None:
    manifest = _model(tmp_path, "numpy>=1.15\nprotobuf==3.17.3\njoblib==1.1.0\n")
    assert [d.rule for d in _remote(manifest, index.url).diagnostics] == ["HY808"]  # unpinned


def test_the_private_index_of_a_shipped_pip_conf(index: Index, tmp_path: Path) -> None:
    """The container's pip reads the payload's pip.conf; without it the package is not
    found (here on another index standing for PyPI)."""
    with serving(tmp_path / "public") as public:
        public.wheel("numpy", "1.18.3")
        conf = f"[global]\nindex-url = {index.url}\n"
        command = "PIP_CONFIG_FILE=pip.conf pip install -r requirements.txt"
        (tmp_path / "with").mkdir()
        manifest = _model(
            tmp_path / "with", "tfish==2.0\n", command=command, files={"pip.conf": conf}
        )
        found = [d.rule for d in _remote(manifest, None).diagnostics]
        assert found == ["HY817", "HY832"]  # loopback index (a warning), then pip's answer
        (tmp_path / "without").mkdir()
        bare = _model(tmp_path / "without", "tfish==2.0\n")
        (missing,) = _remote(bare, public.url).diagnostics
        assert missing.rule == "HY842"
        assert public.requests > 0


def test_the_machines_pip_configuration_does_not_leak_in(
    index: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(tmp_path / "public") as public:
        public.wheel("numpy", "1.18.3")
        monkeypatch.setenv("PIP_EXTRA_INDEX_URL", index.url)  # where tfish is
        (tmp_path / "conf").write_text(f"[global]\nextra-index-url = {index.url}\n")
        monkeypatch.setenv("PIP_CONFIG_FILE", str(tmp_path / "conf"))
        manifest = _model(tmp_path, "tfish==2.0\n")
        before = index.requests
        (found,) = _remote(manifest, public.url).diagnostics
        assert found.rule == "HY842"
        assert index.requests == before


def test_the_index_down_is_a_warning_that_says_what_was_not_checked(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    manifest = _model(tmp_path, "numpy==1.21.6\n")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", "--remote", "--index-url",
         f"http://127.0.0.1:{port}/simple/", "--resolve-timeout", "20", "-f", "json",
         str(manifest)],
        capture_output=True, text=True, env={**os.environ}, timeout=120, check=False,
    )  # fmt: skip
    assert time.monotonic() - started < 60
    assert done.returncode == 0, done.stderr
    (found,) = json.loads(done.stdout)["diagnostics"]
    assert (found["rule"], found["severity"], found["line"]) == ("HY848", "warning", 4)
    assert "the index could not be reached" in found["message"]
    assert "what pip would install there is not checked" in found["message"]


def test_credentials_of_an_index_are_never_printed(index: Index, tmp_path: Path) -> None:
    index.credentials = "deploy:s3cret-token"
    try:
        url = index.url.replace("http://", "http://deploy:s3cret-token@")
        manifest = _model(tmp_path, "scikit-lern==1.0\n")
        report = _remote(manifest, url)
        (found,) = report.diagnostics
        assert found.rule == "HY842"  # the credentials were sent, and answered
        assert "s3cret-token" not in found.message and "deploy:****@" in found.message
        wrong = _remote(manifest, index.url)  # no credentials: refused
        assert [d.rule for d in wrong.diagnostics] == ["HY848"]
        assert "401" in wrong.diagnostics[0].message
    finally:
        index.credentials = None


def test_a_second_run_is_answered_from_the_cache(index: Index, tmp_path: Path, cache: Path) -> None:
    manifest = _model(tmp_path, "scikit-learn==0.21.3\n", "import joblib\n" + PREDICT)
    first = _remote(manifest, index.url)
    asked = index.requests
    second = _remote(manifest, index.url)
    assert index.requests == asked
    assert first.diagnostics == second.diagnostics == []
    assert any(cache.rglob("*.json"))


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("--find-links wheels/", "it installs from the files at wheels/ (--find-links)"),
        ("--index-url file:///etc/", "its index file:///etc/ is not an http(s) address"),
        ("--no-index", "it installs with --no-index"),
    ],
)
def test_local_sources_are_not_handed_to_pip(
    index: Index, tmp_path: Path, line: str, why: str
) -> None:
    """pip would read this machine's files: hydro says what it did not check instead."""
    manifest = _model(tmp_path, f"{line}\nnumpy==1.18.3\n")
    asked = index.requests
    report = _remote(manifest, None)
    assert index.requests == asked
    assert [d.rule for d in report.diagnostics] == ["HY848"]
    assert f"{why}, which hydro does not hand to pip" in report.diagnostics[0].message


def test_a_marker_that_reads_as_an_option_is_not_handed_to_pip(
    index: Index, tmp_path: Path
) -> None:
    """pip reads a requirements line's words from the first `-…` one as options: a
    requirement given on the command line, written back as a line, would have pip read a
    file of this machine. (In a requirements file pip reads it as an option already:
    HY806 says so offline.)"""
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:hunter2\n")
    word = f'numpy==1.18.3 ; python_version == " --requirement={secret}"'
    command = f"pip install -r requirements.txt '{word}'"
    manifest = _model(tmp_path, "joblib==1.1.0\n", command=command)
    asked = index.requests
    report = _remote(manifest, index.url)
    assert index.requests == asked
    assert [d.rule for d in report.diagnostics] == ["HY848"]
    assert "holds a word pip would read as an option" in report.diagnostics[0].message
    assert all("hunter2" not in d.message for d in report.diagnostics)


def test_what_pip_did_not_find_is_asked_again(tmp_path: Path) -> None:
    """pip says "no matching distribution" for an index it could not reach as well: only
    resolutions are cached, so a package published since is found on the next run."""
    with serving(tmp_path / "index") as later:
        later.wheel("numpy", "1.18.3")
        manifest = _model(tmp_path, "fresh==1.0\n")
        assert [d.rule for d in _remote(manifest, later.url).diagnostics] == ["HY842"]
        later.wheel("fresh", "1.0")
        assert _remote(manifest, later.url).diagnostics == []


def test_without_remote_nothing_is_asked(index: Index, tmp_path: Path) -> None:
    manifest = _model(tmp_path, "scikit-lern==1.0\n", "import joblib\n" + PREDICT)
    asked = index.requests
    report = validate_paths([str(manifest)], options=Options(index_url=index.url))
    assert index.requests == asked
    assert [d.rule for d in report.diagnostics] == ["HY815"]


def test_sigterm_ends_the_pip_runs_in_flight(tmp_path: Path) -> None:
    """An index that takes connections and never answers keeps pip waiting (its own timeout
    is 15 s, twice): SIGTERM then ends hydro at once, pip included, not after pip's wait."""
    import signal
    import threading

    asked = threading.Event()
    held: list[socket.socket] = []
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]

        def take() -> None:
            connection, _ = silent.accept()
            held.append(connection)
            asked.set()

        threading.Thread(target=take, daemon=True).start()
        manifest = _model(tmp_path, "numpy==1.21.6\n")
        process = subprocess.Popen(
            [sys.executable, "-m", "hydro_manifest", "validate", "--remote", "--index-url",
             f"http://127.0.0.1:{port}/simple/", "--resolve-timeout", "60", "-f", "json",
             str(manifest)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert asked.wait(60), "pip never asked the index"
            process.send_signal(signal.SIGTERM)
            started = time.monotonic()
            _, stderr = process.communicate(timeout=60)
            ended = time.monotonic() - started
        finally:
            process.kill()
        (connection,) = held
        connection.settimeout(10)
        while connection.recv(65536):  # (pip's request; then the end: pip is gone)
            pass
    assert (process.returncode, stderr.strip()) == (143, "hydro: terminated")
    assert ended < 5
