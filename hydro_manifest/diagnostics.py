"""The records every part of hydro speaks in: findings, where they are, diagnostics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .rules import Layer, Rule, Severity

PathElement = str | int
Path = tuple[PathElement, ...]

#: The name of standard input among the files of a report (unless --stdin-filename).
STDIN = "-"


class Target(Enum):
    """Which part of the node at a path a finding points at."""

    VALUE = "value"
    KEY = "key"
    #: The mapping that holds (or should hold) the last path element: for missing fields.
    PARENT = "parent"


@dataclass(frozen=True, slots=True)
class Span:
    """1-based, inclusive start and exclusive end position in the original file."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found inside one document, located by path (or directly by span)."""

    rule: Rule
    message: str
    path: Path = ()
    hint: str | None = None
    target: Target = Target.VALUE
    span: Span | None = None
    #: Another file the finding is in (a payload file: func_main.py, pip.conf, requirements);
    #: `span` is then a position in it.
    file: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A located finding, as reported to users and written to the JSON report."""

    file: str
    document: int | None
    line: int
    column: int
    end_line: int
    end_column: int
    path: Path | None
    rule: str
    layer: Layer
    severity: Severity
    message: str
    hint: str | None = None

    @classmethod
    def of(
        cls,
        file: str,
        document: int | None,
        span: Span,
        path: Path | None,
        rule: Rule,
        message: str,
        hint: str | None = None,
    ) -> Diagnostic:
        """The one way a diagnostic is made: the rule gives its id, layer and severity,
        and message and hint are kept to one line of at most MESSAGE_LIMIT characters."""
        return cls(
            file=file,
            document=document,
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            path=path,
            rule=rule.id,
            layer=rule.layer,
            severity=rule.severity,
            message=_bounded(message),
            hint=None if hint is None else _bounded(hint),
        )

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.rule)

    def to_json(self) -> dict[str, Any]:
        """The diagnostic object of ../shared/design/json-report.md."""
        return {
            "file": undecodable_escaped(self.file),
            "document": self.document,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "path": None if self.path is None else list(self.path),
            "rule": self.rule,
            "layer": self.layer.value,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }


#: Messages quote what the file says; a quoted megabyte helps nobody.
MESSAGE_LIMIT = 400


def _bounded(text: str) -> str:
    text = printable(text)
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


#: Characters that would let a file name or a quoted value break a line-based report
#: (C0 and C1 controls, DEL, Unicode line and paragraph separators), and the lone
#: surrogates by which Python carries bytes of a name that are not UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\udc80-\udcff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x00": "\\0"}


def printable(text: str) -> str:
    """`text` with what cannot be shown on one line escaped: controls as `\\n`, `\\t`,
    `\\x1b`, and each byte of a file name that is not UTF-8 as `\\xNN`."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(_escape, text)


def undecodable_escaped(text: str) -> str:
    """Only the bytes that are not UTF-8 escaped (`\\xNN`), for JSON, which escapes
    controls itself but cannot hold those bytes."""
    if not _UNPRINTABLE.search(text):
        return text
    return re.sub("[\udc80-\udcff]", _escape, text)


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _ESCAPES:
        return _ESCAPES[character]
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def diagnostic(
    filename: str, document: int | None, span: Span, path: Any, finding: Finding
) -> Diagnostic:
    """A finding placed in a file."""
    return Diagnostic.of(
        filename, document, span, path, finding.rule, finding.message, finding.hint
    )


def file_diagnostic(filename: str, finding: Finding) -> Diagnostic:
    """A finding about a whole file (it has no document or path)."""
    return diagnostic(filename, None, finding.span or Span(1, 1, 1, 2), None, finding)
