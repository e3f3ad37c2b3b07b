"""The JSON report of ../shared/design/json-report.md: one object on standard output."""

from __future__ import annotations

import json
from typing import TextIO

from ..report import Report


def write_json(report: Report, stream: TextIO) -> None:
    json.dump(report.to_json(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
