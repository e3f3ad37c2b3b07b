"""The `hydro` command: parses options, calls the library, prints, sets the exit code.

The commands are here; `options` declares the options they share, `running` what they do
with them (configuration, thresholds, reports, exit codes)."""

from __future__ import annotations

import functools
import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any, TextIO, TypeVar

from . import plugins  # noqa: F401 - first: pydantic's plugins, settled before any model

# isort: split

import typer

from .. import __version__, api
from ..diagnostics import printable
from ..kinds import NAMES as KINDS
from ..report import ExitCode
from ..reporters import (
    OutputFormat,
    reporter_for,
    resolution_reporter_for,
    write_file,
)
from ..reporters.progress import ProgressBar
from ..rules import FixKind, Rule, Severity, all_rules, find_rule
from ..suggest import did_you_mean
from .options import (
    ApplyFixes,
    Baseline,
    Color,
    ConfigFile,
    Exclude,
    ExitZero,
    FailOn,
    Formats,
    Ignore,
    IndexUrl,
    LintPaths,
    MaxFileSize,
    NoFileChecks,
    OutputFile,
    Paths,
    Remote,
    ResolutionFormat,
    ResolveTimeout,
    RootFolder,
    S3EndpointUrl,
    Select,
    ShowDiff,
    Statistics,
    StdinFilename,
    Strict,
    Summary,
    TargetName,
    TextOrJson,
    UnsafeFixes,
    WithPaths,
    WrittenFile,
)
from .running import (
    STOPPED,
    baselined,
    check_options,
    checked_or_fixed,
    configuration,
    echo_or_write,
    existing,
    failing_threshold,
    given,
    no_folders,
    outputs_of,
    stop,
    usage_error,
    write_reports,
    write_summary,
)

# typer 0.29 labels each argument with its Python type in --help (`PATH <list[str]>`);
# a reader of `hydro validate --help` needs the metavar and the text, not the annotation.
typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]

T = TypeVar("T")

_APP_SETTINGS: dict[str, Any] = {
    "name": "hydro",
    "help": "Validate Hydrosphere resource definitions (Model, Application, "
    "DeploymentConfiguration) before `hs apply` does.",
    "add_completion": True,
    "no_args_is_help": True,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}
app = typer.Typer(**_APP_SETTINGS)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hydro {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Validate Hydrosphere resource definitions before `hs apply` does."""


@app.command()
def validate(
    paths: Paths = None,
    formats: Formats = None,
    output_file: OutputFile = None,
    strict: Strict = False,
    fail_on: FailOn = None,
    select: Select = None,
    ignore: Ignore = None,
    exit_zero: ExitZero = False,
    color: Color = "auto",
    stdin_filename: StdinFilename = None,
    no_file_checks: NoFileChecks = False,
    remote: Remote = False,
    s3_endpoint_url: S3EndpointUrl = None,
    index_url: IndexUrl = None,
    resolve_timeout: ResolveTimeout = None,
    config_file: ConfigFile = None,
    root: RootFolder = None,
    max_file_size: MaxFileSize = None,
    fix: ApplyFixes = False,
    unsafe_fixes: UnsafeFixes = False,
    diff: ShowDiff = False,
    statistics: Statistics = False,
    baseline: Baseline = None,
    summary: Summary = None,
) -> None:
    """Check manifest files: everything hs apply, the manager or Kubernetes would reject.

    Exit codes: 0 no finding at or above the threshold, 1 findings, 2 usage error,
    3 internal error.
    """
    paths = given(paths)
    no_folders(paths)
    config = configuration(config_file, paths, select, ignore, exit_zero, root)
    threshold = failing_threshold(fail_on, strict, config)
    options = check_options(
        config,
        no_file_checks,
        remote,
        s3_endpoint_url,
        max_file_size,
        root,
        index_url,
        resolve_timeout,
    )
    outputs = outputs_of(formats, output_file)

    def check() -> api.Report:
        with ProgressBar(color) as progress:
            return api.validate_paths(
                paths,
                stdin_filename=stdin_filename,
                options=options,
                config=config,
                resolving=progress.resolving,
            )

    report, stream = checked_or_fixed(
        check,
        functools.partial(
            api.fix_paths, paths, stdin_filename=stdin_filename, options=options, config=config
        ),
        fix,
        unsafe_fixes,
        diff,
        config.exit_zero,
    )
    baselined(report, baseline)
    write_reports(report, outputs, threshold, color, statistics, stream)
    write_summary(report, "validate", summary)
    stop(report, threshold, config.exit_zero)


@app.command()
def resolve(
    paths: Paths = None,
    output: ResolutionFormat = "text",
    stdin_filename: StdinFilename = None,
    remote: Remote = False,
    s3_endpoint_url: S3EndpointUrl = None,
    config_file: ConfigFile = None,
    root: RootFolder = None,
) -> None:
    """Show what each payload entry and training data resolves to: path, kind, size, columns.

    Exit codes: 0 everything was found, 1 something is missing or unreadable, 2 usage error.
    """
    paths = given(paths)
    no_folders(paths)
    config = configuration(config_file, paths, root=root)
    checks = check_options(config, False, remote, s3_endpoint_url, None, root)
    options = replace(checks, file_checks=True, layout=True)
    report = api.validate_paths(
        paths, stdin_filename=stdin_filename, options=options, config=config
    )
    resolution_reporter_for(OutputFormat(output), sys.stdout)(report, sys.stdout)
    from ..reporters.resolution import problems

    missing = any(r.exists is False for r in report.references) or problems(report)
    raise typer.Exit(1 if missing else 0)


@app.command()
def lint(
    paths: LintPaths = None,
    formats: Formats = None,
    output_file: OutputFile = None,
    strict: Strict = False,
    fail_on: FailOn = None,
    select: Select = None,
    ignore: Ignore = None,
    exit_zero: ExitZero = False,
    color: Color = "auto",
    exclude: Exclude = None,
    list_files: Annotated[
        bool, typer.Option("--list-files", help="Print the files that would be linted, and stop.")
    ] = False,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="Succeed when no manifest is found.")
    ] = False,
    no_file_checks: NoFileChecks = False,
    remote: Remote = False,
    s3_endpoint_url: S3EndpointUrl = None,
    index_url: IndexUrl = None,
    resolve_timeout: ResolveTimeout = None,
    stdin_filename: StdinFilename = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Processes to use, at most the CPUs [default: the CPUs]."
        ),
    ] = None,
    config_file: ConfigFile = None,
    root: RootFolder = None,
    max_file_size: MaxFileSize = None,
    explain_app: Annotated[
        str | None,
        typer.Option(
            "--explain-app",
            metavar="NAME",
            help="Show what the application NAME takes and returns, from its stages' models.",
        ),
    ] = None,
    fix: ApplyFixes = False,
    unsafe_fixes: UnsafeFixes = False,
    diff: ShowDiff = False,
    statistics: Statistics = False,
    baseline: Baseline = None,
    summary: Summary = None,
) -> None:
    """Lint a repository: every manifest's checks, and the checks across them (references,
    pipeline stages that must fit, duplicate names). Other YAML is skipped.

    Exit codes: 0 no finding at or above the threshold, 1 findings (or no manifest found),
    2 usage error, 3 internal error.
    """
    paths = paths or ["."]
    config = configuration(config_file, paths, select, ignore, exit_zero, root)
    options = check_options(
        config,
        no_file_checks,
        remote,
        s3_endpoint_url,
        max_file_size,
        root,
        index_url,
        resolve_timeout,
    )
    if list_files:
        listed = api.list_files(paths, config=config, exclude=exclude or (), root=options.root)
        for file in listed:
            typer.echo(file)
        return
    threshold = failing_threshold(fail_on, strict, config)
    outputs = outputs_of(formats, output_file)
    cpus = api.available_cpus()
    if jobs is not None and jobs > cpus:
        typer.echo(f"hydro: --jobs {jobs} capped at the {cpus} CPUs available", err=True)

    def check() -> api.Report:
        with ProgressBar(color) as progress:
            return api.lint_paths(
                paths,
                config=config,
                exclude=exclude or (),
                options=options,
                stdin_filename=stdin_filename,
                processes=jobs,
                progress=progress,
                resolving=progress.resolving,
            )

    fixes = functools.partial(
        api.fix_paths,
        paths,
        lint=True,
        config=config,
        exclude=exclude or (),
        options=options,
        stdin_filename=stdin_filename,
        processes=jobs,
    )
    report, stream = checked_or_fixed(check, fixes, fix, unsafe_fixes, diff, config.exit_zero)
    baselined(report, baseline)
    if explain_app is not None:
        _explain_app(explain_app, report)
    write_reports(report, outputs, threshold, color, statistics, stream)
    write_summary(report, "lint", summary)
    if not report.files and not allow_empty and not report.interrupted:
        skipped = f" ({len(report.skipped)} other YAML files skipped)" if report.skipped else ""
        typer.echo(
            f"hydro: no Hydrosphere manifest found in {printable(', '.join(paths))}{skipped}; "
            "use --allow-empty if that is expected",
            err=True,
        )
        raise typer.Exit(0 if config.exit_zero else 1)
    stop(report, threshold, config.exit_zero)


@app.command()
def graph(
    paths: LintPaths = None,
    application: Annotated[
        str | None,
        typer.Option("--app", metavar="NAME", help="Draw only the Application NAME."),
    ] = None,
    form: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="mermaid|dot",
            help="Mermaid or Graphviz DOT [default: mermaid].",
        ),
    ] = "mermaid",
    output_file: WrittenFile = None,
    exclude: Exclude = None,
    no_file_checks: NoFileChecks = False,
    config_file: ConfigFile = None,
    root: RootFolder = None,
) -> None:
    """Draw each Application as a diagram: its stages, the variants with their weights,
    signatures and deployment configurations, the fields each stage passes to the next,
    and the problems where they are (in red, with the rule). The files are linted as
    `hydro lint` lints them; the drawing is the same for the same files."""
    if form not in api.DIAGRAM_FORMATS:
        raise usage_error(
            f"unknown format '{form}' (valid formats: {', '.join(api.DIAGRAM_FORMATS)})"
        )
    paths = paths or ["."]
    config = configuration(config_file, paths, root=root)
    options = check_options(config, no_file_checks, False, None, None, root)
    existing([p for p in paths if p != api.STDIN])
    report = api.lint_paths(paths, config=config, exclude=exclude or (), options=options)
    names = [s.name for s in report.summaries if s.kind == "Application" and s.name]
    if not names:
        typer.echo(f"hydro: no Application found in {printable(', '.join(paths))}", err=True)
        _undrawn_errors(report)
        raise typer.Exit(1)
    try:
        drawn = api.draw_applications(report, form, application)
    except LookupError as error:
        hint = did_you_mean(application or "", names)
        raise usage_error(str(error) + (f"; {hint}" if hint else "")) from None
    echo_or_write(drawn, output_file)
    _undrawn_errors(report)


def _undrawn_errors(report: api.Report) -> None:
    """A drawing shows the findings at model references only: say that there are others."""
    errors = report.count(Severity.ERROR)
    if errors:
        typer.echo(
            f"hydro: the files have {errors} error{'s' if errors != 1 else ''}; "
            "`hydro lint` shows them all",
            err=True,
        )


@app.command("baseline")
def baseline_command(
    paths: LintPaths = None,
    output_file: Annotated[
        str,
        typer.Option("--output", "-o", metavar="FILE", help="The baseline file to write."),
    ] = "hydro-baseline.json",
    select: Select = None,
    ignore: Ignore = None,
    exclude: Exclude = None,
    no_file_checks: NoFileChecks = False,
    config_file: ConfigFile = None,
    root: RootFolder = None,
    max_file_size: MaxFileSize = None,
) -> None:
    """Record the findings of a repository (as `hydro lint` finds them) in a baseline file,
    so that `hydro lint --baseline FILE` reports only new ones.

    Exit codes: 0 written, 2 usage error (or the file cannot be written).
    """
    from .. import baseline

    paths = paths or ["."]
    config = configuration(config_file, paths, select, ignore, root=root)
    options = check_options(config, no_file_checks, False, None, max_file_size, root)
    report = api.lint_paths(paths, config=config, exclude=exclude or (), options=options)
    if report.interrupted:  # a baseline of part of the files would hide nothing of the rest
        stop(report, Severity.ERROR)
    echo_or_write(baseline.record(report, output_file), output_file)
    found = len(report.diagnostics)
    typer.echo(
        f"hydro: recorded {found} finding{'' if found == 1 else 's'} of "
        f"{len(report.files)} files in {printable(output_file)}",
        err=True,
    )


def _explain_app(name: str, report: api.Report) -> None:
    from ..project import interface
    from ..reporters.interface import write_interface

    found = interface(name, report.summaries)
    if found is None:
        names = [s.name for s in report.summaries if s.kind == "Application" and s.name]
        hint = did_you_mean(name, names)
        message = f"no Application '{name}' among the linted files"
        raise usage_error(message + (f"; {hint}" if hint else ""))
    write_interface(found, sys.stdout)


def _target(path: str, with_paths: list[str] | None, name: str | None) -> tuple[Any, str]:
    paths = [path, *(with_paths or [])]
    existing(paths)
    no_folders([path])
    try:
        from ..requests.target import request_target

        return request_target(paths, name)
    except LookupError as error:
        raise usage_error(str(error)) from None
    except api.ManifestError as error:
        reporter_for(OutputFormat.TEXT, sys.stderr)(error.report, sys.stderr)
        typer.echo("hydro: fix the manifest first", err=True)
        raise typer.Exit(1) from None


@app.command()
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


@app.command("check-request")
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


@app.command()
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


@app.command("runtime-check")
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


@app.command()
def lsp() -> None:
    """Serve editors as a language server over standard input and output: diagnostics as
    you type, fixes, hover, completion and go to definition. Needs the lsp extra: pip
    install 'hydro-manifest[lsp]'."""
    from ..lsp import EXTRA

    try:
        from ..lsp.server import serve
    except ImportError as error:
        message = f"the language server needs pygls and lsprotocol: {EXTRA} ({error})"
        raise usage_error(message) from None
    serve()


@app.command()
def schema(
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="Model, Application or DeploymentConfiguration [default: all]."
        ),
    ] = None,
    output_file: OutputFile = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of the manifests, for editors and validators."""
    import json

    from ..schema import schema as build

    if kind is not None and kind not in KINDS:
        hint = did_you_mean(kind, KINDS, listing="valid kinds")
        raise usage_error(f"unknown kind '{kind}'" + (f"; {hint}" if hint else ""))
    echo_or_write(json.dumps(build(kind), indent=2, ensure_ascii=False) + "\n", output_file)


@app.command()
def rules(
    rule_id: Annotated[
        str | None,
        typer.Argument(metavar="[RULE]", help="A rule id (HY309) or name (unknown-type)."),
    ] = None,
    output: TextOrJson = "text",
) -> None:
    """List every rule (its id, name, severity, layer and fix: safe, unsafe or none), or
    explain one with a failing and a passing example."""
    import json

    if output not in ("text", "json"):
        raise usage_error(f"unknown format '{output}' (valid formats: text, json)")
    if rule_id is None:
        if output == "json":
            typer.echo(json.dumps([_rule_json(r) for r in all_rules().values()], indent=2))
            return
        for rule in all_rules().values():
            fix = rule.fix.value if rule.fix else "-"
            typer.echo(
                f"{rule.id}  {rule.name:<30} {rule.severity.value:<8} {rule.layer.value:<11} "
                f"{fix:<7} {rule.summary}"
            )
        return
    found = find_rule(rule_id)
    if found is None:
        rules = all_rules()
        names = [r.name for r in rules.values()]
        hint = did_you_mean(rule_id, [*rules, *names])
        raise usage_error(f"no rule '{rule_id}'" + (f"; {hint}" if hint else ""))
    typer.echo(json.dumps(_rule_json(found), indent=2) if output == "json" else explain(found))


@app.command()
def runtimes(
    image: Annotated[
        str | None,
        typer.Argument(
            metavar="[IMAGE]",
            help="A runtime (hydrosphere/serving-runtime-python-3.7:3.0.3) or a tag (3.0.3).",
        ),
    ] = None,
    output: TextOrJson = "text",
) -> None:
    """List the Python runtime images hydro knows (what the build and the start find in
    each: user, sudo, package lists, tools, pip, the runtime's packages), or one of them
    with the source of each fact."""
    import json

    from ..kinds.model.container.images import IMAGES, image_of, named
    from ..reporters.runtimes import image_json, runtime_text, runtimes_json, runtimes_text

    if output not in ("text", "json"):
        raise usage_error(f"unknown format '{output}' (valid formats: text, json)")
    if image is None:
        text = json.dumps(runtimes_json(), indent=2) if output == "json" else runtimes_text()
        typer.echo(text.rstrip("\n"))
        return
    name = named(image)
    found = image_of(name.tag if name is not None else image)
    if found is None:
        tags = ", ".join(tag for known in IMAGES for tag in known.tags)
        raise usage_error(f"hydro has no facts of '{printable(image)}' (tags it knows: {tags})")
    typer.echo(
        json.dumps(image_json(found), indent=2)
        if output == "json"
        else runtime_text(found).rstrip()
    )


def _rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "severity": rule.severity.value,
        "layer": rule.layer.value,
        "fix": rule.fix.value if rule.fix else None,
        "summary": rule.summary,
        "explanation": rule.explanation,
    }


def explain(rule: Rule) -> str:
    """The text of `hydro rules ID`."""

    def indented(text: str) -> str:
        return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))

    fix = {
        None: "",
        FixKind.SAFE: "\nFix: safe, applied by --fix where the hint is mechanical.\n",
        FixKind.UNSAFE: "\nFix: unsafe (may change the meaning), applied by --fix --unsafe-fixes "
        "where the hint is mechanical.\n",
    }[rule.fix]
    return (
        f"{rule.id} {rule.name} ({rule.severity.value}, layer {rule.layer.value})\n"
        f"{rule.summary}\n\n{rule.explanation}\n{fix}\n"
        f"Fails:\n{indented(rule.example(False))}\n\nPasses:\n{indented(rule.example(True))}"
    )


def _app_for(arguments: list[str]) -> typer.Typer:
    """The app with only the command the arguments name: typer turns every command it
    holds into a click command (reading each function's parameters) before it parses any
    argument, and a run needs one. Without a command name (`hydro`, `hydro --help`, a
    misspelt one), the whole app, which lists and suggests them all."""
    name = arguments[0] if arguments else ""
    chosen = [c for c in app.registered_commands if _command_name(c) == name]
    if not chosen:
        return app
    one = typer.Typer(**_APP_SETTINGS)
    one.registered_callback = app.registered_callback
    one.registered_commands = chosen
    return one


def _command_name(command: Any) -> str:
    return str(command.name or command.callback.__name__.replace("_", "-"))


def main() -> None:
    """Entry point: any exception that escapes is a bug, reported with exit code 3.

    SIGTERM stops a run as Ctrl-C does (its worker processes end too), with 143."""
    api.stop_on_sigterm()
    try:
        _app_for(sys.argv[1:])()
    except SystemExit:
        raise
    except KeyboardInterrupt as stop:
        stopped_by = signal.SIGTERM if isinstance(stop, api.Terminated) else signal.SIGINT
        print(f"hydro: {STOPPED[stopped_by]}", file=sys.stderr)
        sys.exit(ExitCode.SIGNALLED + stopped_by)
    except Exception as error:
        print(
            f"hydro: internal error: {type(error).__name__}: {error}\n"
            f"This is a bug in hydro {__version__}; please report it at {api.ISSUES_URL}",
            file=sys.stderr,
        )
        sys.exit(ExitCode.INTERNAL)
