"""One line per finding, `file:line:col: severity[rule] message (hint)`, for editors and CI."""

from __future__ import annotations

from typing import TextIO

from ..diagnostics import Diagnostic, printable
from ..report import Report
from . import message_with_hint, summary_line


def format_line(d: Diagnostic) -> str:
    where = f"{printable(d.file)}:{d.line}:{d.column}"
    return f"{where}: {d.severity.value}[{d.rule}] {message_with_hint(d)}"


def write_plain(report: Report, stream: TextIO) -> None:
    for diagnostic in report.diagnostics:
        stream.write(format_line(diagnostic) + "\n")
    stream.write(summary_line(report) + "\n")
