"""Checks that need the whole document: cross-field rules, warnings and notes.

Field-local errors are raised by the pydantic models themselves; the checks here see the
document's value (keys already in their canonical spelling) and yield findings with paths.
They run whether or not the models accepted the document, so they must expect any type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeGuard

from ..diagnostics import Finding

Document = dict[str, Any]
Check = Callable[[Document], Iterator[Finding]]


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping, else an empty one (its type is reported elsewhere)."""
    return value if isinstance(value, dict) else {}


def sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def is_integer(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
