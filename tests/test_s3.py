"""`--remote`: training data on S3, checked through boto3 against a real S3 server on loopback.

moto's server mode serves the S3 HTTP API on 127.0.0.1; boto3 talks to it over the
network as it would to AWS. Two more endpoints stand for the failures: one that refuses
connections and one that accepts them and never answers.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from typer.testing import CliRunner

from hydro_manifest import RULES, Options, resolve_file, validate_text
from hydro_manifest.cli import app
from tests.conftest import ship_func_main

runner = CliRunner()
BUCKET = "census-data"
OBJECTS = {
    "train.csv": b"age,workclass,income\n39,State-gov,<=50K\n",
    "renamed.csv": b"age,work_class,income\n39,State-gov,<=50K\n",
    "empty.csv": b"",
    "binary.csv": b"PK\x03\x04\x00\x00\x00binary",
    "big.csv": b"age,workclass,income\n" + b"39,State-gov,<=50K\n" * 200_000,
}
#: A TensorFlow model: no func_main.py to ship for these checks of its training data.
MANIFEST = """\
kind: Model
name: census
runtime: hydrosphere/serving-runtime-tensorflow-1.13.1:3.0.0
payload: []
training-data: {uri}
contract:
  name: predict
  inputs:
    age: {{shape: scalar, type: int64, profile: numerical}}
    workclass: {{shape: scalar, type: string, profile: categorical}}
  outputs:
    income: {{shape: scalar, type: string, profile: categorical}}
"""


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Test credentials only: nothing from the machine's AWS configuration is used."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    for key, body in OBJECTS.items():
        client.put_object(Bucket=BUCKET, Key=key, Body=body)
    yield endpoint
    server.stop()


@pytest.fixture(scope="module")
def refusing_endpoint() -> str:
    """A loopback port nobody listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def silent_endpoint() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def check(uri: str, endpoint: str) -> list[tuple[str, int, int, tuple[str | int, ...] | None]]:
    report = validate_text(
        MANIFEST.format(uri=uri),
        "serving.yaml",
        options=Options(file_checks=True, remote=True, s3_endpoint_url=endpoint),
    )
    return [(d.rule, d.line, d.column, d.path) for d in report.diagnostics]


def messages(uri: str, endpoint: str) -> list[str]:
    report = validate_text(
        MANIFEST.format(uri=uri),
        "serving.yaml",
        options=Options(remote=True, s3_endpoint_url=endpoint),
    )
    return [f"{d.rule} {d.message} | {d.hint}" for d in report.diagnostics]


def test_a_good_object_passes(s3_endpoint: str) -> None:
    assert check(f"s3://{BUCKET}/train.csv", s3_endpoint) == []


def test_only_the_first_bytes_of_a_big_object_are_read(s3_endpoint: str) -> None:
    assert check(f"s3://{BUCKET}/big.csv", s3_endpoint) == []


def test_a_missing_key(s3_endpoint: str) -> None:
    assert check(f"s3://{BUCKET}/missing.csv", s3_endpoint) == [
        ("HY222", 5, 16, ("training-data",))
    ]
    (message,) = messages(f"s3://{BUCKET}/missing.csv", s3_endpoint)
    assert message.startswith(f"HY222 no object at s3://{BUCKET}/missing.csv")


def test_a_missing_bucket(s3_endpoint: str) -> None:
    (message,) = messages("s3://no-such-bucket/train.csv", s3_endpoint)
    assert message.startswith("HY222 bucket 'no-such-bucket' does not exist")


def test_an_empty_object(s3_endpoint: str) -> None:
    assert check(f"s3://{BUCKET}/empty.csv", s3_endpoint) == [("HY220", 5, 16, ("training-data",))]


def test_a_binary_object(s3_endpoint: str) -> None:
    (message,) = messages(f"s3://{BUCKET}/binary.csv", s3_endpoint)
    assert message.startswith(f"HY220 training data 's3://{BUCKET}/binary.csv' is binary")


def test_a_column_missing_from_the_header(s3_endpoint: str) -> None:
    assert check(f"s3://{BUCKET}/renamed.csv", s3_endpoint) == [
        ("HY221", 10, 5, ("contract", "inputs", "workclass"))
    ]


def test_without_remote_s3_is_not_asked(refusing_endpoint: str) -> None:
    report = validate_text(
        MANIFEST.format(uri=f"s3://{BUCKET}/missing.csv"),
        options=Options(s3_endpoint_url=refusing_endpoint),
    )
    assert report.diagnostics == []
    (reference,) = report.references
    assert (reference.location, reference.exists) == (f"s3://{BUCKET}/missing.csv", None)


def test_no_credentials(monkeypatch: pytest.MonkeyPatch, s3_endpoint: str) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    (message,) = messages(f"s3://{BUCKET}/train.csv", s3_endpoint)
    assert message.startswith(f"HY223 cannot check s3://{BUCKET}/train.csv: no AWS credentials")


def test_an_endpoint_that_refuses_connections_costs_seconds(refusing_endpoint: str) -> None:
    started = time.monotonic()
    (message,) = messages(f"s3://{BUCKET}/train.csv", refusing_endpoint)
    assert time.monotonic() - started < 10
    assert message.startswith(f"HY223 cannot check s3://{BUCKET}/train.csv: {refusing_endpoint}")
    assert "cannot be reached" in message


def test_an_endpoint_that_never_answers_costs_seconds_for_many_objects(
    silent_endpoint: str,
) -> None:
    text = "---\n".join(MANIFEST.format(uri=f"s3://{BUCKET}/part-{n}.csv") for n in range(8))
    started = time.monotonic()
    report = validate_text(text, options=Options(remote=True, s3_endpoint_url=silent_endpoint))
    elapsed = time.monotonic() - started
    assert [d.rule for d in report.diagnostics] == ["HY223"] * 8
    assert all("did not answer in time" in d.message for d in report.diagnostics)
    assert elapsed < 20  # concurrent, and bounded: 2 attempts of a 3-second read timeout


def test_aws_endpoint_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, s3_endpoint: str
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    report = validate_text(
        MANIFEST.format(uri=f"s3://{BUCKET}/missing.csv"), options=Options(remote=True)
    )
    assert [d.rule for d in report.diagnostics] == ["HY222"]


def test_resolve_shows_the_object(tmp_path: Path, s3_endpoint: str) -> None:
    path = tmp_path / "serving.yaml"
    path.write_text(MANIFEST.format(uri=f"s3://{BUCKET}/train.csv"))
    (reference,) = resolve_file(path, remote=True, s3_endpoint_url=s3_endpoint)
    assert (reference.exists, reference.type, reference.size, reference.columns) == (
        True,
        "object",
        len(OBJECTS["train.csv"]),
        ["age", "workclass", "income"],
    )


def test_the_cli_with_remote(tmp_path: Path, s3_endpoint: str) -> None:
    path = tmp_path / "serving.yaml"
    path.write_text(MANIFEST.format(uri=f"s3://{BUCKET}/renamed.csv"))
    base = ["validate", str(path), "--s3-endpoint-url", s3_endpoint]
    assert runner.invoke(app, base).exit_code == 0
    result = runner.invoke(app, [*base, "--remote", "--strict"])
    assert result.exit_code == 1
    assert result.output.startswith(f"{path}:10:5: warning[HY221] input 'workclass'")
    resolved = runner.invoke(
        app, ["resolve", "-f", "json", "--remote", "--s3-endpoint-url", s3_endpoint, str(path)]
    )
    (reference,) = json.loads(resolved.stdout)["files"][0]["references"]
    assert reference["columns"] == ["age", "work_class", "income"]


def test_a_real_process_with_remote(tmp_path: Path, s3_endpoint: str) -> None:
    path = tmp_path / "serving.yaml"
    path.write_text(MANIFEST.format(uri=f"s3://{BUCKET}/missing.csv"))
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", "--remote", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "AWS_ENDPOINT_URL": s3_endpoint, "NO_COLOR": "1"},
    )
    assert done.returncode == 1
    assert done.stdout.startswith(
        f"{path}:5:16: error[HY222] no object at s3://{BUCKET}/missing.csv"
    )


@pytest.mark.parametrize("rule_id", ["HY222"])
def test_registry_examples_against_s3(tmp_path: Path, s3_endpoint: str, rule_id: str) -> None:
    options = Options(remote=True, s3_endpoint_url=s3_endpoint)
    ship_func_main(tmp_path)
    (tmp_path / "requirements.txt").write_text("numpy\n")
    rule = RULES[rule_id]
    bad = validate_text(rule.bad, "bad.yaml", options=options, base_dir=tmp_path)
    assert rule_id in {d.rule for d in bad.diagnostics}
    good = validate_text(rule.good, "good.yaml", options=options, base_dir=tmp_path)
    assert good.diagnostics == []


def test_registry_example_of_an_unavailable_s3(tmp_path: Path, refusing_endpoint: str) -> None:
    ship_func_main(tmp_path)
    (tmp_path / "requirements.txt").write_text("numpy\n")
    options = Options(remote=True, s3_endpoint_url=refusing_endpoint)
    bad = validate_text(RULES["HY223"].bad, options=options, base_dir=tmp_path)
    assert [d.rule for d in bad.diagnostics] == ["HY223"]
