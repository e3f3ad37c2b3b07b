"""The records every part of hydro speaks in: severities, layers, findings, diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .registry import Rule

PathElement = str | int
Path = tuple[PathElement, ...]


class Severity(str, Enum):
    """How much a finding matters; see ../shared/design/severity-policy.md."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        """Higher is more severe, so `rank >= threshold.rank` means "fails the run"."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Layer(str, Enum):
    """The most lenient part of the chain that still rejects a problem."""

    YAML = "yaml"
    DOCS = "docs"
    HS_CLI = "hs-cli"
    MANAGER = "manager"
    KUBERNETES = "kubernetes"
    LINT = "lint"


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

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.rule)

    def to_json(self) -> dict[str, Any]:
        """The diagnostic object of ../shared/design/json-report.md."""
        return {
            "file": self.file,
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
