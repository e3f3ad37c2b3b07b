"""`hydro runtime-check` against real gRPC runtimes started here (tests/runtime_server.py):
one that follows the docs, and one broken each way a runtime breaks."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import Options, check_runtime, encode_contract, load_model
from hydro_manifest.cli import app
from hydro_manifest.conformance.check import bodies
from tests.conftest import EXAMPLES, ROOT, render_path

CENSUS = EXAMPLES / "census" / "serving.yaml"
SERVER = ROOT / "tests" / "runtime_server.py"
runner = CliRunner()


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("runtime") / "contract.protobin"
    path.write_bytes(encode_contract(load_model(CENSUS)))
    return path


@pytest.fixture
def runtime(contract: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The address of a runtime of the mode the test is parametrized with."""
    process = subprocess.Popen(
        [sys.executable, str(SERVER), str(contract), request.param],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = process.stdout.readline().strip()  # type: ignore[union-attr]
        assert port.isdigit(), f"the test runtime did not start ({process.poll()})"
        yield f"127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait(timeout=10)


def found(address: str, **options: float) -> list[tuple[str, str, int, int, str]]:
    result = check_runtime(address, load_model(CENSUS), CENSUS, timeout=2, **options)  # type: ignore[arg-type]
    return [
        (d.rule, d.severity.value, d.line, d.column, render_path(d.path))
        for d in result.report.diagnostics
    ]


@pytest.mark.parametrize("runtime", ["correct"], indirect=True)
def test_a_runtime_that_follows_the_docs_passes(runtime: str) -> None:
    result = check_runtime(runtime, load_model(CENSUS), CENSUS, requests=12)
    assert result.report.diagnostics == []
    assert result.health == "SERVING"
    assert result.requests == 12 and len(result.latencies) == 12
    assert set(result.percentiles()) == {"p50", "p90", "p99", "max"}
    assert result.percentiles()["p50"] <= result.percentiles()["max"]


@pytest.mark.parametrize(
    ("runtime", "expected"),
    [
        ("wrong-name", [("HY703", "error", 28, 3, "$.contract.outputs"),
                        ("HY702", "error", 29, 5, "$.contract.outputs.income")]),
        ("wrong-dtype", [("HY708", "error", 29, 5, "$.contract.outputs.income"),
                         ("HY710", "warning", 29, 5, "$.contract.outputs.income")]),
        ("crash", [("HY904", "error", 4, 10, "$.runtime")]),
        ("no-health", [("HY903", "warning", 4, 10, "$.runtime")]),
        ("not-serving", [("HY903", "warning", 4, 10, "$.runtime")]),
    ],
    indirect=["runtime"],
)  # fmt: skip
def test_each_broken_runtime_gets_its_finding(runtime: str, expected: list[tuple]) -> None:
    assert sorted(found(runtime)) == sorted(expected)


@pytest.mark.parametrize("runtime", ["crash"], indirect=True)
def test_the_runtimes_own_message_is_reported(runtime: str) -> None:
    result = check_runtime(runtime, load_model(CENSUS), CENSUS, requests=5)
    (failed,) = result.report.diagnostics
    assert failed.message == (
        f"runtime at {runtime}: Predict failed with INTERNAL in 5 of 5 requests: "
        "ValueError: model weights not loaded"
    )


@pytest.mark.parametrize("runtime", ["hang"], indirect=True)
def test_a_hanging_runtime_is_reported_within_the_timeout(runtime: str) -> None:
    result = check_runtime(runtime, load_model(CENSUS), CENSUS, timeout=0.5)
    (hang,) = result.report.diagnostics
    assert (hang.rule, hang.path) == ("HY902", ("runtime",))
    assert hang.message.endswith("Predict (the smallest values) got no answer within 0.5 s")
    assert result.requests == 1 and result.latencies == []


def test_nothing_listening_is_unreachable() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check_runtime(f"127.0.0.1:{port}", load_model(CENSUS), CENSUS)
    (refused,) = result.report.diagnostics
    assert refused.rule == "HY901" and "Connection refused" in refused.message
    assert result.health is None and result.requests == 0


def test_the_requests_start_with_the_edge_cases(tmp_path: Path) -> None:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(
        "kind: Model\nname: m\nruntime: r/r:1\npayload: [a]\ncontract:\n  inputs:\n"
        "    x: {shape: [-1, 2], type: uint8, profile: numerical}\n"
        "    s: {shape: scalar, type: string, profile: text}\n"
        "  outputs:\n    y: {shape: scalar, type: float32, profile: numerical}\n"
    )
    model = load_model(manifest, options=Options(file_checks=False))
    names, sent = zip(*[next(iter_) for iter_ in [bodies(model)] * 5], strict=True)
    assert names[:3] == ("the smallest values", "the largest values", "an empty batch")
    assert sent[0] == {"x": [[0, 0]], "s": ""}
    assert sent[1]["x"] == [[255, 255]] and "🚀" in sent[1]["s"]
    assert sent[2]["x"] == []


@pytest.mark.parametrize("runtime", ["wrong-name"], indirect=True)
def test_runtime_check_through_the_cli(runtime: str) -> None:
    done = runner.invoke(app, ["runtime-check", runtime, str(CENSUS), "-n", "3"])
    assert done.exit_code == 1
    assert (
        f"{CENSUS}:29:5: error[HY702] runtime at {runtime}: the response has no tensor `income`"
        in done.stdout
    )
    assert f"{runtime}: health SERVING; 3 of 3 requests answered; latency p50 " in done.stderr


@pytest.mark.parametrize("runtime", ["correct"], indirect=True)
def test_runtime_check_as_a_process(runtime: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "runtime-check", runtime, str(CENSUS),
         "--format", "json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"diagnostics": []' in done.stdout
