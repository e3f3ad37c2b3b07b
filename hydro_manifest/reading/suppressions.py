"""Comments that silence a rule: `# hydro: ignore[RULE] reason` and `# hydro: ignore-file[RULE]`.

The platform never sees YAML comments, so suppressions live there. A line comment at the
end of a line silences that line; on a line of its own, the next line that is not a
comment. `ignore-file` silences the rule in the whole file. Rules are named by id (HY401)
or name (model-reference), several separated by commas. A suppression that silences
nothing is reported (HY609), so that stale ones get cleaned up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from yaml.nodes import Node

from ..diagnostics import Diagnostic, Finding, Fix, Span, file_diagnostic
from ..fixes.changes import Edits
from ..fixes.edits import FileText
from ..rules import FixKind, all_rules, find_rule
from ..suggest import did_you_mean
from .loader import scalars
from .rules import UNUSED_SUPPRESSION

_DIRECTIVE = re.compile(r"(?:^|\s)#\s*hydro:\s*(?P<scope>ignore-file|ignore)\[(?P<rules>[^\]]*)\]")


@dataclass
class Suppression:
    rule: str  # as written
    rule_id: str | None  # None: no such rule
    lines: frozenset[int] | None  # None: the whole file
    span: Span
    #: Takes this rule out of the comment (the comment, when it is the only one named).
    fix: Fix | None = None
    used: bool = field(default=False)


def parse(
    source: str, documents: Iterable[Node] = (), placed: FileText | None = None
) -> list[Suppression]:
    """The suppressions of a file (read while its text is at hand). Only YAML comments
    count: a directive inside a text of the documents (a block scalar such as an
    `install-command: |`, a quoted value) is text and silences nothing. `placed` is the
    file's text, to make each suppression's removal a fix."""
    if "hydro:" not in source:
        return []
    texts = [
        (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
        for root in documents
        for _, node, _ in scalars(root)
        if "hydro:" in node.value
    ]
    return [
        s
        for s in _parse(source, placed)
        if not any(
            (start_line, start_column)
            <= (s.span.line - 1, s.span.column - 1)
            < (end_line, end_column)
            for start_line, start_column, end_line, end_column in texts
        )
    ]


def apply(
    file: str, suppressions: list[Suppression], diagnostics: list[Diagnostic]
) -> list[Diagnostic]:
    """The diagnostics that no comment silences, plus one for each unused suppression,
    with its removal as a fix."""
    if not suppressions:
        return diagnostics
    kept = []
    for diagnostic in diagnostics:
        silenced = False
        for suppression in suppressions:
            if suppression.rule_id == diagnostic.rule and (
                suppression.lines is None  # the file's findings, its payload files' included
                or (diagnostic.file == file and diagnostic.line in suppression.lines)
            ):
                suppression.used = silenced = True
        if not silenced:
            kept.append(diagnostic)
    for suppression in suppressions:
        if not suppression.used:
            kept.append(file_diagnostic(file, _unused(suppression), suppression.fix))
    return kept


def ignore_on_line(line: str, rule: str) -> tuple[int, str]:
    """Where to insert what, in `line`, to silence `rule` on it: the rule added to the
    line's `# hydro: ignore[...]`, or that comment added at the end of the line."""
    found = _DIRECTIVE.search(line)
    if found is not None and found.group("scope") == "ignore":
        return found.end("rules"), f", {rule}"
    return len(line.rstrip()), f"  # hydro: ignore[{rule}]"


def _unused(suppression: Suppression) -> Finding:
    if suppression.rule_id is None:
        return Finding(
            UNUSED_SUPPRESSION,
            f"`# hydro: ignore[{suppression.rule}]` names no rule",
            hint=did_you_mean(suppression.rule, all_rules()) or "see `hydro rules`",
            span=suppression.span,
        )
    where = "in this file" if suppression.lines is None else "on its line"
    return Finding(
        UNUSED_SUPPRESSION,
        f"`# hydro: ignore[{suppression.rule}]` suppresses nothing: {suppression.rule_id} "
        f"is not reported {where}",
        hint="remove the comment",
        span=suppression.span,
    )


def _parse(source: str, placed: FileText | None) -> list[Suppression]:
    lines = source.split("\n")
    found = []
    offset = 0
    for number, line in enumerate(lines, start=1):
        line_offset, offset = offset, offset + len(line) + 1
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        column = match.start() + (len(match.group(0)) - len(match.group(0).lstrip())) + 1
        span = Span(number, column, number, len(line) + 1)
        if match["scope"] == "ignore-file":
            targets: frozenset[int] | None = None
        elif line[: match.start()].strip():
            targets = frozenset({number})
        else:
            targets = frozenset({_next_content_line(lines, number)})
        names = [n.strip() for n in match["rules"].split(",") if n.strip()]
        for name in names:
            rule = find_rule(name)
            fix = None
            if placed is not None:
                removal = _removal(line, line_offset, match, names, name, len(source))
                fix = placed.fix(removal, UNUSED_SUPPRESSION.fix is FixKind.SAFE)
            found.append(Suppression(name, rule.id if rule else None, targets, span, fix))
    return found


def _removal(
    line: str, offset: int, match: re.Match[str], names: list[str], name: str, size: int
) -> Edits:
    """The edit that removes `name` from a directive: the name from its list, or the whole
    comment (and its line, when nothing else is on it)."""
    if len(names) > 1:
        rest = ", ".join(n for n in names if n != name)
        return Edits(((offset + match.start("rules"), offset + match.end("rules"), rest),))
    start = match.start() + len(match.group()) - len(match.group().lstrip())  # the `#`
    end = len(line) - 1 if line.endswith("\r") else len(line)
    if not line[:start].strip():  # a comment line of its own: the line goes
        return Edits(((offset, min(offset + len(line) + 1, size), ""),))
    start = len(line[:start].rstrip())
    return Edits(((offset + start, offset + end, ""),))


def _next_content_line(lines: list[str], number: int) -> int:
    """The first line after `number` (1-based) that is not blank or only a comment."""
    for index in range(number, len(lines)):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index + 1
    return number + 1
