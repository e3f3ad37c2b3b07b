"""What libyaml's syntax errors mean to someone editing a manifest, located in the file."""

from __future__ import annotations

import yaml

from ..diagnostics import Finding, Span
from .positions import point
from .rules import YAML_SYNTAX

#: libyaml's problem texts, with what they mean to someone editing a manifest.
_SYNTAX_MESSAGES: tuple[tuple[str, str, str | None], ...] = (
    (
        "mapping values are not allowed",
        "a `:` where no key can start: a value that contains `: ` or a line indented too far",
        "quote a value that contains `: `, or align this line with the keys above it",
    ),
    (
        "did not find expected key",
        "this line is not aligned with the keys of its mapping",
        "indent it exactly as far as the keys next to it",
    ),
    (
        "did not find expected ',' or ']'",
        "a `[` list is not closed",
        "close the list with `]` (the list starts at {context})",
    ),
    (
        "did not find expected ',' or '}'",
        "a `{` mapping is not closed",
        "close the mapping with `}` (the mapping starts at {context})",
    ),
    (
        "did not find expected '-' indicator",
        "this line is not aligned with the items of its list",
        "indent it exactly as far as the `-` of the other items",
    ),
    (
        "expected <block end>",
        "this line is indented differently from what came before",
        "indent it as far as the keys or items it belongs with",
    ),
    (
        "found undefined alias",
        "an alias names an anchor that is not defined before it",
        "define `&name` before using `*name`",
    ),
    ("found duplicate anchor", "two anchors have the same name", "rename one of the anchors"),
)


def _character_offset(text: str, position: int) -> int:
    """libyaml reports where it stopped reading in bytes of UTF-8; the text counts characters."""
    if not getattr(yaml, "__with_libyaml__", False):
        return position
    return len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))


def syntax_finding(error: yaml.YAMLError, text: str) -> Finding:
    if isinstance(error, yaml.reader.ReaderError):
        character = error.character
        shown = f"#x{character:04x}" if isinstance(character, int) else repr(character)
        return Finding(
            YAML_SYNTAX,
            f"character {shown} is not allowed in YAML",
            hint="remove it; a NUL byte usually means a binary or UTF-16 file",
            span=point(text, _character_offset(text, error.position)),
        )
    assert isinstance(error, yaml.MarkedYAMLError)
    mark = error.problem_mark or error.context_mark
    problem = (error.problem or error.context or "invalid YAML").strip()
    context = error.context_mark
    where = f"line {context.line + 1}, column {context.column + 1}" if context else "above"
    message, hint = f"invalid YAML: {problem}", None
    char = text[mark.index] if mark is not None and mark.index < len(text) else ""
    if "tab character" in problem or ("cannot start any token" in problem and char == "\t"):
        message, hint = (
            "a tab character: YAML indents with spaces only",
            "replace the tab with spaces",
        )
    elif "found unexpected end of stream" in problem and "quoted scalar" in (error.context or ""):
        message = "a quoted value is not closed"
        hint = f"close the quote that opens at {where}"
    else:
        for needle, better, better_hint in _SYNTAX_MESSAGES:
            if needle in problem:
                message = better
                hint = better_hint.replace("{context}", where) if better_hint else None
                break
    if mark is None:
        span = Span(1, 1, 1, 2)
    else:
        span = Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2)
    return Finding(YAML_SYNTAX, message, hint=hint, span=span)
