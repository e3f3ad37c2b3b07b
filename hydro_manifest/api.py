"""The library: validate and load manifests, returning results (never printing or exiting).

>>> report = validate_text("kind: Application\\nname: app\\nsingular:\\n  model: m:1\\n")
>>> report.ok
True
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any, TypeAlias

from . import __version__
from . import registry as R
from .diagnostics import Diagnostic, Finding, Severity, Span
from .loader import decode, load, strip_bom
from .validator import place, validate_document

if TYPE_CHECKING:
    from .models import Application, DeploymentConfiguration, Model

    Resource: TypeAlias = Model | Application | DeploymentConfiguration

STDIN = "-"
ISSUES_URL = "https://github.com/hydro-manifest/hydro/issues"


@dataclass(frozen=True)
class DocumentInfo:
    """One document of a file: where it starts, what it is, and its typed model if valid."""

    index: int
    kind: str | None
    name: str | None
    line: int
    resource: Resource | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "kind": self.kind, "name": self.name, "line": self.line}


@dataclass
class FileReport:
    """The documents and diagnostics of one file (`source` keeps its text for display)."""

    file: str
    documents: list[DocumentInfo]
    diagnostics: list[Diagnostic]
    source: str = field(default="", repr=False)


@dataclass
class Report:
    """The result of validating one or more files."""

    files: list[FileReport]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """All diagnostics, sorted by file, line and column."""
        return sorted((d for f in self.files for d in f.diagnostics), key=lambda d: d.sort_key)

    def count(self, severity: Severity) -> int:
        return sum(d.severity is severity for f in self.files for d in f.diagnostics)

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        return self.count(Severity.ERROR) == 0

    @property
    def documents(self) -> list[DocumentInfo]:
        return [d for f in self.files for d in f.documents]

    @property
    def resources(self) -> list[Resource]:
        """The typed models of the documents that are structurally valid."""
        return [d.resource for d in self.documents if d.resource is not None]

    def failed(self, threshold: Severity = Severity.ERROR) -> bool:
        """Whether any diagnostic is at or above `threshold`."""
        return any(d.severity.rank >= threshold.rank for f in self.files for d in f.diagnostics)

    @property
    def internal_error(self) -> bool:
        return any(d.rule == R.INTERNAL_ERROR.id for f in self.files for d in f.diagnostics)

    def exit_code(self, threshold: Severity = Severity.ERROR) -> int:
        """0 clean, 1 findings at or above `threshold`, 3 a bug in hydro (severity policy)."""
        if self.internal_error:
            return 3
        return 1 if self.failed(threshold) else 0

    def summary(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "documents": len(self.documents),
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "notes": self.count(Severity.NOTE),
        }

    def to_json(self) -> dict[str, Any]:
        """The report of ../shared/design/json-report.md."""
        return {
            "version": 1,
            "tool": {"name": "hydro", "version": __version__},
            "summary": self.summary(),
            "files": [
                {"file": f.file, "documents": [d.to_json() for d in f.documents]}
                for f in self.files
            ],
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


class ManifestError(Exception):
    """Raised by the `load_*` functions when a manifest has errors; carries the report."""

    def __init__(self, report: Report):
        self.report = report
        errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
        lines = [f"{d.file}:{d.line}:{d.column}: {d.rule} {d.message}" for d in errors]
        super().__init__(f"{len(errors)} error(s) in manifest:\n" + "\n".join(lines))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.report.diagnostics


# ------------------------------------------------------------------ validating


def validate_text(text: str | bytes, filename: str = STDIN) -> Report:
    """Validate manifest text (all its documents); `filename` names it in diagnostics."""
    return Report([_check_text(text, filename)])


def validate_file(path: str | os.PathLike[str]) -> Report:
    """Validate one manifest file. Raises FileNotFoundError if it does not exist."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    return Report([_check_path(path)])


def validate_paths(paths: Sequence[str], *, stdin_filename: str | None = None) -> Report:
    """Validate several files in order; `-` reads standard input (named `stdin_filename`)."""
    reports = []
    for path in paths:
        if path == STDIN:
            reports.append(_check_text(sys.stdin.buffer.read(), stdin_filename or STDIN))
        else:
            reports.append(_check_path(path))
    return Report(reports)


def missing_paths(paths: Iterable[str]) -> list[str]:
    """The paths that do not exist (a usage error for the CLI, not a finding)."""
    return [p for p in paths if p != STDIN and not os.path.lexists(p)]


def load_text(text: str | bytes, filename: str = STDIN) -> list[Resource]:
    """The typed models of every document in `text`; ManifestError if any has an error."""
    return _resources(validate_text(text, filename))


def load_file(path: str | os.PathLike[str]) -> list[Resource]:
    """The typed models of every document in a file; ManifestError if any has an error."""
    return _resources(validate_file(path))


def _resources(report: Report) -> list[Resource]:
    if not report.ok or any(d.resource is None for d in report.documents):
        raise ManifestError(report)
    return report.resources


# ------------------------------------------------------------------ one file


def _check_path(path: str) -> FileReport:
    try:
        data = FilePath(path).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        finding = Finding(R.READ_ERROR, f"cannot read the file: {reason}", span=Span(1, 1, 1, 2))
        return FileReport(path, [], [_file_diagnostic(path, finding)])
    return _check_text(data, path)


def _check_text(text: str | bytes, filename: str) -> FileReport:
    if isinstance(text, bytes):
        text, findings = decode(text)
    else:
        text, findings = strip_bom(text)
    try:
        return _check_decoded(text, filename, findings)
    except Exception as error:  # a bug in hydro: report it, keep going with other files
        findings.append(_internal_error(error, Span(1, 1, 1, 2)))
        diagnostics = [_file_diagnostic(filename, f) for f in findings]
        return FileReport(filename, [], diagnostics, text)


def _check_decoded(text: str, filename: str, findings: list[Finding]) -> FileReport:
    source = load(text)
    diagnostics = [_file_diagnostic(filename, f) for f in [*findings, *source.findings]]
    documents = []
    for document in source.documents:
        try:
            outcome = validate_document(document)
        except Exception as error:  # a bug in hydro: report it, keep going with the others
            line = document.line
            diagnostics.append(
                _file_diagnostic(filename, _internal_error(error, Span(line, 1, line, 2)))
            )
            documents.append(DocumentInfo(document.index, None, None, document.line))
            continue
        for finding in outcome.findings:
            span, path = place(document, outcome, finding)
            diagnostics.append(_diagnostic(filename, document.index, span, path, finding))
        documents.append(
            DocumentInfo(
                document.index,
                outcome.kind,
                outcome.name,
                document.line,
                outcome.resource,  # type: ignore[arg-type]  # one of the three kinds
            )
        )
    diagnostics.sort(key=lambda d: d.sort_key)
    return FileReport(filename, documents, diagnostics, text)


def _internal_error(error: Exception, span: Span) -> Finding:
    return Finding(
        R.INTERNAL_ERROR,
        f"hydro failed on this document ({type(error).__name__}: {error}); this is a bug",
        hint=f"please report it at {ISSUES_URL} with the file",
        span=span,
    )


def _diagnostic(
    filename: str, document: int | None, span: Span, path: Any, finding: Finding
) -> Diagnostic:
    rule = finding.rule
    return Diagnostic(
        file=filename,
        document=document,
        line=span.line,
        column=span.column,
        end_line=span.end_line,
        end_column=span.end_column,
        path=path,
        rule=rule.id,
        layer=rule.layer,
        severity=rule.severity,
        message=finding.message,
        hint=finding.hint,
    )


def _file_diagnostic(filename: str, finding: Finding) -> Diagnostic:
    span = finding.span or Span(1, 1, 1, 2)
    return _diagnostic(filename, None, span, None, finding)
