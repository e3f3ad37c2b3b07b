"""What the commands do with their options: the configuration with the command line over
it, the failing threshold, the reports to write, and the exit code."""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from typing import TextIO

import typer

from .. import api
from ..config import Config, ConfigError
from ..config import load as load_config
from ..diagnostics import printable
from ..report import ExitCode
from ..reporters import OutputFormat, default_format, reporter_for, write_file
from ..rules import Severity

STOPPED: dict[int, str] = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}


def usage_error(message: str) -> typer.Exit:
    typer.echo(f"hydro: error: {message}", err=True)
    return typer.Exit(ExitCode.USAGE)


def given(paths: list[str] | None) -> list[str]:
    if not paths:
        raise usage_error("name the manifest files to check, or `-` for standard input")
    return paths


def stop(report: api.Report, threshold: Severity, exit_zero: bool = False) -> None:
    if report.interrupted:
        typer.echo(f"hydro: {STOPPED[report.signal or signal.SIGINT]}", err=True)
    code = report.exit_code(threshold)
    raise typer.Exit(0 if exit_zero and code == 1 else code)


def outputs_of(
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
            raise usage_error(f"unknown format '{name}' (valid formats: {valid})") from None
        outputs.append((chosen, path or None))
    unnamed = [i for i, (_, path) in enumerate(outputs) if path is None]
    if len(unnamed) > 1:
        raise usage_error("only one format can go to standard output; give the others =FILE")
    if output_file is not None and unnamed:
        outputs[unnamed[0]] = (outputs[unnamed[0]][0], output_file)
    return outputs


def write_reports(
    report: api.Report,
    outputs: list[tuple[OutputFormat, str | None]],
    threshold: Severity,
    color: str = "auto",
    statistics: bool = False,
    stream: TextIO | None = None,
) -> None:
    """Each report to its file, the one without a file to `stream` (standard output);
    `statistics` writes counts per rule instead of the findings (text or JSON)."""
    for chosen, path in outputs:
        if statistics:
            _write_statistics(report, chosen, path, stream or sys.stdout)
            continue
        if path is None:
            shown = stream or sys.stdout
            reporter_for(chosen, shown, threshold, color)(report, shown)
            continue
        try:  # files get plain text: a terminal's colours and layout do not belong there
            write_file(path, functools.partial(report_to, chosen, report, threshold))
        except OSError as error:
            raise usage_error(
                f"cannot write {printable(path)}: {error.strerror or error}"
            ) from None


def echo_or_write(text: str, path: str | None) -> None:
    """`text` to standard output, or written whole to `path` (a usage error if it cannot)."""
    if path is None:
        typer.echo(text, nl=False)
        return
    try:
        write_file(path, lambda stream: print(text, end="", file=stream))
    except OSError as error:
        raise usage_error(f"cannot write {printable(path)}: {error.strerror or error}") from None


def write_summary(report: api.Report, command: str, path: str | None) -> None:
    """The Markdown summary to `path`, and appended to GitHub Actions' step summary when
    the run is a step of a workflow (GITHUB_STEP_SUMMARY names its file)."""
    step = os.environ.get("GITHUB_STEP_SUMMARY")
    if path is None and not step:
        return
    from ..reporters.markdown import summary_markdown

    text = summary_markdown(report, command)
    if path is not None:
        echo_or_write(text, path)
    if step:
        try:
            with open(step, "a", encoding="utf-8") as stream:
                stream.write(text + "\n")
        except OSError as error:
            typer.echo(
                f"hydro: cannot add to the step summary: {error.strerror or error}", err=True
            )


def _write_statistics(
    report: api.Report, chosen: OutputFormat, path: str | None, stream: TextIO
) -> None:
    from ..reporters.statistics import write_statistics_json, write_statistics_text

    write = write_statistics_json if chosen is OutputFormat.JSON else write_statistics_text
    if path is None:
        write(report, stream)
        return
    try:
        write_file(path, functools.partial(write, report))
    except OSError as error:
        raise usage_error(f"cannot write {printable(path)}: {error.strerror or error}") from None


def checked_or_fixed(
    check: Callable[[], api.Report],
    fixes: Callable[..., api.Fixing],
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    exit_zero: bool = False,
) -> tuple[api.Report, TextIO]:
    """The report of `check`, or with --fix or --diff that of `fixes` (after what fixing
    says, see `_after_fixing`); and where the report goes."""
    if fix and diff:
        raise usage_error("--fix writes the fixes and --diff only shows them: choose one")
    if unsafe_fixes and not (fix or diff):
        raise usage_error("--unsafe-fixes goes with --fix or --diff")
    if not (fix or diff):
        return check(), sys.stdout
    fixing = fixes(unsafe=unsafe_fixes, write=not diff)
    return fixing.report, _after_fixing(fixing, diff, exit_zero)


def _after_fixing(fixing: api.Fixing, diff: bool, exit_zero: bool) -> TextIO:
    """What fixing says besides the report: with --diff the diff (and the exit: 1 when
    there is one, unless --exit-zero); with --fix what was fixed, files that could not be
    written, and fixed standard input on standard output. Returns where the report goes:
    standard error when standard output carries the fixed text."""
    files = len(fixing.files)
    counted = f"{_plural(fixing.fixed, 'finding')} in {_plural(files, 'file')}"
    if diff:
        sys.stdout.write(fixing.diff())
        sys.stdout.flush()
        typer.echo(f"hydro: would fix {counted}" if files else "hydro: nothing to fix", err=True)
        raise typer.Exit(ExitCode.FINDINGS if files and not exit_zero else ExitCode.CLEAN)
    for refusal in fixing.refused:
        found = refusal.diagnostic
        typer.echo(
            f"hydro: not fixed: {printable(found.file)}:{found.line}:{found.column}: "
            f"{found.rule} (the fix would add {', '.join(refusal.new_errors)})",
            err=True,
        )
    for name, reason in fixing.unwritten.items():
        typer.echo(f"hydro: error: cannot write the fixes of {printable(name)}: {reason}", err=True)
    if files:
        typer.echo(f"hydro: fixed {counted}", err=True)
    if fixing.stdin is None:
        return sys.stdout
    sys.stdout.buffer.write(fixing.stdin)
    sys.stdout.flush()
    return sys.stderr


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def baselined(report: api.Report, path: str | None) -> None:
    """Leave out the findings recorded in the baseline file `path`, and say how many of
    them are gone."""
    if path is None:
        return
    from .. import baseline

    try:
        recorded = baseline.load(path)
    except baseline.BaselineError as error:
        raise usage_error(printable(str(error))) from None
    baseline.apply(report, recorded)
    if report.baseline_fixed:
        typer.echo(
            f"hydro: {_plural(report.baseline_fixed, 'baselined finding')} fixed; run "
            f"`hydro baseline -o {printable(path)}` to shrink the file",
            err=True,
        )


def report_to(
    chosen: OutputFormat, report: api.Report, threshold: Severity, stream: TextIO
) -> None:
    reporter_for(chosen, stream, threshold)(report, stream)


def configuration(
    path: str | None,
    paths: list[str],
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    exit_zero: bool = False,
    root: str | None = None,
) -> Config:
    """The named configuration file, or the one found above the first path (not above the
    repository root), with what the command line says over it."""
    start = next((p for p in paths if p != api.STDIN), ".")
    try:
        config = load_config(path, start=start, root=root)
    except ConfigError as error:
        for problem in error.problems[:-1]:
            typer.echo(f"hydro: error: {printable(problem)}", err=True)
        raise usage_error(printable(error.problems[-1])) from None
    try:
        return config.overridden(
            select=listed(select), ignore=listed(ignore), exit_zero=exit_zero or None
        )
    except ValueError as error:
        raise usage_error(str(error)) from None


def listed(values: list[str] | None) -> list[str] | None:
    """`--select A --select B,C` as [A, B, C]; None when not given."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def failing_threshold(fail_on: Severity | None, strict: bool, config: Config) -> Severity:
    if fail_on is not None:
        return fail_on
    if strict or config.strict:
        return Severity.WARNING
    return config.fail_on or Severity.ERROR


def check_options(
    config: Config,
    no_file_checks: bool,
    remote: bool,
    s3_endpoint_url: str | None,
    max_file_size: float | None,
    root: str | None = None,
    index_url: str | None = None,
    resolve_timeout: float | None = None,
) -> api.Options:
    """Options from the command line, where given, over the configuration's."""
    if root is not None and not os.path.isdir(root):
        raise usage_error(f"--root {printable(root)} is not a folder")
    if index_url is not None and not index_url.startswith(("http://", "https://")):
        raise usage_error(f"--index-url {printable(index_url)} is not an http(s) address")
    return api.Options(
        file_checks=config.file_checks and not no_file_checks,
        remote=remote or config.remote,
        s3_endpoint_url=s3_endpoint_url or config.s3_endpoint_url,
        max_file_size=(int(max_file_size * 1024 * 1024) if max_file_size else config.max_file_size),
        root=os.path.abspath(root) if root is not None else config.repository_root,
        index_url=index_url or config.index_url,
        resolve_timeout=resolve_timeout or config.resolve_timeout,
    )


def no_folders(paths: list[str]) -> None:
    """`validate` checks files; a file that is missing or unreadable is a finding on it
    (as ruff's E902), but a folder is a mistake of the command line."""
    folders = [p for p in paths if p != api.STDIN and os.path.isdir(p)]
    if folders:
        shown = printable(", ".join(folders))
        raise usage_error(f"{shown} is a folder; name the files, or use `hydro lint` for folders")


def existing(paths: list[str]) -> None:
    """Files a command reads as its input, not as manifests to check: they must exist."""
    missing = api.missing_paths(paths)
    if missing:
        raise usage_error(f"no such file: {printable(', '.join(missing))}")
