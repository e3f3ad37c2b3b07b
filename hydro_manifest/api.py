"""The library: validate and load manifests, returning results (never printing or exiting).

>>> report = validate_text("kind: Application\\nname: app\\nsingular:\\n  model: m:1\\n")
>>> report.ok
True
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any, TypeAlias

from . import __version__
from . import registry as R
from .diagnostics import Diagnostic, Finding, Severity, Span
from .loader import SourceDocument, decode, load, strip_bom
from .references import Reference, check_csv, references, resolve_local
from .validator import DocumentOutcome, place, validate_document

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
    references: list[Reference] = field(default_factory=list)

    def add(
        self, document: SourceDocument, outcome: DocumentOutcome, findings: Iterable[Finding]
    ) -> None:
        """Findings of one document, placed in the file."""
        for finding in findings:
            span, path = place(document, outcome, finding)
            self.diagnostics.append(_diagnostic(self.file, document.index, span, path, finding))


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
    def references(self) -> list[Reference]:
        """What the Models point at, as resolved (empty with file checks off)."""
        return [r for f in self.files for r in f.references]

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


@dataclass(frozen=True)
class Options:
    """What is checked besides the manifest's own text.

    `file_checks`: payload entries and local training data, relative to the manifest's
    folder. `remote`: `s3://` training data, asked of S3 (or `s3_endpoint_url`).
    """

    file_checks: bool = True
    remote: bool = False
    s3_endpoint_url: str | None = None


def validate_text(
    text: str | bytes,
    filename: str = STDIN,
    *,
    options: Options | None = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> Report:
    """Validate manifest text (all its documents); `filename` names it in diagnostics.

    Files it points at are resolved from `base_dir`: by default the folder of `filename`,
    or the working directory for standard input.
    """
    options = options or Options()
    return _run([(filename, lambda: text, _base(filename, base_dir))], options)


def validate_file(path: str | os.PathLike[str], *, options: Options | None = None) -> Report:
    """Validate one manifest file. Raises FileNotFoundError if it does not exist."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    return validate_paths([path], options=options)


def validate_paths(
    paths: Sequence[str], *, stdin_filename: str | None = None, options: Options | None = None
) -> Report:
    """Validate several files in order; `-` reads standard input (named `stdin_filename`)."""
    inputs: list[_Input] = []
    for path in paths:
        if path == STDIN:
            name = stdin_filename or STDIN
            inputs.append((name, sys.stdin.buffer.read, _base(name, None)))
        else:
            inputs.append((path, _reader(path), _base(path, None)))
    return _run(inputs, options or Options())


def resolve_file(
    path: str | os.PathLike[str], *, remote: bool = False, s3_endpoint_url: str | None = None
) -> list[Reference]:
    """What a manifest's payload entries and training data resolve to.

    Each reference says where it points, whether it exists, its kind and size, the CSV
    columns of training data, and its findings. `remote` asks S3 about `s3://` data.
    """
    options = Options(file_checks=True, remote=remote, s3_endpoint_url=s3_endpoint_url)
    return validate_file(path, options=options).references


def missing_paths(paths: Iterable[str]) -> list[str]:
    """The paths that do not exist (a usage error for the CLI, not a finding)."""
    return [p for p in paths if p != STDIN and not os.path.lexists(p)]


def load_text(text: str | bytes, filename: str = STDIN, **kwargs: Any) -> list[Resource]:
    """The typed models of every document in `text`; ManifestError if any has an error."""
    return _resources(validate_text(text, filename, **kwargs))


def load_file(path: str | os.PathLike[str], *, options: Options | None = None) -> list[Resource]:
    """The typed models of every document in a file; ManifestError if any has an error."""
    return _resources(validate_file(path, options=options))


def _resources(report: Report) -> list[Resource]:
    if not report.ok or any(d.resource is None for d in report.documents):
        raise ManifestError(report)
    return report.resources


# ------------------------------------------------------------------ files

#: A name for the report, how to read the bytes, and the folder references resolve from.
_Input = tuple[str, Callable[[], "str | bytes"], FilePath]


def _base(filename: str, base_dir: str | os.PathLike[str] | None) -> FilePath:
    if base_dir is not None:
        return FilePath(base_dir).absolute()
    if filename == STDIN:
        return FilePath.cwd()
    return FilePath(filename).absolute().parent


def _reader(path: str) -> Callable[[], bytes]:
    return lambda: FilePath(path).read_bytes()


@dataclass
class _Remote:
    """An `s3://` reference waiting for S3's answer, with what is needed to place it."""

    report: FileReport
    document: SourceDocument
    outcome: DocumentOutcome
    reference: Reference


def _run(inputs: list[_Input], options: Options) -> Report:
    remote: list[_Remote] = []
    reports = []
    for filename, read, base in inputs:
        try:
            data = read()
        except OSError as error:
            reason = error.strerror or str(error)
            finding = Finding(
                R.READ_ERROR, f"cannot read the file: {reason}", span=Span(1, 1, 1, 2)
            )
            reports.append(FileReport(filename, [], [_file_diagnostic(filename, finding)]))
            continue
        reports.append(_check_text(data, filename, base if options.file_checks else None, remote))
    if remote and options.remote:
        _ask_s3(remote, options.s3_endpoint_url)
    for report in reports:
        report.diagnostics.sort(key=lambda d: d.sort_key)
    return Report(reports)


def _check_text(
    text: str | bytes, filename: str, base: FilePath | None, remote: list[_Remote]
) -> FileReport:
    if isinstance(text, bytes):
        text, findings = decode(text)
    else:
        text, findings = strip_bom(text)
    try:
        return _check_decoded(text, filename, findings, base, remote)
    except Exception as error:  # a bug in hydro: report it, keep going with other files
        findings.append(_internal_error(error, Span(1, 1, 1, 2)))
        diagnostics = [_file_diagnostic(filename, f) for f in findings]
        return FileReport(filename, [], diagnostics, text)


def _check_decoded(
    text: str,
    filename: str,
    findings: list[Finding],
    base: FilePath | None,
    remote: list[_Remote],
) -> FileReport:
    source = load(text)
    diagnostics = [_file_diagnostic(filename, f) for f in [*findings, *source.findings]]
    report = FileReport(filename, [], diagnostics, text)
    for document in source.documents:
        try:
            outcome = validate_document(document)
            found = _references(document, outcome, base)
        except Exception as error:  # a bug in hydro: report it, keep going with the others
            line = document.line
            diagnostics.append(
                _file_diagnostic(filename, _internal_error(error, Span(line, 1, line, 2)))
            )
            report.documents.append(DocumentInfo(document.index, None, None, document.line))
            continue
        report.add(document, outcome, outcome.findings)
        for reference in found:
            report.references.append(reference)
            report.add(document, outcome, reference.findings)
            if reference.remote:
                remote.append(_Remote(report, document, outcome, reference))
        report.documents.append(
            DocumentInfo(
                document.index,
                outcome.kind,
                outcome.name,
                document.line,
                outcome.resource,  # type: ignore[arg-type]  # one of the three kinds
            )
        )
    return report


def _references(
    document: SourceDocument, outcome: DocumentOutcome, base: FilePath | None
) -> list[Reference]:
    if base is None or not isinstance(document.value, dict):
        return []
    found = references(document.value, base)
    resolve_local(document.value, found)
    for reference in found:
        reference.document = document.index
    return found


def _ask_s3(waiting: list[_Remote], endpoint_url: str | None) -> None:
    from .s3 import ask

    answers = ask([w.reference.location for w in waiting], endpoint_url)
    for item in waiting:
        reference, answer = item.reference, answers[item.reference.location]
        reference.exists, reference.size = answer.exists, answer.size
        reference.type = "object" if answer.exists else None
        if answer.rule is not None and answer.message is not None:
            reference.findings.append(
                Finding(answer.rule, answer.message, reference.path, answer.hint)
            )
        elif answer.head is not None:
            check_csv(item.document.value, reference, answer.head)
        item.report.add(item.document, item.outcome, reference.findings)


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
