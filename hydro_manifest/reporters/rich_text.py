"""Terminal output: findings grouped by file, each under the offending line with a marker.

Modelled on rustc and ruff: the message, the position, the source line, `^^^` under the
node, and the hint.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from ..diagnostics import Diagnostic, printable
from ..redaction import moved, redacted
from ..report import Report, read_lines
from ..rules import Severity
from . import summary_line

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.NOTE: "bold cyan"}


def write_rich(report: Report, stream: TextIO) -> None:
    # rich is chosen only where colour is wanted, off a terminal too (--color always)
    console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=True)
    for file in report.files:
        if not file.diagnostics:
            continue
        console.print(Text(printable(file.file), style="bold underline"))
        shown = {file.file: file.lines()}
        for diagnostic in file.diagnostics:
            if diagnostic.file not in shown:  # a payload file: func_main.py, pip.conf
                shown[diagnostic.file] = read_lines(diagnostic.file)
            console.print(_render(diagnostic, shown[diagnostic.file]))
    counts = report.summary()
    style = "bold red" if counts["errors"] else "bold yellow" if counts["warnings"] else "green"
    console.print(Text(summary_line(report), style=style))


def _render(d: Diagnostic, lines: list[str]) -> Text:
    style = _STYLE[d.severity]
    text = Text()
    text.append(f"{d.severity.value}[{d.rule}]", style=style)
    text.append(f": {d.message}", style="bold")
    text.append(f"  ({d.layer.value})\n", style="dim")
    gutter = " " * len(str(d.line))
    text.append(f"{gutter}--> ", style="blue")
    text.append(f"{printable(d.file)}:{d.line}:{d.column}\n")
    if 0 < d.line <= len(lines):
        source, shifts = redacted(lines[d.line - 1].expandtabs(1))
        end = d.end_column if d.end_line == d.line else len(source) + 1
        column, end = moved(d.column, shifts), moved(end, shifts)
        width = max(1, min(end, len(source) + 1) - column)
        text.append(f"{gutter} |\n", style="blue")
        text.append(f"{d.line} | ", style="blue")
        text.append(source + "\n")
        text.append(f"{gutter} | ", style="blue")
        text.append(" " * (column - 1) + "^" * width + "\n", style=style)
    if d.hint:
        text.append(f"{gutter} = ", style="blue")
        text.append("hint: ", style="bold")
        text.append(d.hint + "\n")
    return text
