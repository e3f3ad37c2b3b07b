"""A Markdown summary of a run, for a CI job's page (GitHub Actions' step summary) or a pull
request comment: the totals, the findings per rule, the files with errors linked to their
lines, and the diagram of each Application whose pipeline has a problem.

GitHub caps a step's summary at 1 MiB: past `limit` characters the summary stops at the
last whole line that fits and says how much was left out.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from ..diagnostics import Diagnostic
from ..project.graph import graphs
from ..redaction import redact
from ..report import Report
from ..rules import Severity
from .mermaid import mermaid
from .statistics import statistics

#: GitHub's limit for one step's summary is 1 MiB; a little is kept for what follows.
LIMIT = 1_000_000


def summary_markdown(report: Report, command: str, limit: int = LIMIT) -> str:
    """The summary of `hydro COMMAND`'s report, at most `limit` characters."""
    counts = report.summary()
    parts = [
        f"### hydro {command}\n\n",
        f"{_verdict(counts)} in {_many(counts['files'], 'file')} "
        f"({_many(counts['documents'], 'document')})"
        + (f"; {counts['fixable']} fixable with `--fix`" if counts["fixable"] else "")
        + ".\n",
    ]
    rows = statistics(report)
    if rows:
        parts.append("\n| rule | name | findings | fixable |\n|---|---|---:|---:|\n")
        parts += [
            f"| {row['rule']} | {row['name']} | {row['count']} | {row['fixable']} |\n"
            for row in rows
        ]
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    if errors:
        parts.append("\n**Errors**\n\n")
        parts += [f"- {_link(d)}: {_escaped(d.message)} ({d.rule})\n" for d in errors]
    broken = [
        g
        for g in graphs(report.summaries, report.diagnostics)
        if any(e.broken for e in g.edges) or any(n.problems for s in g.stages for n in s)
    ]
    for graph in broken:
        parts.append(f"\n**{_escaped(graph.title)}**\n\n```mermaid\n{mermaid([graph])}```\n")
    return _bounded(parts, limit)


def _many(count: int, what: str) -> str:
    return f"{count} {what}" + ("" if count == 1 else "s")


def _verdict(counts: dict[str, int]) -> str:
    if not (counts["errors"] or counts["warnings"] or counts["notes"]):
        return "No findings"
    return (
        f"**{_many(counts['errors'], 'error')}**, {_many(counts['warnings'], 'warning')}, "
        f"{_many(counts['notes'], 'note')}"
    )


def _link(found: Diagnostic) -> str:
    """`file:line`, linked to the line on GitHub when the run is a GitHub Actions job."""
    where = _code(f"{found.file}:{found.line}")
    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    commit = os.environ.get("GITHUB_SHA")
    if not (server and repository and commit) or os.path.isabs(found.file):
        return where
    path = quote(os.path.normpath(found.file).replace(os.sep, "/"))
    return f"[{where}]({server}/{repository}/blob/{commit}/{path}#L{found.line})"


def _code(text: str) -> str:
    """A code span of one line (a backtick inside would end it)."""
    return "`" + " ".join(text.replace("`", "'").split()) + "`"


def _escaped(text: str) -> str:
    """Text that Markdown shows as written, on one line, without breaking a table, and
    without a URL's password."""
    text = redact(text)
    for special in "\\`*_[]<>|#&":  # `&` too: `&lt;` would be read as an entity
        text = text.replace(special, "\\" + special)
    return " ".join(text.split())


def _bounded(parts: list[str], limit: int) -> str:
    kept: list[str] = []
    size = 0
    for number, part in enumerate(parts):
        if size + len(part) > limit - 200:  # room for the note below
            left = len(parts) - number
            kept.append(
                f"\n_The summary stops here: {left} more lines or diagrams were left out "
                f"(a summary is limited to {limit:,} characters)._\n"
            )
            break
        kept.append(part)
        size += len(part)
    return "".join(kept)
