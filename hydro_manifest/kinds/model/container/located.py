"""Findings in the files an install command hands pip, placed where they are: the line of
a requirements file or pip.conf, a word of the install command."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ....diagnostics import Finding, Span
from ....reading.rules import FILE_TOO_LARGE, OUTSIDE_ROOT, READ_ERROR
from ....root import NAME_MAX, Probe, too_long
from .index import index_problem
from .layout import FILES, Container
from .rules import (
    INSTALL_FILE_MISSING,
)

#: Files read for these checks stop here: requirements and configuration are kilobytes.
READ_LIMIT = 1024 * 1024


def add_hint(container: Container, path: str, otherwise: str = "remove the line") -> str:
    """What to do about a file the container lacks: it may be beside the manifest already."""
    if container.beside_manifest(path) is not None:
        relative = path[len(FILES) + 1 :]
        return f"add `{relative}` to `payload`: it is beside the manifest, not in the container"
    return f"ship it with a payload entry, or {otherwise}"


def at_line(
    rule: Any,
    file: str,
    where: int | tuple[int, int],
    message: str,
    hint: str | None = None,
    width: int = 1,
) -> Finding:
    """A finding in a payload file, at a line (its first character) or a line and column."""
    return Finding(rule, message, hint=hint, span=span_at(where, width), file=file)


def span_at(where: int | tuple[int, int], width: int = 1) -> Span:
    line, column = where if isinstance(where, tuple) else (where, 1)
    return Span(line, column, line, column + width)


def unread(found: Probe, name: str, what: str) -> Finding:
    """A payload file that was found but is not read: too large, or unreadable."""
    if found.size is not None:
        return at_line(
            FILE_TOO_LARGE,
            name,
            1,
            f"this {what} is {found.size / 1024 / 1024:.1f} MiB; hydro reads such files up to "
            f"{READ_LIMIT // 1024 // 1024} MiB, so it is not checked",
            "is it generated? a file this large is not what pip is meant to read",
        )
    return at_line(
        READ_ERROR, name, 1, f"this {what} cannot be read ({found.reason or found.kind.value})"
    )


def line_start(lines: list[str], line: int) -> tuple[int, int]:
    """A line and the column of its first character that is not blank."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return line, len(text) - len(text.lstrip()) + 1


def missing_file(container: Container, path: str, word: str, what: str, span: Span) -> Finding:
    if too_long(path):
        return Finding(
            INSTALL_FILE_MISSING,
            f"the install command needs {what} `{shortened(word)}`, whose path "
            f"({shortened(path)}) has a name longer than {NAME_MAX} bytes: no file system "
            "holds it",
            ("install-command",),
            "shorten the name",
            span=span,
        )
    return Finding(
        INSTALL_FILE_MISSING,
        f"the install command needs {what} `{word}`, which is not in the container ({path})",
        ("install-command",),
        add_hint(container, path, "fix the name (paths are read from /model/files)"),
        span=span,
    )


def outside_root(
    container: Container,
    what: str,
    path: tuple[str, ...] = (),
    span: Span | None = None,
    file: str | None = None,
) -> Finding:
    """A file the build needs that comes from outside the repository root: not read."""
    return Finding(
        OUTSIDE_ROOT,
        f"{what} leads outside the repository root (an entry or a symbolic link that leaves "
        "it): hydro does not read it",
        path,
        f"the root is {container.root.folder}; keep the model's files in the repository",
        span=span,
        file=file,
    )


def shortened(text: str, keep: int = 40) -> str:
    """A long name as a message shows it: its start and its length."""
    return text if len(text) <= keep else f"{text[:keep]}… ({len(text)} characters)"


def insecure_index(
    value: str,
    trusted: set[str],
    name: str,
    lines: list[str],
    key_at: tuple[int, int],
    where: str = "trusted-host = ",
) -> Iterator[Finding]:
    """Each index of a value (several for `extra-index-url`) that the build cannot use,
    found on the key's line or below it."""
    for url in value.split():
        problem = index_problem(url, trusted, where)
        if problem is not None:
            at = text_at(lines, url, key_at)
            yield at_line(problem.rule, name, at, problem.message, problem.hint, len(url))


def text_at(lines: list[str], text: str, start: tuple[int, int]) -> tuple[int, int]:
    """Where a value's text is, on its key's line or a continuation line below it."""
    for number in range(start[0], len(lines) + 1):
        column = lines[number - 1].find(text)
        if column >= 0:
            return number, column + 1
    return start
