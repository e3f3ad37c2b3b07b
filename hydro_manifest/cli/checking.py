"""Checking manifests: `validate`, `lint`, `resolve` and `baseline`."""

from __future__ import annotations

import functools
import sys
from dataclasses import replace
from typing import Annotated

import typer

from .. import api
from ..diagnostics import printable
from ..reporters import (
    OutputFormat,
    resolution_reporter_for,
)
from ..reporters.progress import ProgressBar
from ..rules import Severity
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
    NoCache,
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
    UnsafeFixes,
)
from .running import (
    baselined,
    check_options,
    checked_or_fixed,
    configuration,
    echo_or_write,
    failing_threshold,
    given,
    no_folders,
    outputs_of,
    stop,
    usage_error,
    write_reports,
    write_summary,
)


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
    no_cache: NoCache = False,
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
                # (no command of a lint's shows what the manifests point at: only findings)
                options=replace(options, cache=not no_cache, references=False),
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
