"""Pickling the values that cross between processes and into the lint cache by the
thousand (a job, a file's result and report, a summary), at half the cost of pickle's way.

Pickle saves a slotted dataclass by calling, for every object and on both sides, Python
functions that look its fields up again (`dataclasses.fields`); an object pickled as its
class and its fields' values, read by one C call, is built back by its own `__init__`.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar

Class = TypeVar("Class", bound=type)


def by_fields(*left_out: str) -> Callable[[Class], Class]:
    """Pickle a dataclass as its class called with its fields' values; the fields named in
    `left_out` (state of the check under way, not of its result) as their default."""

    def decorate(cls: Class) -> Class:
        fields = dataclasses.fields(cls)
        names = [f.name for f in fields]
        assert len(names) > 1  # (one name would make attrgetter give a value, not a tuple)
        values = operator.attrgetter(*names)
        defaults = [(names.index(f.name), f.default) for f in fields if f.name in left_out]
        assert len(defaults) == len(left_out)
        assert all(default is not dataclasses.MISSING for _, default in defaults)

        def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
            if not defaults:
                return cls, values(self)
            kept = list(values(self))
            for index, default in defaults:
                kept[index] = default
            return cls, tuple(kept)

        cls.__reduce__ = __reduce__  # type: ignore[assignment]
        return cls

    return decorate
