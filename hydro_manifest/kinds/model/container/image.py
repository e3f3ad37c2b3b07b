"""The install command in the runtime image it runs in: what the image named by `runtime`
lacks or refuses (`images` holds its facts). Each finding sits at the word that fails and
says what works on that tag instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ....diagnostics import Finding, Span
from .images import HYDROSPHERE, IMAGES, PYTHON_IMAGE, Evidence, Image, Named, image_of, named
from .rules import (
    APT_WITHOUT_ROOT,
    APT_WITHOUT_UPDATE,
    APT_WITHOUT_YES,
    PIP_USER_IN_VENV,
    RUNTIME_IMAGE_NOT_BUILT,
    RUNTIME_IMAGE_UNKNOWN,
    SCRIPT_NOT_EXECUTABLE,
    SUDO_MISSING,
    SUDO_NOT_ALLOWED,
    TOOL_MISSING,
)

if TYPE_CHECKING:  # the build's reading is imported only with the file checks
    from .build import Installed, Ran

Place = Callable[[int, int], Span]

_APT = ("apt", "apt-get", "aptitude", "dpkg")
_YES = ("-y", "--yes", "--assume-yes", "-qq")  # apt-get: -qq implies -y
#: The tools whose absence the facts establish from the Dockerfiles (S): others are left.
_CHECKED_TOOLS = ("curl", "wget")
_INSTALL_COMMAND = ("install-command",)
#: Failures that stop the build where they happen: the first is reported.
_STOPS = (SUDO_MISSING, SUDO_NOT_ALLOWED, APT_WITHOUT_ROOT)


def image_facts(runtime: object) -> tuple[Named, Image | None] | None:
    """The runtime's name and the facts of its tag (None when hydro has none); None when it
    is not one of Hydrosphere's Python runtimes."""
    name = named(runtime)
    return None if name is None else (name, image_of(name.tag))


def check_runtime_image(runtime: object, checked: bool) -> list[Finding]:
    """Whether the image exists by the source, and whether hydro knows it (one note, only
    where an install command would have been checked in it: `checked`)."""
    found = image_facts(runtime)
    if found is None:
        return []
    name, image = found
    if image is None:
        if not checked:
            return []
        return [
            Finding(
                RUNTIME_IMAGE_UNKNOWN,
                f"hydro has no facts of the runtime tag '{name.tag}': the install command is "
                "not checked against its image",
                ("runtime",),
                f"tags hydro knows: {', '.join(t for i in IMAGES for t in i.tags)}",
            )
        ]
    built = image.built.value
    assert isinstance(built, tuple)
    if name.variant not in built:
        shown = ", ".join(f"{PYTHON_IMAGE}{variant}" for variant in built)
        return [
            Finding(
                RUNTIME_IMAGE_NOT_BUILT,
                f"{HYDROSPHERE}{PYTHON_IMAGE}{name.variant}:{name.tag} may not exist: for "
                f"{name.tag} the runtime's source builds {shown} ({image.built.source}); "
                "Docker Hub was not checked",
                ("runtime",),
                f"use {HYDROSPHERE}{PYTHON_IMAGE}{built[-1]}:{name.tag}",
            )
        ]
    return []


def check_commands(runtime: object, installed: Installed, place: Place) -> list[Finding]:
    """What the install command's commands fail on in the runtime's image, and what the
    requirements it installs do to the runtime's own packages."""
    found = image_facts(runtime)
    image = None if found is None else found[1]
    if found is None or image is None:
        return []
    name = found[0]
    from .packages import judge

    return [
        *_Judge(name, image, place).all(installed.commands),
        *judge(installed.wanted, image, name.variant, place),
    ]


class _Judge:
    def __init__(self, name: Named, image: Image, place: Place) -> None:
        self.name = name
        self.image = image
        self.place = place
        self.runtime = f"{PYTHON_IMAGE}{name.variant}:{name.tag}"
        self.updated = False  # an `apt update` ran before
        #: Rules whose first finding stops the build: what follows is not reached.
        self.stopped: set[object] = set()

    def at(self, word: tuple[str, int, int], rule: object, message: str, hint: str) -> Finding:
        return Finding(
            rule,  # type: ignore[arg-type]  # a Rule of .rules
            message,
            _INSTALL_COMMAND,
            hint,
            span=self.place(word[1], word[2]),
        )

    def all(self, commands: list[Ran]) -> Iterator[Finding]:
        """Each command's findings; of the rules whose failure stops the build (`sudo` is
        missing or refuses, apt without root), only the first."""
        for found in self._each(commands):
            if found.rule in _STOPS and found.rule in self.stopped:
                continue
            self.stopped.add(found.rule)
            yield found

    def _each(self, commands: list[Ran]) -> Iterator[Finding]:
        for ran in commands:
            if ran.sudo is not None and not self.image.sudo.value:
                yield self.at(
                    ran.sudo,
                    SUDO_MISSING,
                    f"{self.runtime} has no `sudo`: the build stops at `/bin/sh: 1: sudo: not "
                    f"found` ({self.image.sudo.source})",
                    self._os_packages_hint(),
                )
                continue
            if not ran.words:
                continue
            program = ran.words[0][0].rsplit("/", 1)[-1]
            if ran.sudo is not None and self.image.sudo_allows is not None:
                allowed = self.image.sudo_allows.rsplit("/", 1)[-1]
                if program != allowed:
                    yield self.at(
                        ran.words[0],
                        SUDO_NOT_ALLOWED,
                        f"on {self.runtime} sudo lets `app` run only {self.image.sudo_allows} "
                        f"(sudoers: `app ALL=NOPASSWD: {self.image.sudo_allows}`, "
                        f"{self.image.sudo.source}): it refuses `{program}`",
                        self._os_packages_hint(),
                    )
                    continue
            if program in _APT:
                yield from self._apt(ran, program)
            elif program in _CHECKED_TOOLS and self._lacks(program):
                yield self.at(
                    ran.words[0],
                    TOOL_MISSING,
                    f"{self.runtime} has no `{program}`: the build stops at `{program}: not "
                    f"found` ({self.image.tools.source})",
                    'download with Python instead: `python -c "import urllib.request as u; '
                    "u.urlretrieve('URL', 'FILE')\"`",
                )
            elif _is_pip(ran) and self.image.venv.value and _has(ran, ("--user",)):
                option = next(w for w in ran.words if w[0] == "--user")
                yield self.at(
                    option,
                    PIP_USER_IN_VENV,
                    f"on {self.runtime} pip runs in the runtime's virtual environment "
                    f"({self.image.venv.value}, {self.image.venv.source}), where it refuses "
                    "`--user`: \"Can not perform a '--user' install. User site-packages are "
                    'not visible in this virtualenv."',
                    "drop `--user`: the virtual environment belongs to `app`, pip installs there",
                )
            elif ran.words[0][0].startswith("./"):
                yield self.at(
                    ran.words[0],
                    SCRIPT_NOT_EXECUTABLE,
                    f"`{ran.words[0][0]}` is run as a program, but the manager unpacks the "
                    "payload without its execute bits (TarGzUtils.scala:65-77): `Permission "
                    "denied`, exit 126",
                    f"run it with the shell: `sh {ran.words[0][0][2:]}`",
                )

    def _lacks(self, tool: str) -> bool:
        """Whether the image lacks a tool, by a source line (not inferred)."""
        tools = self.image.tools
        return tools.evidence is Evidence.SOURCE and tool not in tools.value  # type: ignore[operator]

    def _apt(self, ran: Ran, program: str) -> Iterator[Finding]:
        root = self.image.user.value == "root" or ran.sudo is not None
        action = next((w for w in ran.words[1:] if not w[0].startswith("-")), None)
        if not root:
            yield self.at(
                ran.words[0],
                APT_WITHOUT_ROOT,
                f"on {self.runtime} the install command runs as `app` "
                f"({self.image.user.source}); `{program}` may not change the system without "
                "root: `E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: "
                "Permission denied)`",
                self._os_packages_hint(),
            )
            return
        if action is not None and action[0] == "update":
            self.updated = True
            return
        if program == "dpkg" or action is None or action[0] != "install":
            return
        if not self.updated:
            lists = self.image.apt_lists
            state = "were removed" if lists.value == "absent" else "date from the image's build"
            yield self.at(
                action,
                APT_WITHOUT_UPDATE,
                f"on {self.runtime} the package lists {state} ({lists.source}): `{program} "
                "install` without an `update` before it may fail with `Unable to locate "
                "package` or a 404 for a superseded package",
                f"run `{program} update` first, in the same install command",
            )
        if not _has(ran, _YES) and not ran.piped:
            yield self.at(
                action,
                APT_WITHOUT_YES,
                f"`{program} install` without `-y` asks before installing what a package "
                "depends on; the build's input is no terminal, so the answer is no: `Abort.`",
                f"add `-y`: `{program} install -y …`",
            )

    def _os_packages_hint(self) -> str:
        image = self.image
        if image.user.value == "root":
            return (
                "the install command runs as root here: `apt-get update && apt-get install -y "
                "PACKAGE`, without sudo (Debian buster's lists are archived: point "
                "sources.list at archive.debian.org first)"
            )
        if image.sudo.value and image.sudo_allows:
            allowed = image.sudo_allows
            return (
                f"use `sudo apt update && sudo apt install -y PACKAGE` (only {allowed} is allowed)"
            )
        return (
            f"no OS package can be installed on {self.runtime}: no root, no sudo. Drop the need "
            "(a pip package, Python code), put a static binary in the venv's bin/, or build a "
            "custom runtime FROM this image with `USER root`"
        )


def _is_pip(ran: Ran) -> bool:
    names = [w[0] for w in ran.words]
    first = names[0].rsplit("/", 1)[-1]
    return first.startswith("pip") or (first.startswith("python") and names[1:3] == ["-m", "pip"])


def _has(ran: Ran, options: tuple[str, ...]) -> bool:
    return any(w[0] in options for w in ran.words)
