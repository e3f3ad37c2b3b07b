"""The records every part of hydro speaks in: findings, where they are, diagnostics."""

from __future__ import annotations

import re
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

from .redaction import redact, scrub
from .rules import Layer, Rule, Severity

# The records below are named tuples: immutable, compact, and about eight times cheaper to
# declare than frozen dataclasses with slots, which counts at every start-up.

if TYPE_CHECKING:
    from .fixes.changes import Change

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


class Span(NamedTuple):
    """1-based, inclusive start and exclusive end position in the original file."""

    line: int
    column: int
    end_line: int
    end_column: int


class Related(NamedTuple):
    """Another place a finding is about (the first of two duplicate keys, the stage before
    in a pipeline): shown beside it by editors. `file` None is the finding's own file."""

    file: str | None
    span: Span
    message: str


class Finding(NamedTuple):
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
    #: What would make the finding go away, when its rule declares a fix (fixes.changes).
    change: Change | None = None
    related: tuple[Related, ...] = ()


class Edit(NamedTuple):
    """Replace the bytes [start, end) of the original file by `text`; the same span as
    1-based line and column (characters), as diagnostics count them."""

    start: int
    end: int
    text: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to_json(self) -> dict[str, Any]:
        return {
            "start": {"line": self.line, "column": self.column, "offset": self.start},
            "end": {"line": self.end_line, "column": self.end_column, "offset": self.end},
            "text": self.text,
        }


class Fix(NamedTuple):
    """The edits that fix one finding, all or none; `safe` keeps the meaning of the file."""

    safe: bool
    edits: tuple[Edit, ...]
    #: An edit writes a secret of the run's files, not as a URL (`Diagnostic.scrubbed`).
    secret: bool = False

    @property
    def printable(self) -> bool:
        """Whether the edits may be printed: none of them writes a password (a URL's
        credentials moved by the fix). `--fix` applies the others, reports leave them out."""
        return not self.secret and all(redact(edit.text) == edit.text for edit in self.edits)

    def to_json(self) -> dict[str, Any]:
        return {"safe": self.safe, "edits": [edit.to_json() for edit in self.edits]}


class Diagnostic(NamedTuple):
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
    fix: Fix | None = None
    #: Other places the finding is about, each in a named file (not in the JSON report).
    related: tuple[Related, ...] = ()

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
        fix: Fix | None = None,
        related: tuple[Related, ...] = (),
    ) -> Diagnostic:
        """The one way a diagnostic is made: the rule gives its id, layer and severity,
        and message and hint are kept to one line of at most MESSAGE_LIMIT characters.
        Credentials are hidden there and in the path's keys (a key may be a URL)."""
        if path is not None and any(isinstance(key, str) and ":/" in key for key in path):
            path = tuple(redact(key) if isinstance(key, str) else key for key in path)
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
            fix=fix,
            related=tuple(
                r._replace(file=r.file or file, message=_bounded(r.message)) for r in related
            ),
        )

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.end_line, self.end_column)

    def scrubbed(self, secrets: frozenset[str]) -> Diagnostic:
        """The diagnostic without any of `secrets` (the URLs' passwords in the files its
        run read) in its texts, also where it quotes a value cut or changed (`scrub`); a
        fix that would write one is applied by `--fix`, not printed (`Fix.printable`)."""
        fix = self.fix
        if fix is not None and any(scrub(e.text, secrets) != e.text for e in fix.edits):
            fix = fix._replace(secret=True)
        return self._replace(
            message=scrub(self.message, secrets),
            hint=None if self.hint is None else scrub(self.hint, secrets),
            path=None
            if self.path is None
            else tuple(scrub(k, secrets) if isinstance(k, str) else k for k in self.path),
            fix=fix,
            related=tuple(r._replace(message=scrub(r.message, secrets)) for r in self.related),
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
            "fix": None if self.fix is None or not self.fix.printable else self.fix.to_json(),
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
    """`text` as hydro shows it: credentials in URLs hidden (`redaction`), and what cannot
    be shown on one line escaped: controls as `\\n`, `\\t`, `\\x1b`, and each byte of a
    file name that is not UTF-8 as `\\xNN`."""
    text = redact(text)
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
    filename: str,
    document: int | None,
    span: Span,
    path: Any,
    finding: Finding,
    fix: Fix | None = None,
) -> Diagnostic:
    """A finding placed in a file (with its change made into edits there, if any)."""
    return Diagnostic.of(
        filename,
        document,
        span,
        path,
        finding.rule,
        finding.message,
        finding.hint,
        fix,
        finding.related,
    )


def file_diagnostic(filename: str, finding: Finding, fix: Fix | None = None) -> Diagnostic:
    """A finding about a whole file (it has no document or path)."""
    return diagnostic(filename, None, finding.span or Span(1, 1, 1, 2), None, finding, fix)
