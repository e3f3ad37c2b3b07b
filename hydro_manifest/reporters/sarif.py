"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; the driver lists every rule (id, name, short and full
description, help with the failing and passing examples, default level, layer); each
result has its level, message and a physical location with the whole region. File URIs
are relative to `%SRCROOT%`, the working directory, as code scanning expects.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from ..diagnostics import STDIN, Diagnostic, Span
from ..report import ISSUES_URL, Report
from ..rules import Rule, Severity, all_rules
from ..version import __version__
from . import message_with_hint

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_INFORMATION_URI = ISSUES_URL.removesuffix("/issues")


def write_sarif(report: Report, stream: TextIO) -> None:
    json.dump(sarif(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def sarif(report: Report) -> dict[str, Any]:
    root = Path.cwd()
    index = {rule_id: n for n, rule_id in enumerate(all_rules())}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hydro",
                        "version": __version__,
                        "informationUri": _INFORMATION_URI,
                        "rules": _rules(),
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri() + "/"}},
                "artifacts": [{"location": _location(f.file, root)} for f in report.files],
                "results": [_result(d, index, root) for d in report.diagnostics],
                "invocations": [_invocation(report)],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _invocation(report: Report) -> dict[str, Any]:
    """Whether the run checked everything: not when a signal stopped it."""
    invocation: dict[str, Any] = {"executionSuccessful": not report.interrupted}
    if report.interrupted:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "error",
                "message": {"text": "interrupted: the other files were not checked"},
            }
        ]
    return invocation


@cache
def _rules() -> list[dict[str, Any]]:
    return [_rule(rule) for rule in all_rules().values()]


def _rule(rule: Rule) -> dict[str, Any]:
    help_text = (
        f"{rule.explanation}\n\nFails:\n{_indent(rule.example(False))}\n\n"
        f"Passes:\n{_indent(rule.example(True))}"
    )
    return {
        "id": rule.id,
        "name": _pascal(rule.name),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": help_text, "markdown": _markdown_help(rule)},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"layer": rule.layer.value, "tags": [rule.layer.value]},
    }


def _markdown_help(rule: Rule) -> str:
    return (
        f"{rule.explanation}\n\nFails:\n\n```yaml\n{rule.example(False)}```\n\n"
        f"Passes:\n\n```yaml\n{rule.example(True)}```\n"
    )


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _location(file: str, root: Path) -> dict[str, Any]:
    if file == STDIN:
        return {"uri": "stdin"}
    path = Path(os.path.abspath(file))
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        return {"uri": "file://" + quote(os.fsencode(path.as_posix()))}
    # percent-encoded bytes: names that are not UTF-8 stay exact
    return {"uri": quote(os.fsencode(relative)), "uriBaseId": "%SRCROOT%"}


def _physical(file: str, span: Span, root: Path) -> dict[str, Any]:
    return {
        "artifactLocation": _location(file, root),
        "region": {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        },
    }


def _result(d: Diagnostic, index: dict[str, int], root: Path) -> dict[str, Any]:
    message = message_with_hint(d)
    result: dict[str, Any] = {
        "ruleId": d.rule,
        "ruleIndex": index[d.rule],
        "level": _LEVEL[d.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": _physical(d.file, d.span, root)}],
    }
    if d.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical(r.file or d.file, r.span, root),
                "message": {"text": r.message},
            }
            for number, r in enumerate(d.related)
        ]
    if d.path is not None:
        result["properties"] = {"path": list(d.path), "layer": d.layer.value}
    if d.fix is not None and d.fix.printable:
        result["fixes"] = [_fix(d, root)]
    return result


def _fix(d: Diagnostic, root: Path) -> dict[str, Any]:
    """The fix as SARIF's artifact changes: each edit a replacement of a region given
    both by lines and columns and by bytes (`byteOffset`, `byteLength`)."""
    assert d.fix is not None
    kind = "safe" if d.fix.safe else "unsafe: may change the meaning"
    return {
        "description": {"text": f"{d.hint or 'fix'} ({kind})"},
        "artifactChanges": [
            {
                "artifactLocation": _location(d.file, root),
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": edit.line,
                            "startColumn": edit.column,
                            "endLine": edit.end_line,
                            "endColumn": edit.end_column,
                            "byteOffset": edit.start,
                            "byteLength": edit.end - edit.start,
                        },
                        "insertedContent": {"text": edit.text},
                    }
                    for edit in d.fix.edits
                ],
            }
        ],
    }
