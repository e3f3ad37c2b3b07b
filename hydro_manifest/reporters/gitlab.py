"""GitLab Code Quality: a JSON array of issues that merge requests show inline.

Each issue has `description`, `check_name`, `fingerprint`, `severity` and
`location.path` with `location.lines.begin`, the fields GitLab documents as required
(https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format). The
fingerprint is the baseline's (rule, file, path, text; no line number), so an issue keeps
its identity when lines move and GitLab shows only the new ones; findings with equal
fingerprints are told apart by their order.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any, TextIO

from ..baseline import fingerprints
from ..diagnostics import printable
from ..report import Report
from ..rules import Severity
from . import message_with_hint

#: GitLab's scale is info, minor, major, critical, blocker.
_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}


def write_gitlab(report: Report, stream: TextIO) -> None:
    issues: list[dict[str, Any]] = []
    seen: Counter[str] = Counter()
    for diagnostic, found in sorted(fingerprints(report), key=lambda f: f[0].sort_key):
        seen[found] += 1
        unique = found if seen[found] == 1 else _hash(f"{found}\0{seen[found]}")
        message = message_with_hint(diagnostic)
        issues.append(
            {
                "description": f"{diagnostic.rule} {message}",
                "check_name": diagnostic.rule,
                "fingerprint": unique,
                "severity": _SEVERITY[diagnostic.severity],
                "location": {
                    "path": printable(diagnostic.file),
                    "lines": {"begin": diagnostic.line},
                },
            }
        )
    json.dump(issues, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:20]
