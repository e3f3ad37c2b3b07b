"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=RULE::message`, escaped as the
runner expects (`%`, `\r`, `\n` in the message; also `:` and `,` in properties). Chosen by
default when `GITHUB_ACTIONS=true`.
"""

from __future__ import annotations

from typing import TextIO

from ..diagnostics import Diagnostic, printable
from ..report import Report
from ..rules import Severity
from . import message_with_hint, summary_line

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def write_github(report: Report, stream: TextIO) -> None:
    for diagnostic in report.diagnostics:
        stream.write(annotation(diagnostic) + "\n")
    stream.write(summary_line(report) + "\n")


def annotation(d: Diagnostic) -> str:
    properties = {
        "file": printable(d.file),
        "line": d.line,
        "col": d.column,
        "endLine": d.end_line,
        "endColumn": d.end_column,
        "title": d.rule,
    }
    listed = ",".join(f"{key}={_property(str(value))}" for key, value in properties.items())
    message = message_with_hint(d)
    return f"::{_COMMAND[d.severity]} {listed}::{_data(message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
