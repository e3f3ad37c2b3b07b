"""What a finding proposes to change, said in terms of the document.

These are small records, cheap to make where a rule is raised; they become text edits only
when a finding is placed in its file (`fixes.edits`). Text in them is YAML as it will be
written (`quoted` makes a single-quoted scalar).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Replace(NamedTuple):
    """The scalar at the finding's path (its key, for a finding on a key) becomes `text`."""

    text: str


class Remove(NamedTuple):
    """The entry at the finding's path goes: a key with its value, or a list item. (An
    empty tuple: test a finding's change with `is None`, never by its truth.)"""


class Add(NamedTuple):
    """`key: text` is added to the mapping that holds the finding's path (a missing key)."""

    key: str
    text: str


class PairsToMapping(NamedTuple):
    """A list of `{key: NAME, value: VALUE}` mappings at the finding's path becomes a
    mapping of NAME to VALUE (a Kubernetes-style `env` list)."""

    key: str
    value: str


class Edits(NamedTuple):
    """Edits at character offsets of the file's text as decoded (after a leading byte-order
    mark, which offset -1 names): for findings about the text rather than a value."""

    edits: tuple[tuple[int, int, str], ...]


Change = Replace | Remove | Add | PairsToMapping | Edits


def quoted(text: str) -> str:
    """`text` as a single-quoted YAML scalar: what YAML 1.1 reads back as that text."""
    return "'" + text.replace("'", "''") + "'"


def plain_or_quoted(text: str) -> str:
    """`text` as YAML that reads back as that text: plain where it can be, else quoted."""
    import yaml

    try:
        read = yaml.safe_load(text)
    except yaml.YAMLError:
        read = None
    return text if read == text and "\n" not in text else quoted(text)


def rename(candidates: Sequence[str]) -> Replace | None:
    """The rename to the one close candidate; None when there are none or several."""
    return Replace(candidates[0]) if len(candidates) == 1 else None
