"""The install command in the runtime image it runs in: what the image named by `runtime`
lacks or refuses (`images` holds its facts). Each finding sits at the word that fails and
says what works on that tag instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ....diagnostics import Finding, Span
from ....rules import Rule
from .image_rules import (
    APT_RELEASE_ARCHIVED,
    APT_WITHOUT_ROOT,
    APT_WITHOUT_UPDATE,
    APT_WITHOUT_YES,
    PIP_USER_IN_VENV,
    RUNTIME_IMAGE_NOT_BUILT,
    RUNTIME_IMAGE_UNKNOWN,
    SCRIPT_NOT_EXECUTABLE,
    SUDO_MISSING,
    SUDO_NOT_ALLOWED,
    TOOL_MAY_BE_MISSING,
    TOOL_MISSING,
    WRITE_DISCARDED,
    WRITE_INTO_MODEL,
)
from .images import HYDROSPHERE, IMAGES, PYTHON_IMAGE, Evidence, Image, Named, image_of, named
from .layout import MODEL, resolve

if TYPE_CHECKING:  # the build's reading is imported only with the file checks
    from .build import Installed, Ran, Word

Place = Callable[[int, int], Span]

_APT = ("apt", "apt-get", "aptitude", "dpkg")
_YES = ("-y", "--yes", "--assume-yes", "-qq")  # apt-get: -qq implies -y
#: The tools whose absence the facts establish from the Dockerfiles (S), and those the
#: images lack by inference (python:slim never has them; no runtime Dockerfile adds them).
_CHECKED_TOOLS = ("curl", "wget")
_INFERRED_TOOLS = ("git", "gcc", "g++", "cc", "make", "cmake", "conda")
_INSTALL_COMMAND = ("install-command",)
#: Failures that stop the build where they happen: the first is reported.
_STOPS = (SUDO_MISSING, SUDO_NOT_ALLOWED, APT_WITHOUT_ROOT)


def image_facts(runtime: object) -> tuple[Named, Image | None] | None:
    """The runtime's name and the facts of its tag (None when hydro has none); None when it
    is not one of Hydrosphere's Python runtimes."""
    return _image_facts(runtime) if isinstance(runtime, str) else None


@functools.lru_cache(maxsize=256)
def _image_facts(runtime: str) -> tuple[Named, Image | None] | None:
    """(A repository names a few runtimes, in every Model.)"""
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
        *(
            found._replace(file=script)
            for script, where, commands in installed.scripts
            for found in _Judge(name, image, where).all(commands)
        ),
        *judge(installed.wanted, image, name.variant, place),
    ]


class _Judge:
    def __init__(self, name: Named, image: Image, place: Place) -> None:
        self.name = name
        self.image = image
        self.place = place
        self.runtime = f"{PYTHON_IMAGE}{name.variant}:{name.tag}"
        self.updated = False  # an `apt update` ran before
        #: apt was pointed at Debian's archive before (or buster's archive was reported).
        self.archived = image.debian.value != "buster"
        #: Rules whose first finding stops the build: what follows is not reached.
        self.stopped: set[Rule] = set()

    def at(self, word: tuple[str, int, int], rule: Rule, message: str, hint: str) -> Finding:
        return Finding(
            rule,
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
            if any("archive.debian.org" in word[0] for word in ran.words):
                self.archived = True
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
            missing = program in _CHECKED_TOOLS and self._lacks(program)
            written = None if missing else next(self._writes(ran, program), None)
            if written is not None:
                yield from self._written(written)
            if program in _APT:
                yield from self._apt(ran, program)
            elif program in _INFERRED_TOOLS or (
                program in _CHECKED_TOOLS
                and self.image.tools.evidence is not Evidence.SOURCE
                and program not in self.image.tools.value  # type: ignore[operator]
            ):
                yield self.at(
                    ran.words[0],
                    TOOL_MAY_BE_MISSING,
                    f"{self.runtime} may have no `{program}`: the runtime's Dockerfile never "
                    f"installs it and its python:slim base removes or lacks it "
                    f"({self.image.tools.source})",
                    "check the image (`docker run --rm IMAGE which "
                    f"{program}`), or do without it: pip wheels need no compiler",
                )
            elif missing:
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

    def _writes(self, ran: Ran, program: str) -> Iterator[tuple[Word, str]]:
        """The places under /model a command writes (the word, and what writes there)."""
        words = ran.words
        found: list[tuple[Word, str]] = [(target, "the redirection") for target in ran.redirected]
        if _is_pip(ran):
            found += self._pip_writes(words)
        elif program.startswith("python") and len(words) > 1 and words[1][0].endswith("setup.py"):
            found.append((words[1], "setup.py (it builds in its folder)"))
        elif program == "unzip":
            found += _values(words, ("-d",), "unzip") or [(words[0], "unzip (here)")]
        elif program == "tar" and len(words) > 1 and _extracts(words):
            found += _values(words, ("-C", "--directory"), "tar") or [(words[0], "tar (here)")]
        elif program in ("mkdir", "touch"):
            found += [(w, program) for w in words[1:] if not w[0].startswith("-")]
        elif program in ("cp", "mv") and len(words) > 2:
            found.append((words[-1], program))
        elif program == "wget" and not _values(words, ("-O", "--output-document"), ""):
            found.append((words[0], "wget (into the working folder)"))
        elif program in ("git", "dvc") and len(words) > 1 and words[1][0] in ("clone", "pull"):
            given = [w for w in words[2:] if not w[0].startswith("-")]
            into = given[1] if program == "git" and len(given) > 1 else words[1]
            found.append((into, f"{program} {words[1][0]}"))
        for word, what in found:
            path = resolve(word[0], ran.folder)
            if "$" not in word[0] and (path == MODEL or path.startswith(MODEL + "/")):
                yield word, what

    def _pip_writes(self, words: list[Word]) -> list[tuple[Word, str]]:
        """Where pip writes: --target, download and wheel folders (the working folder by
        default), and the folders of local packages it builds in place."""
        first = 3 if words[0][0].startswith("python") else 1
        action = next((w for w in words[first:] if not w[0].startswith("-")), None)
        kind = action[0] if action is not None else ""
        found = _values(words, ("-t", "--target"), "pip's --target")
        if kind in ("download", "wheel") and action is not None:
            names = ("-d", "--dest") if kind == "download" else ("-w", "--wheel-dir")
            here = [(action, f"pip {kind} (into the working folder)")]
            found += _values(words, names, f"pip {kind}") or here
        if kind == "install":
            editable = _values(words, ("-e", "--editable"), "`pip install -e`, building in place,")
            found += [(w, what) for w, what in editable if _local(w[0])]
            pip = str(self.image.pip.value)
            if pip.startswith("21.3"):  # in-tree builds by default
                found += [
                    (w, f"pip {pip}, building the local package in place,")
                    for w in words[first + 1 :]
                    if _local(w[0])
                    and not w[0].endswith((".whl", ".tar.gz", ".zip"))
                    and not _follows_option(words, w)
                ]
        return found

    def _written(self, written: tuple[Word, str]) -> Iterator[Finding]:
        word, what = written
        if self.image.user.value != "root":
            yield self.at(
                word,
                WRITE_INTO_MODEL,
                f"{what} writes under /model, which `ADD model /model` leaves to root "
                f"(BuildScript.scala:12, no --chown), while {self.runtime} builds as `app`: "
                "Permission denied",
                "write elsewhere: /tmp, or the home folder (`$HOME`), and point to it",
            )
        elif self.image.volume_model.value:
            yield self.at(
                word,
                WRITE_DISCARDED,
                f"{what} writes under /model, which {self.runtime} declares a VOLUME "
                f"({self.image.volume_model.source}): what a build step writes there is "
                "discarded from the image, and the model may miss it at start",
                "ship the file in the payload, or write it outside /model",
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
        archived = program != "dpkg" and action is not None and not self.archived
        if archived:
            assert action is not None
            self.archived = True  # once an install command
            yield self.at(
                action,
                APT_RELEASE_ARCHIVED,
                f"{self.runtime} runs on Debian buster ({self.image.debian.source}), whose "
                "repositories left deb.debian.org for archive.debian.org in 2025: `"
                f"{program} {action[0]}` may fail with a 404 or `does not have a Release file`",
                "point apt at the archive first: `sed -i s/deb.debian.org/archive.debian.org/ "
                f"/etc/apt/sources.list && {program} update && …`, or use a bullseye tag "
                "(3.0.0, 3.0.1+)",
            )
        if action is not None and action[0] == "update":
            self.updated = True
            return
        if program == "dpkg" or action is None or action[0] != "install":
            return
        if not self.updated and not archived:  # (on buster, an update would not help)
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


def _values(words: list[Word], names: tuple[str, ...], what: str) -> list[tuple[Word, str]]:
    """The values of an option (`-t DIR`, `--target=DIR`, `-tDIR`), as words, each with
    `what` writes there."""
    found = []
    for index, (word, start, end) in enumerate(words):
        for name in names:
            if word == name and index + 1 < len(words):
                found.append((words[index + 1], what))
            elif name.startswith("--") and word.startswith(name + "="):
                found.append(((word[len(name) + 1 :], start + len(name) + 1, end), what))
            elif not name.startswith("--") and word.startswith(name) and len(word) > len(name):
                found.append(((word[len(name) :], start + len(name), end), what))
    return found


def _follows_option(words: list[Word], word: Word) -> bool:
    """Whether a word is the value of the option before it (`-r requirements.txt`)."""
    index = words.index(word)
    return index > 0 and words[index - 1][0].startswith("-") and "=" not in words[index - 1][0]


def _local(word: str) -> bool:
    return word == "." or word.startswith(("./", "../", "/model"))


def _extracts(words: list[Word]) -> bool:
    first = words[1][0]
    return (
        any(w[0] in ("-x", "--extract", "--get") for w in words)
        or (not first.startswith("-") and "x" in first)
        or (first.startswith("-") and not first.startswith("--") and "x" in first)
    )


def _is_pip(ran: Ran) -> bool:
    names = [w[0] for w in ran.words]
    first = names[0].rsplit("/", 1)[-1]
    return first.startswith("pip") or (first.startswith("python") and names[1:3] == ["-m", "pip"])


def _has(ran: Ran, options: tuple[str, ...]) -> bool:
    return any(w[0] in options for w in ran.words)
