"""`--statistics`: how many findings each rule has, instead of each finding (as ruff's).

Text: `count  id  name` per rule, most frequent first, with `[*]` where some of them can
be fixed. JSON: a list of `{"rule", "name", "count", "fixable"}`, where `fixable` counts
the findings that carry a fix.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, TextIO

from ..report import Report
from ..rules import all_rules


def statistics(report: Report) -> list[dict[str, Any]]:
    """One entry per rule found, most findings first, then by id."""
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    for file in report.files:
        for diagnostic in file.diagnostics:
            counts[diagnostic.rule] += 1
            fixable[diagnostic.rule] += diagnostic.fix is not None
    rules = all_rules()
    ordered = sorted(counts, key=lambda rule: (-counts[rule], rule))
    return [
        {"rule": rule, "name": rules[rule].name, "count": counts[rule], "fixable": fixable[rule]}
        for rule in ordered
    ]


def write_statistics_text(report: Report, stream: TextIO) -> None:
    rows = statistics(report)
    width = max((len(str(row["count"])) for row in rows), default=1)
    for row in rows:
        marker = "[*] " if row["fixable"] else "    "
        stream.write(f"{row['count']:>{width}}  {row['rule']}  {marker}{row['name']}\n")


def write_statistics_json(report: Report, stream: TextIO) -> None:
    json.dump(statistics(report), stream, indent=2)
    stream.write("\n")
