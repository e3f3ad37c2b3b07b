"""What validating and linting give back: per file, per document, and for the whole run."""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeAlias

from .diagnostics import Diagnostic, undecodable_escaped
from .pickling import by_fields
from .redaction import redact
from .rules import INTERNAL_ERROR, Severity
from .version import __version__

if TYPE_CHECKING:
    from .kinds import Application, DeploymentConfiguration, Model
    from .kinds.model.container.layout import Layout
    from .kinds.model.files import Reference
    from .project import Summary
    from .reading.suppressions import Suppression

    Resource: TypeAlias = Model | Application | DeploymentConfiguration


ISSUES_URL = "https://github.com/hydro-manifest/hydro/issues"


class ExitCode(IntEnum):
    """What a run of `hydro` exits with (../shared/design/severity-policy.md); a signal that
    stops a run adds its number to SIGNALLED, as shells do (130 Ctrl-C, 143 SIGTERM)."""

    CLEAN = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3
    SIGNALLED = 128


#: Raised when the JSON report changes, which keeps every field of earlier versions.
#: 2: `summary.skipped`, `interrupted`, layers `build` and `runtime`, names escaped.
#: 3: each diagnostic's `fix`; `summary.fixable`, `summary.baselined`,
#: `summary.baseline_fixed`.
JSON_REPORT_VERSION = 3


@by_fields()
@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """One document of a file: where it starts, what it is, and its typed model if valid."""

    index: int
    kind: str | None
    name: str | None
    line: int
    resource: Resource | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        shown = {"kind": self.kind, "name": self.name}
        shown = {key: redact(v) if isinstance(v, str) else v for key, v in shown.items()}
        return {"index": self.index, **shown, "line": self.line}


@by_fields()
@dataclass(slots=True)
class FileReport:
    """The documents and diagnostics of one file (`source` keeps its text for display)."""

    file: str
    documents: list[DocumentInfo]
    diagnostics: list[Diagnostic]
    source: str = field(default="", repr=False)
    references: list[Reference] = field(default_factory=list)
    #: Each Model's container as its payload fills it (when Options.layout asks).
    layouts: list[Layout] = field(default_factory=list)
    #: The file's `# hydro: ignore[...]` comments, applied once all checks have run.
    suppressions: list[Suppression] = field(default_factory=list, repr=False)

    def lines(self) -> list[str]:
        """The file's lines, to show where findings are (re-read if the text was let go)."""
        if not self.source:
            lines = read_lines(self.file)
            self.source = "\n".join(lines)
            return lines
        return self.source.split("\n")


def read_lines(path: str) -> list[str]:
    """The lines of a file a finding is in (a manifest, or a payload file such as
    func_main.py), as reports show them; [] when it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            return stream.read().lstrip("\ufeff").split("\n")
    except OSError:
        return []


@dataclass
class Report:
    """The result of validating or linting one or more files.

    `skipped` names the YAML files `hydro lint` found that hold no Hydrosphere manifest.
    """

    files: list[FileReport]
    skipped: list[str] = field(default_factory=list)
    #: Ctrl-C or SIGTERM stopped the run: `files` are those checked until then.
    interrupted: bool = False
    #: The signal that stopped it (SIGINT or SIGTERM), when one did.
    signal: int | None = None
    #: What `hydro lint` kept of each manifest for the checks across documents.
    summaries: list[Summary] = field(default_factory=list, repr=False)
    #: With a baseline (`hydro_manifest.baseline`): the recorded findings left out of
    #: `files`, and the recorded ones of the checked files that are no longer found.
    baselined: int = 0
    baseline_fixed: int = 0

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
        return any(d.rule == INTERNAL_ERROR.id for f in self.files for d in f.diagnostics)

    def exit_code(self, threshold: Severity = Severity.ERROR) -> int:
        """See ExitCode."""
        if self.interrupted:
            return ExitCode.SIGNALLED + (self.signal or signal.SIGINT)
        if self.internal_error:
            return ExitCode.INTERNAL
        return ExitCode.FINDINGS if self.failed(threshold) else ExitCode.CLEAN

    def summary(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "documents": len(self.documents),
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "notes": self.count(Severity.NOTE),
            "skipped": len(self.skipped),
            "fixable": sum(d.fix is not None for f in self.files for d in f.diagnostics),
            "baselined": self.baselined,
            "baseline_fixed": self.baseline_fixed,
        }

    def to_json(self) -> dict[str, Any]:
        """The report of ../shared/design/json-report.md."""
        return {
            "version": JSON_REPORT_VERSION,
            "tool": {"name": "hydro", "version": __version__},
            "summary": self.summary(),
            "interrupted": self.interrupted,
            "files": [
                {
                    "file": undecodable_escaped(f.file),
                    "documents": [d.to_json() for d in f.documents],
                }
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
