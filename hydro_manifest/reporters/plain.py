"""One line per finding, `file:line:col: severity[rule] message (hint)`, for editors and CI."""

from __future__ import annotations

from typing import TextIO

from ..diagnostics import Diagnostic, printable
from ..report import Report
from . import summary_line


def format_line(d: Diagnostic) -> str:
    line = f"{printable(d.file)}:{d.line}:{d.column}: {d.severity.value}[{d.rule}] {d.message}"
    return f"{line} ({d.hint})" if d.hint else line


def write_plain(report: Report, stream: TextIO) -> None:
    for diagnostic in report.diagnostics:
        stream.write(format_line(diagnostic) + "\n")
    stream.write(summary_line(report) + "\n")
