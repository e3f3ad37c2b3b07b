"""The `hydro` command: parses options, calls the library, prints, sets the exit code."""

from __future__ import annotations

import functools
import os
import signal
import sys
from dataclasses import replace
from typing import Annotated, Any, TextIO

# hydro uses no pydantic plugins; looking for them reads every installed package's metadata.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

from . import __version__, api
from .config import Config, ConfigError
from .config import load as load_config
from .diagnostics import printable
from .kinds import NAMES as KINDS
from .report import ExitCode
from .reporters import (
    OutputFormat,
    default_format,
    reporter_for,
    resolution_reporter_for,
    write_file,
)
from .reporters.progress import ProgressBar
from .rules import Rule, Severity, all_rules, find_rule
from .suggest import did_you_mean

# typer 0.29 labels each argument with its Python type in --help (`PATH <list[str]>`);
# a reader of `hydro validate --help` needs the metavar and the text, not the annotation.
typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]

app = typer.Typer(
    name="hydro",
    help="Validate Hydrosphere resource definitions (Model, Application, "
    "DeploymentConfiguration) before `hs apply` does.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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


def _usage_error(message: str) -> typer.Exit:
    typer.echo(f"hydro: error: {message}", err=True)
    return typer.Exit(ExitCode.USAGE)


def _kept(value: str) -> str:
    return value


Paths = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATH",
        parser=_kept,
        help="Manifest files to check (at least one); `-` reads standard input.",
    ),
]


def _given(paths: list[str] | None) -> list[str]:
    if not paths:
        raise _usage_error("name the manifest files to check, or `-` for standard input")
    return paths


def _severity(value: str | Severity) -> Severity:
    if isinstance(value, Severity):
        return value
    try:
        return Severity(value.strip().lower())
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not one of error, warning, note") from None


def _color(value: str) -> str:
    if value.strip().lower() not in _COLORS:
        raise typer.BadParameter(f"'{value}' is not one of {', '.join(_COLORS)}")
    return value.strip().lower()


_COLORS = ("auto", "always", "never")


def _resolution_format(value: str) -> str:
    if value.strip().lower() not in ("text", "json"):
        raise typer.BadParameter(f"'{value}' is not one of text, json")
    return value.strip().lower()


StdinFilename = Annotated[
    str | None,
    typer.Option(
        "--stdin-filename",
        help="Name standard input in the report; its folder is where references resolve.",
    ),
]
Strict = Annotated[
    bool, typer.Option("--strict", help="Fail on warnings too (same as --fail-on warning).")
]
FailOn = Annotated[
    Severity | None,
    typer.Option(
        "--fail-on",
        parser=_severity,
        metavar="error|warning|note",
        help="Lowest severity that fails the run [default: error].",
    ),
]
Select = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="RULE",
        help="Check only these: rule ids, id prefixes (HY5), names or layers; repeat, or "
        "separate with commas. Replaces the configuration's `select`.",
    ),
]
Ignore = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="RULE",
        help="Do not check these (as --select names them). Replaces the configuration's `ignore`.",
    ),
]
ExitZero = Annotated[
    bool,
    typer.Option("--exit-zero", help="Exit with 0 even when findings fail the threshold."),
]
Color = Annotated[
    str,
    typer.Option(
        "--color",
        metavar="auto|always|never",
        parser=_color,
        help="Colour and layout for a terminal: auto (on a terminal, unless NO_COLOR is set; "
        "FORCE_COLOR forces it), always or never [default: auto].",
    ),
]
Formats = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT[=FILE]",
        help="text, json, sarif, junit or github; repeat with =FILE to write several "
        "[default: text; github inside GitHub Actions].",
    ),
]
OutputFile = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE."),
]
MaxFileSize = Annotated[
    float | None,
    typer.Option(
        "--max-file-size",
        metavar="MIB",
        min=0.001,
        help="Report larger files instead of reading them [default: 10].",
    ),
]
ConfigFile = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="A .hydro.yaml or pyproject.toml ([tool.hydro]); by default the nearest above "
        "the first path.",
    ),
]
NoFileChecks = Annotated[
    bool,
    typer.Option(
        "--no-file-checks",
        help="Do not look for payload files and local training data "
        "(for manifests checked away from their files).",
    ),
]
Remote = Annotated[
    bool,
    typer.Option(
        "--remote", help="Check s3:// training data on S3 (credentials the standard boto3 way)."
    ),
]
S3EndpointUrl = Annotated[
    str | None,
    typer.Option(
        "--s3-endpoint-url",
        help="An S3-compatible endpoint (MinIO, Ceph); AWS_ENDPOINT_URL works too.",
    ),
]


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
    config_file: ConfigFile = None,
    max_file_size: MaxFileSize = None,
) -> None:
    """Check manifest files: everything hs apply, the manager or Kubernetes would reject.

    Exit codes: 0 no finding at or above the threshold, 1 findings, 2 usage error,
    3 internal error.
    """
    paths = _given(paths)
    _no_folders(paths)
    config = _config(config_file, paths, select, ignore, exit_zero)
    threshold = _threshold(fail_on, strict, config)
    options = _options(config, no_file_checks, remote, s3_endpoint_url, max_file_size)
    outputs = _outputs(formats, output_file)
    report = api.validate_paths(
        paths, stdin_filename=stdin_filename, options=options, config=config
    )
    _write(report, outputs, threshold, color)
    _stop(report, threshold, config.exit_zero)


@app.command()
def resolve(
    paths: Paths = None,
    output: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="text|json", parser=_resolution_format, help="Report format."
        ),
    ] = "text",
    stdin_filename: StdinFilename = None,
    remote: Remote = False,
    s3_endpoint_url: S3EndpointUrl = None,
    config_file: ConfigFile = None,
) -> None:
    """Show what each payload entry and training data resolves to: path, kind, size, columns.

    Exit codes: 0 everything was found, 1 something is missing or unreadable, 2 usage error.
    """
    paths = _given(paths)
    _no_folders(paths)
    config = _config(config_file, paths)
    options = replace(_options(config, False, remote, s3_endpoint_url, None), file_checks=True)
    report = api.validate_paths(
        paths, stdin_filename=stdin_filename, options=options, config=config
    )
    resolution_reporter_for(OutputFormat(output), sys.stdout)(report, sys.stdout)
    from .reporters.resolution import problems

    missing = any(r.exists is False for r in report.references) or problems(report)
    raise typer.Exit(1 if missing else 0)


def _stop(report: api.Report, threshold: Severity, exit_zero: bool = False) -> None:
    if report.interrupted:
        typer.echo(f"hydro: {_STOPPED[report.signal or signal.SIGINT]}", err=True)
    code = report.exit_code(threshold)
    raise typer.Exit(0 if exit_zero and code == 1 else code)


_STOPPED: dict[int, str] = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}


def _outputs(
    formats: list[str] | None, output_file: str | None
) -> list[tuple[OutputFormat, str | None]]:
    """`--format FORMAT[=FILE]`, repeated; `--output FILE` for the one without a file."""
    outputs = []
    for spec in formats or [default_format().value]:
        name, _, path = spec.partition("=")
        try:
            chosen = OutputFormat(name.strip().lower())
        except ValueError:
            valid = ", ".join(f.value for f in OutputFormat)
            raise _usage_error(f"unknown format '{name}' (valid formats: {valid})") from None
        outputs.append((chosen, path or None))
    unnamed = [i for i, (_, path) in enumerate(outputs) if path is None]
    if len(unnamed) > 1:
        raise _usage_error("only one format can go to standard output; give the others =FILE")
    if output_file is not None and unnamed:
        outputs[unnamed[0]] = (outputs[unnamed[0]][0], output_file)
    return outputs


def _write(
    report: api.Report,
    outputs: list[tuple[OutputFormat, str | None]],
    threshold: Severity,
    color: str = "auto",
) -> None:
    for chosen, path in outputs:
        if path is None:
            reporter_for(chosen, sys.stdout, threshold, color)(report, sys.stdout)
            continue
        try:  # files get plain text: a terminal's colours and layout do not belong there
            write_file(path, functools.partial(_report_to, chosen, report, threshold))
        except OSError as error:
            raise _usage_error(
                f"cannot write {printable(path)}: {error.strerror or error}"
            ) from None


def _report_to(
    chosen: OutputFormat, report: api.Report, threshold: Severity, stream: TextIO
) -> None:
    reporter_for(chosen, stream, threshold)(report, stream)


def _config(
    path: str | None,
    paths: list[str],
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    exit_zero: bool = False,
) -> Config:
    """The named configuration file, or the one found above the first path, with what the
    command line says over it."""
    start = next((p for p in paths if p != api.STDIN), ".")
    try:
        config = load_config(path, start=start)
    except ConfigError as error:
        for problem in error.problems[:-1]:
            typer.echo(f"hydro: error: {printable(problem)}", err=True)
        raise _usage_error(printable(error.problems[-1])) from None
    try:
        return config.overridden(
            select=_listed(select), ignore=_listed(ignore), exit_zero=exit_zero or None
        )
    except ValueError as error:
        raise _usage_error(str(error)) from None


def _listed(values: list[str] | None) -> list[str] | None:
    """`--select A --select B,C` as [A, B, C]; None when not given."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _threshold(fail_on: Severity | None, strict: bool, config: Config) -> Severity:
    if fail_on is not None:
        return fail_on
    if strict or config.strict:
        return Severity.WARNING
    return config.fail_on or Severity.ERROR


def _options(
    config: Config,
    no_file_checks: bool,
    remote: bool,
    s3_endpoint_url: str | None,
    max_file_size: float | None,
) -> api.Options:
    """Options from the command line, where given, over the configuration's."""
    return api.Options(
        file_checks=config.file_checks and not no_file_checks,
        remote=remote or config.remote,
        s3_endpoint_url=s3_endpoint_url or config.s3_endpoint_url,
        max_file_size=(int(max_file_size * 1024 * 1024) if max_file_size else config.max_file_size),
    )


def _no_folders(paths: list[str]) -> None:
    """`validate` checks files; a file that is missing or unreadable is a finding on it
    (as ruff's E902), but a folder is a mistake of the command line."""
    folders = [p for p in paths if p != api.STDIN and os.path.isdir(p)]
    if folders:
        shown = printable(", ".join(folders))
        raise _usage_error(f"{shown} is a folder; name the files, or use `hydro lint` for folders")


def _existing(paths: list[str]) -> None:
    """Files a command reads as its input, not as manifests to check: they must exist."""
    missing = api.missing_paths(paths)
    if missing:
        raise _usage_error(f"no such file: {printable(', '.join(missing))}")


@app.command()
def lint(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH",
            parser=_kept,
            help="Files and folders to lint together (default: the current folder).",
        ),
    ] = None,
    formats: Formats = None,
    output_file: OutputFile = None,
    strict: Strict = False,
    fail_on: FailOn = None,
    select: Select = None,
    ignore: Ignore = None,
    exit_zero: ExitZero = False,
    color: Color = "auto",
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", metavar="GLOB", help="Skip matching paths (gitignore style)."),
    ] = None,
    list_files: Annotated[
        bool, typer.Option("--list-files", help="Print the files that would be linted, and stop.")
    ] = False,
    allow_empty: Annotated[
        bool, typer.Option("--allow-empty", help="Succeed when no manifest is found.")
    ] = False,
    no_file_checks: NoFileChecks = False,
    remote: Remote = False,
    s3_endpoint_url: S3EndpointUrl = None,
    stdin_filename: StdinFilename = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Processes to use, at most the CPUs [default: the CPUs]."
        ),
    ] = None,
    config_file: ConfigFile = None,
    max_file_size: MaxFileSize = None,
    explain_app: Annotated[
        str | None,
        typer.Option(
            "--explain-app",
            metavar="NAME",
            help="Show what the application NAME takes and returns, from its stages' models.",
        ),
    ] = None,
) -> None:
    """Lint a repository: every manifest's checks, and the checks across them (references,
    pipeline stages that must fit, duplicate names). Other YAML is skipped.

    Exit codes: 0 no finding at or above the threshold, 1 findings (or no manifest found),
    2 usage error, 3 internal error.
    """
    paths = paths or ["."]
    config = _config(config_file, paths, select, ignore, exit_zero)
    if list_files:
        for file in api.list_files(paths, config=config, exclude=exclude or ()):
            typer.echo(file)
        return
    threshold = _threshold(fail_on, strict, config)
    options = _options(config, no_file_checks, remote, s3_endpoint_url, max_file_size)
    outputs = _outputs(formats, output_file)
    cpus = api.available_cpus()
    if jobs is not None and jobs > cpus:
        typer.echo(f"hydro: --jobs {jobs} capped at the {cpus} CPUs available", err=True)
    with ProgressBar(color) as progress:
        report = api.lint_paths(
            paths,
            config=config,
            exclude=exclude or (),
            options=options,
            stdin_filename=stdin_filename,
            processes=jobs,
            progress=progress,
        )
    if explain_app is not None:
        _explain_app(explain_app, report)
    _write(report, outputs, threshold, color)
    if not report.files and not allow_empty and not report.interrupted:
        skipped = f" ({len(report.skipped)} other YAML files skipped)" if report.skipped else ""
        typer.echo(
            f"hydro: no Hydrosphere manifest found in {printable(', '.join(paths))}{skipped}; "
            "use --allow-empty if that is expected",
            err=True,
        )
        raise typer.Exit(0 if config.exit_zero else 1)
    _stop(report, threshold, config.exit_zero)


def _explain_app(name: str, report: api.Report) -> None:
    from .project import interface
    from .reporters.interface import write_interface

    found = interface(name, report.summaries)
    if found is None:
        names = [s.name for s in report.summaries if s.kind == "Application" and s.name]
        hint = did_you_mean(name, names)
        message = f"no Application '{name}' among the linted files"
        raise _usage_error(message + (f"; {hint}" if hint else ""))
    write_interface(found, sys.stdout)


WithPaths = Annotated[
    list[str] | None,
    typer.Option(
        "--with",
        metavar="PATH",
        help="More manifests, or folders of them, where an application's models are.",
    ),
]
TargetName = Annotated[
    str | None,
    typer.Option("--name", help="The Model or Application [default: the first application]."),
]


def _target(path: str, with_paths: list[str] | None, name: str | None) -> tuple[Any, str]:
    paths = [path, *(with_paths or [])]
    _existing(paths)
    _no_folders([path])
    try:
        from .requests.target import request_target

        return request_target(paths, name)
    except LookupError as error:
        raise _usage_error(str(error)) from None
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
        str, typer.Option("--format", "-f", metavar="json|curl", help="A body, or a curl command.")
    ] = "json",
    url: Annotated[
        str | None, typer.Option("--url", help="The cluster, for --format curl.")
    ] = None,
) -> None:
    """Print a request body for a Model or an Application, from its contract."""
    import json
    import shlex

    from .requests import sample_request

    if output not in ("json", "curl"):
        raise _usage_error(f"unknown format '{output}' (valid formats: json, curl)")
    if output == "curl" and not url:
        raise _usage_error("--format curl needs --url, e.g. --url https://hydro.example.com")
    model, application = _target(path, with_paths, name)
    body = sample_request(model, seed=seed, batch=batch)
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
    formats: Formats = None,
    output_file: OutputFile = None,
) -> None:
    """Check a request body (or a response) against a contract: fields, types, ranges, shapes.

    Exit codes: 0 the body fits, 1 findings, 2 usage error.
    """
    from .requests import check_request as check

    model, _ = _target(path, with_paths, name)
    report_outputs = _outputs(formats, output_file)
    if request == api.STDIN:
        body, filename = sys.stdin.buffer.read(), "-"
    else:
        _existing([request])
        try:
            with open(request, "rb") as stream:
                body, filename = stream.read(), request
        except OSError as error:
            raise _usage_error(f"cannot read {request}: {error.strerror or error}") from None
    report = check(model, body, filename=filename, outputs=outputs)
    _write(report, report_outputs, Severity.ERROR)
    raise typer.Exit(report.exit_code())


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

    from .schema import schema as build

    if kind is not None and kind not in KINDS:
        hint = did_you_mean(kind, KINDS, listing="valid kinds")
        raise _usage_error(f"unknown kind '{kind}'" + (f"; {hint}" if hint else ""))
    text = json.dumps(build(kind), indent=2, ensure_ascii=False) + "\n"
    if output_file is None:
        typer.echo(text, nl=False)
        return
    try:
        write_file(output_file, lambda stream: print(text, end="", file=stream))
    except OSError as error:
        raise _usage_error(f"cannot write {output_file}: {error.strerror or error}") from None


@app.command()
def rules(
    rule_id: Annotated[
        str | None,
        typer.Argument(metavar="[RULE]", help="A rule id (HY309) or name (unknown-type)."),
    ] = None,
) -> None:
    """List every rule, or explain one with a failing and a passing example."""
    if rule_id is None:
        for rule in all_rules().values():
            typer.echo(
                f"{rule.id}  {rule.name:<30} {rule.severity.value:<8} {rule.layer.value:<11} "
                f"{rule.summary}"
            )
        return
    found = find_rule(rule_id)
    if found is None:
        rules = all_rules()
        names = [r.name for r in rules.values()]
        hint = did_you_mean(rule_id, [*rules, *names])
        raise _usage_error(f"no rule '{rule_id}'" + (f"; {hint}" if hint else ""))
    typer.echo(explain(found))


def explain(rule: Rule) -> str:
    """The text of `hydro rules ID`."""

    def indented(text: str) -> str:
        return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))

    return (
        f"{rule.id} {rule.name} ({rule.severity.value}, layer {rule.layer.value})\n"
        f"{rule.summary}\n\n{rule.explanation}\n\n"
        f"Fails:\n{indented(rule.bad)}\n\nPasses:\n{indented(rule.good)}"
    )


def main() -> None:
    """Entry point: any exception that escapes is a bug, reported with exit code 3.

    SIGTERM stops a run as Ctrl-C does (its worker processes end too), with 143."""
    api.stop_on_sigterm()
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt as stop:
        stopped_by = signal.SIGTERM if isinstance(stop, api.Terminated) else signal.SIGINT
        print(f"hydro: {_STOPPED[stopped_by]}", file=sys.stderr)
        sys.exit(ExitCode.SIGNALLED + stopped_by)
    except Exception as error:
        print(
            f"hydro: internal error: {type(error).__name__}: {error}\n"
            f"This is a bug in hydro {__version__}; please report it at {api.ISSUES_URL}",
            file=sys.stderr,
        )
        sys.exit(ExitCode.INTERNAL)
