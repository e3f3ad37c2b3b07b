"""`hydro resolve`: what each payload entry and training data resolves to, and the
container each Model's payload fills.

A table per manifest on a terminal, aligned plain lines elsewhere, or JSON; the findings
about the references follow, as `hydro validate` prints them.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..diagnostics import printable, undecodable_escaped
from ..kinds.model.container.layout import Fate, Layout
from ..kinds.model.files import Reference
from ..report import Report
from ..rules import Severity
from ..version import __version__
from .plain import format_line

#: The findings about references: HY216 ... HY223, and paths outside the root (HY019).
_REFERENCE_RULES = frozenset({*(f"HY{n}" for n in range(216, 224)), "HY019"})
_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def _size(size: int | None) -> str:
    if size is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]  # int becomes float on purpose
    return "-"


def _exists(reference: Reference) -> str:
    if reference.outside:
        return "outside the repository, not read"
    return {True: "yes", False: "no", None: "not checked"}[reference.exists]


def _row(reference: Reference) -> list[str]:
    columns = ", ".join(reference.columns) if reference.columns is not None else ""
    return [
        reference.role,
        printable(reference.entry),
        printable(reference.location),
        _exists(reference),
        reference.type or "-",
        _size(reference.size),
        columns,
    ]


_HEADERS = ["role", "entry", "resolves to", "exists", "kind", "size", "columns"]
_LAYOUT_HEADERS = ["in the container", "entry", "from", "fate"]


def _layout_title(layout: Layout) -> str:
    model = f"Model '{printable(layout.model)}'" if layout.model else "the Model"
    return f"container of {model} (document {layout.document + 1})" + _image_line(layout)


def _image_line(layout: Layout) -> str:
    """The runtime image's facts, on a line of their own (`hydro runtimes` has sources)."""
    image = layout.image
    if image is None:
        return ""
    sudo = {True: "sudo", False: "no sudo"}.get(image["sudo"], f"sudo {image['sudo']}")  # type: ignore[call-overload]
    pip = f"pip {image['pip']} in {image['venv'] or 'the system site'}"
    tools = ", ".join(image["tools"]) or "no curl/wget"  # type: ignore[arg-type]
    built = "" if image["built"] else " (not built by the source: HY822)"
    return (
        f"\n    in {image['runtime']}{built}: Python {image['python']}, builds as "
        f"{image['user']}, {sudo}, apt lists {image['apt_lists']}, {tools}, {pip}, "
        f"starts in {image['start_folder']}"
    )


def _layout_rows(layout: Layout) -> list[list[str]]:
    rows = [
        [printable(p.path) or "-", printable(p.entry), printable(p.source), p.fate.value]
        for p in layout.files
    ]
    if layout.truncated:
        rows.append(["…", "", "", f"only the first {len(layout.files)} files are shown"])
    return rows


def _aligned(rows: list[list[str]], headers: list[str], indent: str) -> str:
    widths = [max(len(row[i]) for row in [*rows, headers]) for i in range(len(headers))]
    return "".join(
        indent + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in [headers, *rows]
    )


def _summary(report: Report) -> str:
    found = report.references
    missing = sum(r.exists is False for r in found)
    unchecked = sum(r.exists is None and not r.outside for r in found)
    outside = sum(r.outside for r in found)
    return (
        f"{len(report.files)} file{'s' * (len(report.files) != 1)}, "
        f"{len(found)} reference{'s' * (len(found) != 1)}: {missing} missing, "
        f"{unchecked} not checked, "
        + (f"{outside} outside the repository, " if outside else "")
        + f"{len(problems(report))} findings"
    )


def problems(report: Report) -> list[Any]:
    """The findings about what the manifests point at (as the configuration leaves them)."""
    return [d for d in report.diagnostics if d.rule in _REFERENCE_RULES]


def write_plain(report: Report, stream: TextIO) -> None:
    for file in report.files:
        stream.write(f"{printable(file.file)}\n")
        rows = [_row(r) for r in file.references]
        if not rows:
            stream.write("  (no payload or training data)\n")
        else:
            stream.write(_aligned(rows, _HEADERS, "  "))
        for layout in file.layouts:
            stream.write(f"  {_layout_title(layout)}\n")
            if layout.files:
                stream.write(_aligned(_layout_rows(layout), _LAYOUT_HEADERS, "    "))
            else:
                stream.write("    (empty: the payload ships no file)\n")
    for diagnostic in problems(report):
        stream.write(format_line(diagnostic) + "\n")
    stream.write(_summary(report) + "\n")


def write_rich(report: Report, stream: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=stream, highlight=False)
    for file in report.files:
        table = Table(title=printable(file.file), title_justify="left", title_style="bold")
        for header in _HEADERS:
            table.add_column(header, overflow="fold")
        for reference in file.references:
            table.add_row(*_row(reference), style=_row_style(reference))
        console.print(table)
        for layout in file.layouts:
            tree = Table(title=_layout_title(layout), title_justify="left")
            for header in _LAYOUT_HEADERS:
                tree.add_column(header, overflow="fold")
            for placed, row in zip(layout.files, _layout_rows(layout), strict=False):
                tree.add_row(*row, style=_FATE_STYLE.get(placed.fate))
            console.print(tree)
    for diagnostic in problems(report):
        console.print(format_line(diagnostic), style=_STYLE[diagnostic.severity])
    console.print(_summary(report))


_FATE_STYLE = {
    Fate.MISSING: _STYLE[Severity.ERROR],
    Fate.DROPPED: _STYLE[Severity.WARNING],
    Fate.OUTSIDE: _STYLE[Severity.WARNING],
}


def _row_style(reference: Reference) -> str | None:
    if reference.exists is False:
        return _STYLE[Severity.ERROR]
    worst = max((f.rule.severity for f in reference.findings), key=lambda s: s.rank, default=None)
    return _STYLE[worst] if worst else None


def write_json(report: Report, stream: TextIO) -> None:
    data = {
        # 2: "containers", each Model's container layout; 3: references' "outside_root"
        "version": 3,
        "tool": {"name": "hydro", "version": __version__},
        "files": [
            {
                "file": undecodable_escaped(f.file),
                "references": [r.to_json() for r in f.references],
                "containers": [layout.to_json() for layout in f.layouts],
            }
            for f in report.files
        ],
        "diagnostics": [d.to_json() for d in problems(report)],
    }
    json.dump(data, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
