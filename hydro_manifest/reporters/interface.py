"""`hydro lint --explain-app NAME`: what an application's callers send and get back."""

from __future__ import annotations

from typing import TextIO

from ..diagnostics import printable
from ..project import Field, Interface, shape_text


def write_interface(found: Interface, stream: TextIO) -> None:
    stream.write(f"Application '{printable(found.application)}' ({printable(found.place.where)})\n")
    for title, fields in (("takes", found.inputs), ("returns", found.outputs)):
        stream.write(f"  {title}:\n")
        if fields is None:
            stream.write("    (unknown: the model of that stage is not among the linted files)\n")
            continue
        rows = [("field", "type", "shape", "profile"), *(_row(f) for f in fields)]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
            stream.write("    " + "  ".join(cells).rstrip() + "\n")
    if found.unresolved:
        unresolved = printable(", ".join(found.unresolved))
        stream.write(f"  models not among the linted files: {unresolved}\n")
    stream.write("\n")


def _row(field: Field) -> tuple[str, str, str, str]:
    return (
        printable(field.name),
        printable(field.type or "?"),
        shape_text(field.shape),
        printable(field.profile or "-"),
    )
