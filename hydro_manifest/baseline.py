"""Baselines: the findings a repository already has, recorded so that only new ones count.

A finding is recorded by a fingerprint of its rule, its file (relative to the baseline
file's folder), its path in the document and the text it points at; line numbers are
left out, so a finding keeps its fingerprint when lines are added above it or elsewhere.
Equal fingerprints are counted: a baseline of two findings hides two, and a third is new.

The file is JSON, ordered by file, rule, path and fingerprint, so that its diffs review
well:

    {"version": 1, "tool": "hydro",
     "findings": [{"file": "models/a.yaml", "rule": "HY104", "path": ["contract", "x"],
                   "fingerprint": "3f2a…", "count": 1, "message": "unknown key 'x'…"}]}
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import STDIN, Diagnostic
from .redaction import redact
from .report import Report, read_lines

VERSION = 1


@dataclass
class Baseline:
    """Recorded findings: how many of each fingerprint, and what each one was."""

    folder: str
    counts: Counter[str] = field(default_factory=Counter)
    #: The file of each fingerprint (relative to `folder`).
    files: dict[str, str] = field(default_factory=dict)


class BaselineError(ValueError):
    """The baseline file cannot be read or is not one."""


def fingerprint(diagnostic: Diagnostic, lines: list[str], folder: str = ".") -> str:
    """The finding's identity across edits: rule, file, path and the text at its span."""
    shown = _shown(diagnostic, lines)
    parts = [diagnostic.rule, _relative(diagnostic.file, folder), _path(diagnostic), shown]
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:20]


def _shown(diagnostic: Diagnostic, lines: list[str]) -> str:
    """The text a finding points at (its first line, from its column), without spaces
    around it: what stays the same when the line moves or is re-indented. A password in
    it is hidden, so that the baseline does not depend on it (nor hold a hash of it)."""
    if not 0 < diagnostic.line <= len(lines):
        return ""
    line = lines[diagnostic.line - 1].rstrip("\r")
    end = diagnostic.end_column if diagnostic.end_line == diagnostic.line else len(line) + 1
    return redact(line[diagnostic.column - 1 : end - 1].strip())


def _path(diagnostic: Diagnostic) -> str:
    return json.dumps(None if diagnostic.path is None else list(diagnostic.path))


def _relative(file: str, folder: str) -> str:
    """A file as the baseline names it: relative to the baseline's folder, with `/`."""
    if file == STDIN:
        return file
    relative = os.path.relpath(os.path.abspath(file), os.path.abspath(folder))
    return relative.replace(os.sep, "/")


def fingerprints(report: Report, folder: str = ".") -> list[tuple[Diagnostic, str]]:
    """Each diagnostic of `report` with its fingerprint (files relative to `folder`)."""
    found = []
    for file in report.files:
        texts: dict[str, list[str]] = {file.file: file.lines()}
        for diagnostic in file.diagnostics:
            if diagnostic.file not in texts:  # a payload file: func_main.py, pip.conf
                texts[diagnostic.file] = read_lines(diagnostic.file)
            found.append((diagnostic, fingerprint(diagnostic, texts[diagnostic.file], folder)))
    return found


def record(report: Report, baseline_file: str) -> str:
    """The baseline of every finding of `report`, as the text of `baseline_file`."""
    folder = os.path.dirname(os.path.abspath(baseline_file))
    entries: dict[str, dict[str, Any]] = {}
    for diagnostic, print_ in fingerprints(report, folder):
        entry = entries.setdefault(
            print_,
            {
                "file": _relative(diagnostic.file, folder),
                "rule": diagnostic.rule,
                "path": None if diagnostic.path is None else list(diagnostic.path),
                "fingerprint": print_,
                "count": 0,
                "message": diagnostic.message,
            },
        )
        entry["count"] += 1
    findings = sorted(
        entries.values(),
        key=lambda e: (e["file"], e["rule"], json.dumps(e["path"]), e["fingerprint"]),
    )
    document = {"version": VERSION, "tool": "hydro", "findings": findings}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load(path: str) -> Baseline:
    """Read a baseline file; BaselineError says what is wrong with it."""
    try:
        with open(path, encoding="utf-8") as stream:
            document = json.load(stream)
    except OSError as error:
        raise BaselineError(f"cannot read the baseline {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise BaselineError(f"the baseline {path} is not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise BaselineError(f"{path} is not a hydro baseline (version {VERSION})")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f"{path} has no list of `findings`")
    baseline = Baseline(os.path.dirname(os.path.abspath(path)))
    for entry in findings:
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"{path}: every finding needs a `fingerprint`")
        count = entry.get("count", 1)
        baseline.counts[entry["fingerprint"]] += count if isinstance(count, int) else 1
        baseline.files[entry["fingerprint"]] = str(entry.get("file"))
    return baseline


def apply(report: Report, baseline: Baseline) -> None:
    """Take the recorded findings out of `report`, and count them: `report.baselined`
    (hidden) and `report.baseline_fixed` (recorded, no longer found)."""
    remaining = Counter(baseline.counts)
    hidden: set[int] = set()
    found = fingerprints(report, baseline.folder)
    for diagnostic, print_ in found:
        if remaining[print_] > 0:
            remaining[print_] -= 1
            hidden.add(id(diagnostic))
    for file in report.files:
        file.diagnostics = [d for d in file.diagnostics if id(d) not in hidden]
    report.baselined = len(hidden)
    # Fixed: recorded in a file this run checked (a manifest, or a payload file it read);
    # the baseline may cover more of the repository than was linted.
    checked = {_relative(f.file, baseline.folder) for f in report.files}
    checked.update(_relative(d.file, baseline.folder) for d, _ in found)
    gone = [p for p, n in remaining.items() if n and baseline.files.get(p) in checked]
    report.baseline_fixed = 0 if report.interrupted else sum(remaining[p] for p in gone)
