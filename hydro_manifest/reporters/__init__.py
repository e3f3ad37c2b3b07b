"""One reporter per output format; each writes a `Report` to a text stream."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from enum import Enum
from typing import TextIO

from ..diagnostics import Diagnostic
from ..report import Report
from ..rules import Severity

Reporter = Callable[[Report, TextIO], None]


class OutputFormat(str, Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"
    GITLAB = "gitlab"


def message_with_hint(d: Diagnostic) -> str:
    """The message and its hint as one text, for formats with a single message field."""
    return f"{d.message} ({d.hint})" if d.hint else d.message


def default_format() -> OutputFormat:
    """GitHub annotations inside GitHub Actions, text elsewhere."""
    return OutputFormat.GITHUB if os.environ.get("GITHUB_ACTIONS") == "true" else OutputFormat.TEXT


def wants_rich(stream: TextIO, color: str = "auto") -> bool:
    """Rich output (colours, source lines) with `--color always`, or on a terminal unless
    NO_COLOR is set, or wherever FORCE_COLOR is set (the command line wins over both);
    plain lines elsewhere."""
    if color != "auto":
        return color == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or bool(stream.isatty())


def reporter_for(
    output: OutputFormat,
    stream: TextIO,
    threshold: Severity = Severity.ERROR,
    color: str = "auto",
) -> Reporter:
    """The writer of one format; `threshold` is what fails (JUnit marks those as failures);
    `color` is --color, for the text format."""
    if output is OutputFormat.JSON:
        from .json_report import write_json

        return write_json
    if output is OutputFormat.SARIF:
        from .sarif import write_sarif

        return write_sarif
    if output is OutputFormat.JUNIT:
        from .junit import write_junit

        return functools.partial(write_junit, threshold=threshold)
    if output is OutputFormat.GITHUB:
        from .github import write_github

        return write_github
    if output is OutputFormat.GITLAB:
        from .gitlab import write_gitlab

        return write_gitlab
    if wants_rich(stream, color):
        from .rich_text import write_rich

        return write_rich
    from .plain import write_plain

    return write_plain


def resolution_reporter_for(output: OutputFormat, stream: TextIO) -> Reporter:
    """The reporters of `hydro resolve`."""
    from . import resolution

    if output is OutputFormat.JSON:
        return resolution.write_json
    return resolution.write_rich if wants_rich(stream) else resolution.write_plain


def write_file(path: str, write: Callable[[TextIO], None]) -> None:
    """Write a report file whole or not at all: into a temporary file beside it, renamed
    over it once complete (so a reader, or a second run writing the same file, never sees
    half of one). The file keeps its mode, or gets the usual one when new. OSError when
    the folder cannot be written."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            write(stream)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def summary_line(report: Report) -> str:
    """'2 files, 3 documents: 1 error, 2 warnings, 0 notes'."""
    counts = report.summary()

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    line = (
        f"{plural(counts['files'], 'file')}, {plural(counts['documents'], 'document')}: "
        f"{plural(counts['errors'], 'error')}, {plural(counts['warnings'], 'warning')}, "
        f"{plural(counts['notes'], 'note')}"
    )
    if report.skipped:
        line += f" ({plural(len(report.skipped), 'other YAML file')} skipped)"
    if report.baselined:
        line += f" ({plural(report.baselined, 'baselined finding')} not shown)"
    fixes = [d.fix for f in report.files for d in f.diagnostics if d.fix is not None]
    safe = sum(fix.safe for fix in fixes)
    if safe:
        line += f"; {safe} fixable with --fix"
    if len(fixes) > safe:
        more = ", {} more" if safe else "; {} fixable"
        line += more.format(len(fixes) - safe) + " with --fix --unsafe-fixes"
    if report.interrupted:
        line += " (interrupted: the other files were not checked)"
    return line
