"""Requests and the runtime: `sample`, `check-request`, `contract`, `runtime-check`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any, TextIO, TypeVar

import typer

from .. import api
from ..reporters import (
    OutputFormat,
    reporter_for,
    write_file,
)
from ..rules import Severity
from .options import (
    Formats,
    OutputFile,
    TargetName,
    WithPaths,
    WrittenFile,
)
from .running import (
    existing,
    no_folders,
    outputs_of,
    usage_error,
    write_reports,
)

T = TypeVar("T")


def _target(path: str, with_paths: list[str] | None, name: str | None) -> tuple[Any, str]:
    paths = [path, *(with_paths or [])]
    existing(paths)
    no_folders([path])
    try:
        from ..requests.target import request_target

        target = request_target(paths, name)
    except LookupError as error:
        raise usage_error(str(error)) from None
    except api.ManifestError as error:
        reporter_for(OutputFormat.TEXT, sys.stderr)(error.report, sys.stderr)
        typer.echo("hydro: fix the manifest first", err=True)
        raise typer.Exit(1) from None
    if target.passed_over is not None:
        errors = replace(
            target.passed_over,
            files=[
                replace(f, diagnostics=[d for d in f.diagnostics if d.severity is Severity.ERROR])
                for f in target.passed_over.files
            ],
        )
        reporter_for(OutputFormat.TEXT, sys.stderr)(errors, sys.stderr)
        typer.echo(
            f"hydro: the errors above lie outside the contract of '{target.model.name}': "
            "it is used as written",
            err=True,
        )
    return target.model, target.name


def sample(
    path: Annotated[str, typer.Argument(metavar="PATH", help="A manifest file.")],
    name: TargetName = None,
    with_paths: WithPaths = None,
    seed: Annotated[int, typer.Option("--seed", help="Another seed, another body.")] = 0,
    batch: Annotated[
        int, typer.Option("--batch", min=1, help="How many entries a -1 dimension gets.")
    ] = 1,
    output: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="json|curl|grpc-json|protobin",
            help="A gateway body, a curl command, or a runtime's PredictRequest in "
            "protobuf's JSON mapping (grpcurl -d) or binary (grpc extra).",
        ),
    ] = "json",
    url: Annotated[
        str | None, typer.Option("--url", help="The cluster, for --format curl.")
    ] = None,
    output_file: WrittenFile = None,
) -> None:
    """Print a request body for a Model or an Application, from its contract."""
    import json
    import shlex

    from ..requests import sample_request

    forms = ("json", "curl", "grpc-json", "protobin")
    if output not in forms:
        raise usage_error(f"unknown format '{output}' (valid formats: {', '.join(forms)})")
    if output == "curl" and not url:
        raise usage_error("--format curl needs --url, e.g. --url https://hydro.example.com")
    _binary_needs_a_file(output, output_file)
    model, application = _target(path, with_paths, name)
    if output in ("grpc-json", "protobin"):
        form = "json" if output == "grpc-json" else "protobin"
        encoded = _with_grpc(lambda: api.encode_sample(model, form, seed=seed, batch=batch))
        _emit(encoded, output_file)
        return
    body = sample_request(model, seed=seed, batch=batch)
    if output_file is not None:
        _emit((json.dumps(body, indent=2) + "\n").encode(), output_file)
        return
    if output == "json":
        typer.echo(json.dumps(body, indent=2))
        return
    endpoint = f"{str(url).rstrip('/')}/gateway/application/{application}"
    typer.echo(
        f"curl -X POST -H 'Content-Type: application/json' "
        f"--data {shlex.quote(json.dumps(body))} {shlex.quote(endpoint)}"
    )


def check_request(
    path: Annotated[str, typer.Argument(metavar="PATH", help="A manifest file.")],
    request: Annotated[
        str, typer.Argument(metavar="REQUEST.json", help="The request body; `-` reads stdin.")
    ],
    name: TargetName = None,
    with_paths: WithPaths = None,
    outputs: Annotated[
        bool, typer.Option("--outputs", help="Check a response against the outputs instead.")
    ] = False,
    body_format: Annotated[
        str,
        typer.Option(
            "--body-format",
            metavar="auto|json|grpc-json|protobin",
            help="The gateway's JSON, or a PredictRequest in protobuf's JSON mapping or binary "
            "[default: auto, told apart by their content].",
        ),
    ] = "auto",
    formats: Formats = None,
    output_file: OutputFile = None,
) -> None:
    """Check a request body (or a response) against a contract: fields, types, ranges, shapes.

    Takes the gateway's JSON body and a runtime's PredictRequest (PredictResponse), in
    protobuf's JSON mapping or binary. Exit codes: 0 the body fits, 1 findings, 2 usage error.
    """
    from ..requests import check_request as check

    forms = ("auto", "json", "grpc-json", "protobin")
    if body_format not in forms:
        raise usage_error(
            f"unknown body format '{body_format}' (valid formats: {', '.join(forms)})"
        )

    model, _ = _target(path, with_paths, name)
    report_outputs = outputs_of(formats, output_file)
    if request == api.STDIN:
        body, filename = sys.stdin.buffer.read(), "-"
    else:
        existing([request])
        try:
            with open(request, "rb") as stream:
                body, filename = stream.read(), request
        except OSError as error:
            raise usage_error(f"cannot read {request}: {error.strerror or error}") from None
    report = _with_grpc(
        lambda: check(model, body, filename=filename, outputs=outputs, form=body_format)
    )
    write_reports(report, report_outputs, Severity.ERROR)
    raise typer.Exit(report.exit_code())


def contract(
    path: Annotated[str, typer.Argument(metavar="PATH", help="A manifest file.")],
    name: TargetName = None,
    with_paths: WithPaths = None,
    form: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="protobin|json|text",
            help="The bytes of contract.protobin, or protobuf's JSON or text format.",
        ),
    ] = "protobin",
    output_file: WrittenFile = None,
) -> None:
    """Write a Model's contract as its runtime reads it: /model/contract.protobin.

    The `ModelSignature` the manager puts in the model's image, for testing a custom
    runtime locally. Needs the grpc extra: pip install 'hydro-manifest[grpc]'.
    """
    forms = ("protobin", "json", "text")
    if form not in forms:
        raise usage_error(f"unknown format '{form}' (valid formats: {', '.join(forms)})")
    _binary_needs_a_file(form, output_file)
    model, _ = _target(path, with_paths, name)
    _emit(_with_grpc(lambda: api.encode_contract(model, form)), output_file)


def _binary_needs_a_file(form: str, output_file: str | None) -> None:
    if form == "protobin" and output_file is None and sys.stdout.isatty():
        raise usage_error("protobin is binary: write it with -o FILE, or pipe it")


def _emit(data: bytes, output_file: str | None) -> None:
    """Bytes to standard output, or whole to a file (see `write_file`)."""
    if output_file is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return

    def write_bytes(stream: TextIO) -> None:
        stream.buffer.write(data)

    try:
        write_file(output_file, write_bytes)
    except OSError as error:
        raise usage_error(f"cannot write {output_file}: {error.strerror or error}") from None


def _with_grpc(work: Callable[[], T]) -> T:
    """`work`, or a usage error naming the extra it needs when protobuf is missing."""
    try:
        return work()
    except ImportError as error:
        raise usage_error(str(error)) from None


def runtime_check(
    address: Annotated[
        str, typer.Argument(metavar="ADDRESS", help="host:port of the runtime [port: 9090].")
    ],
    path: Annotated[str, typer.Argument(metavar="PATH", help="The model's manifest file.")],
    name: TargetName = None,
    with_paths: WithPaths = None,
    requests: Annotated[
        int, typer.Option("--requests", "-n", min=1, help="How many Predict calls.")
    ] = 20,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.001, help="Seconds to wait for each answer.")
    ] = 5.0,
    tls: Annotated[bool, typer.Option("--tls", help="Connect with TLS.")] = False,
    formats: Formats = None,
    output_file: OutputFile = None,
) -> None:
    """Check a running runtime against the contract: health, Predict, the responses.

    Sends edge cases (the smallest and largest values of each type, unicode strings, an
    empty batch) and samples, checks each response's outputs (names, dtype, shape,
    values) and prints latency percentiles. Exit codes as for validate.
    """
    model, _ = _target(path, with_paths, name)
    report_outputs = outputs_of(formats, output_file)
    result = _with_grpc(
        lambda: api.check_runtime(address, model, path, requests=requests, timeout=timeout, tls=tls)
    )
    write_reports(result.report, report_outputs, Severity.ERROR)
    latency = ", ".join(f"{k} {v:.1f} ms" for k, v in result.percentiles().items())
    answered = len(result.latencies)
    typer.echo(
        f"{address}: health {result.health or 'none'}; {answered} of {result.requests} "
        f"requests answered" + (f"; latency {latency}" if latency else ""),
        err=True,
    )
    raise typer.Exit(result.report.exit_code())
