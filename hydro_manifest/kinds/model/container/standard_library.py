"""The standard library of the Python a runtime image runs, which need not be hydro's own.

hydro knows its own Python's modules (`sys.stdlib_module_names`); the runtime images run
Python 3.6 to 3.8. Between them and hydro's, the standard library gained modules (an
`import tomllib` fails on 3.7) and lost some (`distutils` is gone from 3.12, yet a 3.7
image has it). Both lists hold top-level modules, from "What's New in Python" 3.7 to 3.13,
and were read in the libraries of CPython 3.6 to 3.13 themselves.
"""

from __future__ import annotations

import sys

#: Modules the standard library gained, with the first Python that has them.
ADDED = {
    "contextvars": (3, 7),
    "dataclasses": (3, 7),
    "graphlib": (3, 9),
    "zoneinfo": (3, 9),
    "tomllib": (3, 11),
}

#: Modules it lost, with the first Python without them.
REMOVED = {
    "macurl2path": (3, 7),
    "macpath": (3, 8),
    "dummy_threading": (3, 9),
    "formatter": (3, 10),
    "parser": (3, 10),
    "symbol": (3, 10),
    "binhex": (3, 11),
    **dict.fromkeys(("asynchat", "asyncore", "distutils", "imp", "smtpd"), (3, 12)),
    **dict.fromkeys(
        ("aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "lib2to3", "mailcap",
         "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu",
         "xdrlib"),
        (3, 13),
    ),
}  # fmt: skip


def has_module(name: str, python: tuple[int, int] | None) -> bool:
    """Whether the standard library of Python `python` has the top-level module `name`;
    of any Python hydro knows when `python` is None (an image whose Python is unknown)."""
    if python is None:
        return name in sys.stdlib_module_names or name in REMOVED
    if name in ADDED:
        return python >= ADDED[name]
    if name in REMOVED:
        return python < REMOVED[name]
    return name in sys.stdlib_module_names


def joined_in(name: str) -> tuple[int, int] | None:
    """The Python whose standard library first has `name`, when it is younger than 3.6."""
    return ADDED.get(name)
