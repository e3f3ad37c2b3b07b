"""Requirements against the runtime's own packages and Python, offline (with `packaging`).

pip leaves a requirement alone when the installed version satisfies it; otherwise it puts
the newest version the specifier allows (and the image's Python accepts) in its place,
prints that the runtime's own packages now conflict, and exits 0 (pip 21.3.1
`commands/install.py:392-396,536-588`). So what matters is the replacement: a protobuf the
runtime's generated code cannot load, an SDK of the other major version, a numpy pandas
refuses, or no release at all for the image's Python. Which versions exist is not asked
of an index here (that is `--remote`'s work): released versions stand in for "newer ones
exist".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from packaging.version import Version

from ....diagnostics import Finding, Span
from ....rules import Rule
from .image_rules import (
    REQUIREMENT_BREAKS_RUNTIME,
    REQUIREMENT_NEEDS_NEWER_PYTHON,
)
from .images import Image


class Wanted(NamedTuple):
    """A requirement the install command installs, and where it is written: in a
    requirements file (`file`, and the line and column in `where`) or on the command line
    (`file` None, `where` the characters of the word)."""

    name: str
    specifier: object  # packaging.specifiers.SpecifierSet
    marker: object | None  # packaging.markers.Marker
    file: str | None
    where: tuple[int, int]
    #: The requirement as pip reads it, extras included (what `--remote` hands pip).
    text: str = ""


#: Released versions that stand for "there are newer ones": pip, unpinned, picks one at
#: least this new. protobuf 4.21.0 is the first that refuses generated code older than
#: protoc 3.19 (`Descriptors cannot be created directly`); 3.12.0 the first with
#: `_internal_create_key`, which hydro-serving-grpc 3.x's generated code calls.
_PROTOBUF_4 = ("4.21.0", "4.25.8", "5.29.5", "6.31.1")
_PROTOBUF_3_12 = ("3.12.4", "3.17.3", "3.19.6", "3.20.3")
_PROTOBUF_OLD = ("3.11.3", "3.6.1", "3.0.0")
_MAJOR = {2: ("2.4.1", "2.3.2", "2.2.1", "2.1.0"), 3: ("3.0.3", "3.0.2", "3.0.1", "3.0.0")}
#: numpy releases by the newest Python they need (NumPy's release notes: 1.20 dropped 3.6,
#: 1.22 dropped 3.7, 1.25 dropped 3.8), and pandas 1.x's floor (it refuses numpy < 1.15.4).
_NUMPY = {
    "3.6": ("1.19.5", "1.18.5", "1.17.5", "1.16.6", "1.15.4"),
    "3.7": ("1.21.6", "1.20.3", "1.19.5", "1.18.5", "1.17.5", "1.16.6", "1.15.4"),
    "3.8": ("1.24.4", "1.23.5", "1.22.4", "1.21.6", "1.20.3", "1.19.5", "1.18.5", "1.15.4"),
}
_NUMPY_NEWER = {"3.6": "1.20.0", "3.7": "1.22.0", "3.8": "1.25.0"}
_NUMPY_LATER = ("1.20.3", "1.21.6", "1.22.4", "1.23.5", "1.24.4", "1.25.2", "1.26.4", "2.0.2",
                "2.2.6")  # fmt: skip
_NUMPY_TOO_OLD = ("1.15.3", "1.14.6", "1.13.3")
_HYDRO = ("hydrosdk", "hydro-serving-grpc")
#: Where the runtime's versions are not locked (2.x, 3.0.0-dev), what it may have.
_UNLOCKED = {"protobuf": _PROTOBUF_3_12 + _PROTOBUF_OLD, "numpy": ("1.18.5", "1.18.3")}

Place = Callable[[int, int], Span]


def judge(wanted: list[Wanted], image: Image, variant: str, place: Place) -> list[Finding]:
    """What the requirements do to the runtime's own packages, and whether its Python has
    a release of them."""
    python = image.python.get(variant, "")
    short = ".".join(python.split(".")[:2])
    environment = {"python_version": short, "python_full_version": python or short,
                   "sys_platform": "linux", "platform_system": "Linux",
                   "platform_machine": "x86_64", "implementation_name": "cpython",
                   "platform_python_implementation": "CPython", "os_name": "posix"}  # fmt: skip
    runtime = f"serving-runtime-python-{variant}:{image.tags[-1]}"
    found = []
    for item in wanted:
        if item.marker is not None and short and not item.marker.evaluate(environment):  # type: ignore[attr-defined]
            continue  # pip skips it on this Python
        key = (item.name, str(item.specifier), image.tags, short, runtime)
        for rule, message, hint in _judged(key, item, image):
            found.append(_finding(item, rule, message, hint, place))
    return found


#: Judgements by (name, specifier, image tags, Python, runtime): the Models of a repository
#: mostly repeat a few requirements, and a specifier is slow to apply.
_JUDGED: dict[tuple[object, ...], list[tuple[Rule, str, str]]] = {}


def _judged(key: tuple[object, ...], item: Wanted, image: Image) -> list[tuple[Rule, str, str]]:
    known = _JUDGED.get(key)
    if known is None:
        python, runtime = str(key[3]), str(key[4])
        known = list(_problems(item, image, python, runtime))
        if len(_JUDGED) < 4096:
            _JUDGED[key] = known
    return known


def _problems(
    item: Wanted, image: Image, python: str, runtime: str
) -> Iterator[tuple[Rule, str, str]]:
    name = item.name.lower().replace("_", "-")
    allows = item.specifier.contains  # type: ignore[attr-defined]
    locked = image.packages.value if isinstance(image.packages.value, dict) else {}
    installed = locked.get(name)
    if installed is not None and allows(installed, prereleases=True):
        return  # pip leaves the runtime's own version alone
    if installed is None and any(allows(v) for v in _UNLOCKED.get(name, ())):
        return  # not locked (2.x): a version the runtime may well have satisfies it
    shown = f"`{item.name}{item.specifier}`"
    if name == "protobuf":
        if any(allows(v) for v in _PROTOBUF_4):
            yield (
                REQUIREMENT_BREAKS_RUNTIME,
                f"{shown} makes pip install protobuf 4 or newer, whose Python code refuses the "
                "runtime's generated hydro_serving_grpc modules: the runtime stops at start "
                "with `TypeError: Descriptors cannot be created directly`",
                "keep protobuf below 4: `protobuf>=3.12,<4` (the runtime has 3.17.3)",
            )
        elif (
            locked
            and not any(allows(v) for v in _PROTOBUF_3_12)
            and any(allows(v) for v in _PROTOBUF_OLD)
        ):
            yield (
                REQUIREMENT_BREAKS_RUNTIME,
                f"{shown} puts a protobuf older than 3.12 in place of the runtime's 3.17.3; its "
                "generated code calls `_internal_create_key`, which those lack: the runtime "
                "stops at start with AttributeError",
                "leave protobuf to the runtime, or allow 3.12 to 3.20",
            )
    elif name in _HYDRO:
        major = 3 if locked or image.tags[0].startswith("3.") else 2
        if not any(allows(v) for v in _MAJOR[major]) and any(allows(v) for v in _MAJOR[5 - major]):
            yield (
                REQUIREMENT_BREAKS_RUNTIME,
                f"{shown} replaces the runtime's own {item.name} {major}.x with {5 - major}.x, "
                f"whose modules the {runtime} runtime's code cannot import: it stops at start",
                f"remove {item.name} from the requirements: the runtime brings it",
            )
    elif name == "numpy" and python in _NUMPY:
        newer = [v for v in _NUMPY_LATER if Version(v) >= Version(_NUMPY_NEWER[python])]
        if not any(allows(v) for v in _NUMPY[python]) and any(allows(v) for v in newer):
            yield (
                REQUIREMENT_NEEDS_NEWER_PYTHON,
                f"{shown} allows only numpy releases that need a newer Python than the "
                f"image's {python} (numpy {_NUMPY_NEWER[python]} dropped {python}): pip finds "
                "no matching distribution and the build fails",
                f"allow numpy up to {_NUMPY[python][0]}, or use an image with a newer Python",
            )
        elif not any(allows(v) for v in _NUMPY[python]) and any(allows(v) for v in _NUMPY_TOO_OLD):
            yield (
                REQUIREMENT_BREAKS_RUNTIME,
                f"{shown} puts a numpy older than 1.15.4 in place of the runtime's; the "
                "runtime's pandas refuses it at import (`this version of pandas is "
                "incompatible with numpy < 1.15.4`): it stops at start",
                "allow numpy 1.15.4 or newer",
            )


def _finding(item: Wanted, rule: Rule, message: str, hint: str, place: Place) -> Finding:
    if item.file is None:
        return Finding(rule, message, ("install-command",), hint, span=place(*item.where))
    line, column = item.where
    span = Span(line, column, line, column + len(item.name))
    return Finding(rule, message, hint=hint, span=span, file=item.file)
