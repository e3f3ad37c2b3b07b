"""The image build: the install command as `/bin/sh` reads it, and the files it hands pip.

The manager's Dockerfile is `FROM <runtime>`, `ADD model /model`, `WORKDIR /model/files`,
`RUN <install-command>` (`BuildScript.scala`). The command is parsed with a shell grammar
(bashlex); the files it names are looked up in the container; requirements files are read
with pip's grammar (pip-requirements-parser) and pip.conf with configparser, as pip reads
them. Nothing is run.
"""

from __future__ import annotations

import configparser
import functools
import gc
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ....diagnostics import Finding, Span
from ....reading.rules import FILE_TOO_LARGE, OUTSIDE_ROOT, READ_ERROR
from ....root import NAME_MAX, Probe, too_long
from ....suggest import did_you_mean
from . import FILE_SHELL_BUDGET, ShellBudget
from .index import index_problem, trusted_hosts
from .layout import FILES, Container, resolve
from .packages import Wanted
from .rules import (
    INSTALL_COMMAND_SYNTAX,
    INSTALL_COMMAND_TOO_LONG,
    INSTALL_COMMAND_UNCHECKED,
    INSTALL_FILE_MISSING,
    PIP_CONFIG_FILE,
    PIP_CONFIG_KEY,
    REQUIREMENT_UNPINNED,
    REQUIREMENTS_CYCLE,
    REQUIREMENTS_DEPTH,
    REQUIREMENTS_FILE,
    REQUIREMENTS_LINE,
    SCRIPT_WITHOUT_ERREXIT,
)

#: Files read for these checks stop here: requirements and configuration are kilobytes.
READ_LIMIT = 1024 * 1024
#: Scripts run by scripts are followed this deep.
SCRIPT_DEPTH = 3
#: `-r` inside `-r` is followed this deep (each file once).
INCLUDE_DEPTH = 100
#: The longest install command read with the shell grammar, whose time grows faster than
#: the text (16 KiB: a few tenths of a second).
SHELL_TEXT_LIMIT = 16 * 1024
#: The longest argument Linux passes to a program (MAX_ARG_STRLEN); `RUN` runs
#: `/bin/sh -c <command>`, the command one argument.
ARGUMENT_LIMIT = 128 * 1024

#: Where a finding in the install command goes: the span of characters [start, end) of it.
Place = Callable[[int, int], Span]
#: A word of the command and where it is: its text and its characters [start, end).
Word = tuple[str, int, int]


class Ran(NamedTuple):
    """A simple command the install command runs, in order: its words (without `sudo`),
    the `sudo` word when it runs through sudo, whether its input comes from a pipe, the
    folder it runs in, and the files its output is redirected to."""

    words: list[Word]
    sudo: Word | None
    piped: bool
    folder: str
    redirected: list[Word]


_PIP = re.compile(r"pip(3(\.\d+)?)?")
_PYTHON = re.compile(r"python(3(\.\d+)?)?")
_SHELLS = ("sh", "bash", "source", ".")
#: Commands that install Python packages hydro does not follow.
_OTHER_INSTALLERS = ("conda", "mamba", "micromamba", "poetry", "pipenv", "uv", "make")
#: pip's options that name a file (or a folder) to read.
_FILE_OPTIONS = {
    "-r": "requirements",
    "--requirement": "requirements",
    "-c": "constraints",
    "--constraint": "constraints",
    "--cert": "certificate",
    "--client-cert": "certificate",
    "-e": "editable",
    "--editable": "editable",
}
#: pip's options that pass `KEY=VALUE` to the build backend, where VALUE may be a path.
_SETTINGS_OPTIONS = {"-C", "--config-settings"}
#: pip's options that name an index (or trust its host), and the variables that do.
_INDEX_OPTIONS = {"-i", "--index-url", "--extra-index-url", "--trusted-host"}
_INDEX_VARIABLES = {"PIP_INDEX_URL": "--index-url", "PIP_EXTRA_INDEX_URL": "--extra-index-url"}
#: pip's options that take a value which is not a file to check.
_VALUE_OPTIONS = {"-f", "--find-links", "--target", "-t", "--prefix", "--root", "--src",
                  "--upgrade-strategy", "--platform", "--python-version", "--implementation",
                  "--abi", "--global-option", "--install-option",
                  "--progress-bar", "--timeout", "--retries", "--proxy", "--log", "--cache-dir",
                  "--exists-action"}  # fmt: skip


@dataclass
class Installed:
    """What the install command hands pip: requirements and constraints files (where each
    is in the container, on disk, and whether it installs), and the distributions named."""

    requirements: list[tuple[str, Path, bool]] = field(default_factory=list)
    distributions: set[str] = field(default_factory=set)
    #: False when it also installs what hydro cannot follow: a script, conda, a variable,
    #: a requirements file that is missing or unreadable.
    complete: bool = True
    #: The hosts pip is told to trust (`--trusted-host`, PIP_TRUSTED_HOST, pip.conf).
    trusted: set[str] = field(default_factory=set)
    #: The simple commands it runs, in order (what the runtime image is asked to do).
    commands: list[Ran] = field(default_factory=list)
    #: The requirements it installs by name, with where each is written.
    wanted: list[Wanted] = field(default_factory=list)
    #: The scripts it runs: each one's name, where its characters are, and its commands.
    scripts: list[tuple[str, Place, list[Ran]]] = field(default_factory=list)
    #: The requirements its constraints files set (as pip reads them).
    constraints: list[str] = field(default_factory=list)
    #: Where pip looks for packages, as pip's options: from pip.conf (level 0), the
    #: environment (1) or the command line (2), the level deciding which `--index-url`
    #: wins; and the option lines of its requirements files, which pip applies in order.
    indexes: list[tuple[int, str, str]] = field(default_factory=list)
    file_options: list[str] = field(default_factory=list)

    def merge(self, script: Installed, name: str, place: Place) -> None:
        """What a script installs, added to what the command installs (its requirements on
        the command line located in the script's file)."""
        self.requirements += script.requirements
        self.distributions |= script.distributions
        self.complete &= script.complete
        self.trusted |= script.trusted
        self.constraints += script.constraints
        self.indexes += script.indexes
        self.file_options += script.file_options
        for wanted in script.wanted:
            if wanted.file is None:
                span = place(*wanted.where)
                wanted = wanted._replace(file=name, where=(span.line, span.column))
            self.wanted.append(wanted)
        self.scripts.append((name, place, script.commands))
        self.scripts += script.scripts

    @property
    def known(self) -> set[str] | None:
        """The distributions installed, when all of them are known."""
        return self.distributions if self.complete else None


def install_command(
    command: str,
    container: Container,
    place: Place,
    shown: Callable[[Path], str],
    budget: ShellBudget,
) -> tuple[list[Finding], Installed]:
    """The findings of an install command, and what it installs (for the runtime's imports).

    `place` locates characters of the command in the manifest; `shown` names a file of the
    payload as the report names files (beside the manifest's own name); `budget` is what
    the file's commands may still take of the shell grammar's time.
    """
    installed = Installed()
    size = len(command.encode("utf-8", "surrogatepass"))
    if size > ARGUMENT_LIMIT:
        installed.complete = False
        message = (
            f"the install command is {size // 1024} KiB; `RUN` passes it to `/bin/sh -c` as "
            f"one argument, and Linux takes none longer than {ARGUMENT_LIMIT // 1024} KiB"
        )
        hint = "move the commands into a script shipped with the payload: `sh install.sh`"
        return [Finding(INSTALL_COMMAND_TOO_LONG, message, ("install-command",), hint)], installed
    if size > min(SHELL_TEXT_LIMIT, budget.left):
        installed.complete = False
        what = (
            f"is {size // 1024} KiB"
            if size > SHELL_TEXT_LIMIT
            else f"brings this file's install commands over {FILE_SHELL_BUDGET // 1024} KiB"
        )
        return [_unchecked(f"the install command {what}")], installed
    budget.left -= size
    parsed = _parse(command)
    if isinstance(parsed, RecursionError):
        installed.complete = False
        return [_unchecked("the install command nests deeper than hydro follows")], installed
    if isinstance(parsed, Exception):
        error = parsed
        installed.complete = False  # what it would install is unknown
        position = getattr(error, "position", len(command))
        reason = getattr(error, "message", str(error))
        return [
            Finding(
                INSTALL_COMMAND_SYNTAX,
                f"`/bin/sh` cannot parse the install command: {reason}",
                ("install-command",),
                "write one shell command, e.g. `pip install -r requirements.txt`",
                span=place(position, position + 1),
            )
        ], installed
    walker = _Walker(container, place, shown, installed)
    try:
        for tree in parsed:
            walker.visit(tree)
    except RecursionError:
        installed.complete = False
        return [_unchecked("the install command nests deeper than hydro follows")], installed
    return walker.findings, installed


def _unchecked(why: str) -> Finding:
    return Finding(
        INSTALL_COMMAND_UNCHECKED,
        f"{why}: it is not checked, nor what it installs",
        ("install-command",),
        "move the commands into a script shipped with the payload: `sh install.sh`",
    )


@functools.lru_cache(maxsize=256)
def _parse(command: str) -> list[Any] | Exception:
    """The command's syntax trees (bashlex), or why `/bin/sh` would not parse it. A tree
    of models mostly repeats a few commands, and the walk only reads the trees."""
    from .shell import bashlex as imported

    bashlex = imported()  # its grammar's tables come from hydro's cache after the first run
    try:
        return list(bashlex.parse(command))
    except (bashlex.errors.ParsingError, NotImplementedError, IndexError, RecursionError) as error:
        return error


class _Walker:
    """Follows the command's simple commands in order, with the folder `cd` leaves."""

    def __init__(
        self,
        container: Container,
        place: Place,
        shown: Callable[[Path], str],
        installed: Installed,
        depth: int = 0,
    ) -> None:
        self.depth = depth  # scripts run by scripts, this deep
        self.container = container
        self.place = place
        self.shown = shown
        self.installed = installed
        self.folder = FILES
        self.environment: dict[str, tuple[str, int, int]] = {}
        #: The environment of the command being read (exports and its own assignments).
        self.command_environment: dict[str, tuple[str, int, int]] = {}
        self.findings: list[Finding] = []

    def visit(self, node: Any, piped: bool = False) -> None:
        if node.kind == "command":
            self.command(node, piped)
        commands = 0
        for part in getattr(node, "parts", None) or ():
            if node.kind != "command":
                self.visit(part, piped or (node.kind == "pipeline" and commands > 0))
                commands += part.kind == "command"
        for attribute in ("list", "command"):
            inner = getattr(node, attribute, None)
            if inner is not None and node.kind != "command" and hasattr(inner, "kind"):
                self.visit(inner)

    def command(self, node: Any, piped: bool) -> None:
        environment = dict(self.environment)
        words: list[tuple[str, int, int]] = []
        writes: list[Word] = []
        for part in node.parts:
            if part.kind == "assignment" and not words:
                name, _, value = part.word.partition("=")
                environment[name] = (value, part.pos[0] + len(name) + 1, part.pos[1])
            elif part.kind == "word":
                words.append((part.word, part.pos[0], part.pos[1]))
            elif part.kind == "redirect" and part.type in _WRITING and hasattr(part.output, "word"):
                output = part.output
                writes.append((output.word, output.pos[0], output.pos[1]))
        if not words:
            self.environment.update(environment)  # `A=b` alone sets it for what follows
            return
        sudo, words = _without_sudo(words)
        self.installed.commands.append(Ran(words, sudo, piped, self.folder, writes))
        if not words:
            return
        name = words[0][0]
        if name == "export":
            for word, start, end in words[1:]:
                key, equals, value = word.partition("=")
                if equals:
                    self.environment[key] = (value, start + len(key) + 1, end)
            return
        if name == "cd" and len(words) > 1 and "$" not in words[1][0]:
            self.folder = resolve(words[1][0], self.folder)
            return
        if "PIP_CONFIG_FILE" in environment and self._is_pip(words):
            self.pip_config(*environment["PIP_CONFIG_FILE"])
        if self._is_pip(words):
            if "PIP_TRUSTED_HOST" in environment:
                hosts = trusted_hosts(environment["PIP_TRUSTED_HOST"][0])
                self.installed.trusted |= hosts
                self.installed.indexes += [(1, "--trusted-host", host) for host in hosts]
            self.command_environment = environment
            self.pip(words[self._pip_arguments(words) :])
        elif name in _SHELLS and len(words) > 1 and not words[1][0].startswith("-"):
            found = self.needs(*words[1], "the script it runs")
            if found is None:
                self.installed.complete = False
            else:
                self.script(found)
        elif _PYTHON.fullmatch(name) and len(words) > 1 and not words[1][0].startswith("-"):
            self.installed.complete = False  # what a Python script installs is not followed
            self.needs(*words[1], "the script it runs")
        elif name.startswith("./"):
            self.installed.complete = False
            self.needs(*words[0], "the script it runs")
        elif name in _OTHER_INSTALLERS:
            self.installed.complete = False

    @staticmethod
    def _is_pip(words: list[tuple[str, int, int]]) -> bool:
        names = [w for w, _, _ in words]
        if _PIP.fullmatch(names[0]):
            return True
        return bool(_PYTHON.fullmatch(names[0])) and names[1:3] == ["-m", "pip"]

    @staticmethod
    def _pip_arguments(words: list[tuple[str, int, int]]) -> int:
        """Where `pip install`'s own arguments start."""
        first = 3 if words[0][0].startswith("python") else 1
        return first + 1 if len(words) > first and words[first][0] == "install" else len(words)

    def pip(self, words: list[tuple[str, int, int]]) -> None:
        indexes: list[tuple[str, int, int]] = []
        for name, option in _INDEX_VARIABLES.items():
            found = self.environment_value(name)
            if found is not None:
                indexes.append(found)
                self.installed.indexes += [(1, option, url) for url in found[0].split()]
        index = 0
        while index < len(words):
            word, start, end = words[index]
            option, equals, attached = word.partition("=")
            if option in _FILE_OPTIONS or option in _SETTINGS_OPTIONS or option in _INDEX_OPTIONS:
                taken = _value_of(words, index, option, equals, attached)
                if taken is None:
                    break
                index, value = taken
                if option in _FILE_OPTIONS:
                    self.option(_FILE_OPTIONS[option], *value)
                elif option in _SETTINGS_OPTIONS:
                    self.setting(*value)
                elif option == "--trusted-host":
                    self.installed.trusted |= trusted_hosts(value[0])
                    self.installed.indexes.append((2, option, value[0]))
                else:
                    indexes.append(value)
                    wide = "--index-url" if option == "-i" else option
                    self.installed.indexes.append((2, wide, value[0]))
            elif option in ("-f", "--find-links"):
                taken = _value_of(words, index, option, equals, attached)
                if taken is None:
                    break
                index, value = taken
                self.installed.indexes.append((2, "--find-links", value[0]))
            elif option == "--pre":
                self.installed.indexes.append((2, "--pre", ""))
            elif option in _VALUE_OPTIONS and not equals:
                index += 1
            elif not word.startswith("-") and "://" in word:
                self.requirement(word, start, end)  # a URL (or `name @ URL`): pip fetches it
            elif not word.startswith("-") and _is_local(word):
                self.needs(word, start, end, "the package it installs")
            elif not word.startswith("-"):
                self.requirement(word, start, end)
            index += 1
        for url, start, end in indexes:
            self.index(url, start, end)

    def index(self, url: str, start: int, end: int) -> None:
        """An index the command gives pip (`-i`, `PIP_INDEX_URL`): can the build use it?"""
        for part in url.split():  # PIP_EXTRA_INDEX_URL lists several
            offset = start + url.find(part)
            problem = index_problem(part, self.installed.trusted, "--trusted-host ")
            if problem is not None:
                self.findings.append(
                    Finding(
                        problem.rule,
                        problem.message,
                        ("install-command",),
                        problem.hint,
                        span=self.place(offset, offset + len(part)),
                    )
                )

    def environment_value(self, name: str) -> tuple[str, int, int] | None:
        """A variable's value for the command, with where it is written (None: unset, or
        built at run time)."""
        found = self.command_environment.get(name)
        return None if found is None or "$" in found[0] else found

    def requirement(self, word: str, start: int, end: int) -> None:
        """A requirement written on the command line (`pip install numpy==1.21.6`, or a
        URL pip downloads, `name @ https://…`): its name, when it says one."""
        from packaging.requirements import InvalidRequirement, Requirement

        try:
            requirement = Requirement(word)
        except InvalidRequirement:
            self.installed.complete = False  # a URL, a variable: not followed
            return
        self.installed.distributions.add(requirement.name)
        if requirement.url is None:
            where = (start, end)
            self.installed.wanted.append(
                Wanted(
                    requirement.name,
                    requirement.specifier,
                    requirement.marker,
                    None,
                    where,
                    str(requirement),
                )
            )

    def setting(self, word: str, start: int, end: int) -> None:
        """`--config-settings KEY=VALUE` for the build backend: a VALUE that is a path in
        the container (`./build.cfg`, `/model/files/…`) must be there."""
        key, equals, value = word.partition("=")
        if equals and value.startswith(("./", "../", FILES + "/")):
            self.needs(value, start + len(key) + 1, end, "the build setting's file")

    def option(self, what: str, word: str, start: int, end: int) -> None:
        if "://" in word or (what == "editable" and not _is_local(word)):
            self.installed.complete = False  # a URL pip downloads: not read here
            return
        found = self.needs(
            word, start, end, f"the {what} file" if what != "editable" else "the package"
        )
        if found is not None and what in ("requirements", "constraints"):
            path = resolve(word, self.folder)
            self.installed.requirements.append((path, found, what == "requirements"))
        elif found is None and what == "requirements":
            self.installed.complete = False

    def needs(self, word: str, start: int, end: int, what: str) -> Path | None:
        """The file a word names, found in the container, or a finding."""
        if "$" in word or "*" in word:
            self.installed.complete = False
            return None
        path = resolve(word, self.folder)
        if not path.startswith(FILES.rsplit("/", 1)[0] + "/") and word.startswith("/"):
            return None  # a file of the runtime image (/usr/..., /etc/...)
        found = self.container.find(path)
        if found is None and self.container.leaves_root(path):
            self.installed.complete = False
            self.findings.append(
                _outside(
                    self.container, f"{what} `{word}`", ("install-command",), self.place(start, end)
                )
            )
        elif found is None and not self.container.is_folder(path):
            self.findings.append(_missing(self.container, path, word, what, self.place(start, end)))
        return found

    def script(self, host: Path) -> None:
        """A shell script the command runs (`sh setup.sh`): read as the install command
        is, its findings in its own file, what it installs added to the command's."""
        name = self.shown(host)
        data = self.container.root.read(host, SHELL_TEXT_LIMIT)
        if self.depth >= SCRIPT_DEPTH or isinstance(data, Probe):
            self.installed.complete = False  # too deep or too large to follow
            return
        text = data.decode("utf-8", "replace")
        place = text_place(text)
        parsed = _parse(text)
        if isinstance(parsed, Exception):
            self.installed.complete = False
            position = min(getattr(parsed, "position", 0) or 0, max(len(text) - 1, 0))
            why = getattr(parsed, "message", None) or "it nests deeper than hydro follows"
            self.findings.append(
                Finding(
                    INSTALL_COMMAND_SYNTAX,
                    f"`/bin/sh` cannot parse this script: {why}",
                    span=place(position, position + 1),
                    file=name,
                )
            )
            return
        inner = _Walker(self.container, place, self.shown, Installed(), self.depth + 1)
        inner.folder, inner.environment = self.folder, dict(self.environment)
        try:
            for tree in parsed:
                inner.visit(tree)
        except RecursionError:
            self.installed.complete = False
            return
        self.findings += [f._replace(file=name) for f in inner.findings]
        ran = inner.installed
        if len(ran.commands) > 1 and not any(_stops_on_error(r.words) for r in ran.commands):
            self.findings.append(
                Finding(
                    SCRIPT_WITHOUT_ERREXIT,
                    f"this script runs {len(ran.commands)} commands without `set -e`: the "
                    "shell goes on after one fails, and the build sees only the last one's "
                    "exit status",
                    hint="start it with `set -e`, so that the first failure fails the build",
                    span=Span(1, 1, 1, 2),
                    file=name,
                )
            )
        self.installed.merge(ran, name, place)

    def pip_config(self, word: str, start: int, end: int) -> None:
        found = self.needs(word, start, end, "the pip configuration")
        if found is not None:
            findings, trusted, indexes = pip_config(found, self.shown(found), self.container)
            self.findings.extend(findings)
            self.installed.trusted |= trusted
            self.installed.indexes += [(0, option, value) for option, value in indexes]


#: Redirections that write their target (`>`, `>>`, `>|`, `&>`).
_WRITING = (">", ">>", ">|", "&>", "&>>")
#: sudo's options that take a value (`sudo -u app cmd`).
_SUDO_VALUE_OPTIONS = {"-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir",
                       "-h", "--host", "-p", "--prompt", "-r", "--role", "-t", "--type",
                       "-T", "--command-timeout", "-U", "--other-user"}  # fmt: skip


def _without_sudo(words: list[Word]) -> tuple[Word | None, list[Word]]:
    """A command run through `sudo` (and sudo's own options) as `sudo`'s word and the
    command it runs; other commands as they are."""
    if not words or words[0][0] != "sudo":
        return None, words
    index = 1
    while index < len(words) and words[index][0].startswith("-"):
        option = words[index][0]
        index += 2 if option in _SUDO_VALUE_OPTIONS else 1
        if option == "--":
            break
    return words[0], words[index:]


def _value_of(
    words: list[Word], index: int, option: str, equals: str, attached: str
) -> tuple[int, Word] | None:
    """An option's value (`-r FILE` or `--requirement=FILE`) and the index of the last word
    it took; None when the command ends before it."""
    _, start, end = words[index]
    if equals:
        return index, (attached, start + len(option) + 1, end)
    if index + 1 < len(words):
        return index + 1, words[index + 1]
    return None


def _stops_on_error(words: list[Word]) -> bool:
    """Whether a command is `set -e` (or `set -o errexit`, `set -eu`, ...)."""
    if not words or words[0][0] != "set":
        return False
    options = [w[0] for w in words[1:]]
    short = any(o.startswith("-") and not o.startswith("--") and "e" in o[1:] for o in options)
    return short or any(a == "-o" and b == "errexit" for a, b in itertools.pairwise(options))


def text_place(text: str) -> Place:
    """Where characters of a file's text are: [start, end) as a span on the start's line."""
    import bisect

    starts = [0] + [index + 1 for index, c in enumerate(text) if c == "\n"]

    def place(start: int, end: int) -> Span:
        line = bisect.bisect_right(starts, start)
        column = start - starts[line - 1] + 1
        line_end = starts[line] - 1 if line < len(starts) else len(text)
        return Span(line, column, line, column + max(1, min(end, line_end) - start))

    return place


def _is_local(word: str) -> bool:
    return word.startswith((".", "/")) or word.endswith((".whl", ".tar.gz", ".zip"))


def _missing(container: Container, path: str, word: str, what: str, span: Span) -> Finding:
    if too_long(path):
        return Finding(
            INSTALL_FILE_MISSING,
            f"the install command needs {what} `{_shortened(word)}`, whose path "
            f"({_shortened(path)}) has a name longer than {NAME_MAX} bytes: no file system "
            "holds it",
            ("install-command",),
            "shorten the name",
            span=span,
        )
    return Finding(
        INSTALL_FILE_MISSING,
        f"the install command needs {what} `{word}`, which is not in the container ({path})",
        ("install-command",),
        _add_hint(container, path, "fix the name (paths are read from /model/files)"),
        span=span,
    )


def _outside(
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


def _shortened(text: str, keep: int = 40) -> str:
    """A long name as a message shows it: its start and its length."""
    return text if len(text) <= keep else f"{text[:keep]}… ({len(text)} characters)"


# ------------------------------------------------------------------ requirements


def requirements(
    installed: Installed, container: Container, shown: Callable[[Path], str]
) -> list[Finding]:
    """The findings of every requirements file the command installs, nested ones too. Each
    file is read once; `chain` is the files that include it, the first named by the
    command first (a file among them again is a ring that pip never leaves)."""
    queue: list[tuple[str, Path, bool, tuple[Path, ...]]] = [
        (path, host, installs, ()) for path, host, installs in installed.requirements
    ]
    findings: list[Finding] = []
    seen: set[Path] = set()
    while queue:
        path, host, installs, chain = queue.pop(0)
        if host in seen:
            continue
        seen.add(host)
        name = shown(host)
        data = container.root.read(host, READ_LIMIT)
        if isinstance(data, Probe):
            installed.complete = False
            findings.append(_unread(data, name, "requirements file"))
            continue
        try:
            parsed, lines = _parse_requirements(host, data)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            installed.complete = False
            findings.append(_at(REQUIREMENTS_LINE, name, 1, f"pip cannot read the file: {error}"))
            continue
        if parsed.invalid_lines:
            installed.complete = False
        for invalid in parsed.invalid_lines:
            reason = _reason(str(invalid.error_message))
            findings.append(
                _at(
                    REQUIREMENTS_LINE,
                    name,
                    _start(lines, invalid.line_number),
                    f"pip cannot read this line: {reason}",
                )
            )
        folder = path.rsplit("/", 1)[0]
        trusted = installed.trusted | {
            host for option in parsed.options for host in option.options.get("trusted_hosts", [])
        }
        for option in parsed.options:
            at = _start(lines, option.line_number)
            installed.file_options += _pip_options(option.options)
            urls = [option.options.get("index_url"), *option.options.get("extra_index_urls", [])]
            for url in filter(None, urls):
                findings.extend(_insecure(url, trusted, name, lines, at, "--trusted-host "))
            for key in ("requirements", "constraints"):
                for nested in option.options.get(key, []):
                    if "://" in nested:  # pip downloads it: not a file of the container
                        installed.complete &= not (installs and key == "requirements")
                        continue
                    target = resolve(nested, folder)
                    found = container.find(target)
                    nested_installs = installs and key == "requirements"
                    if found is None and container.leaves_root(target):
                        installed.complete &= not nested_installs
                        where = _start(lines, option.line_number)
                        findings.append(
                            _outside(container, f"`{nested}`", span=_span(where), file=name)
                        )
                    elif found is None:
                        installed.complete &= not nested_installs
                        findings.append(
                            _at(
                                REQUIREMENTS_FILE,
                                name,
                                _start(lines, option.line_number),
                                f"`{nested}` is not in the container ({target})",
                                _add_hint(container, target),
                            )
                        )
                    elif found in (*chain, host):
                        installed.complete &= not nested_installs
                        files = (*chain, host)
                        ring = [shown(h) for h in files[files.index(found) :]] + [shown(found)]
                        findings.append(
                            _at(
                                REQUIREMENTS_CYCLE,
                                name,
                                _start(lines, option.line_number),
                                f"`{nested}` closes a ring of includes ({' -> '.join(ring)}): pip "
                                "follows it until Python stops it with RecursionError",
                                "remove the include that leads back",
                            )
                        )
                    elif len(chain) + 1 >= INCLUDE_DEPTH:
                        installed.complete &= not nested_installs
                        findings.append(
                            _at(
                                REQUIREMENTS_DEPTH,
                                name,
                                _start(lines, option.line_number),
                                f"`{nested}` is the {INCLUDE_DEPTH + 1}th level of includes: "
                                "pip may run out of recursion, and hydro follows no further",
                                "flatten the chain: name the files from one requirements file",
                            )
                        )
                    else:
                        queue.append((target, found, nested_installs, (*chain, host)))
        if not installs:  # a constraints file: what it pins, for `--remote`
            installed.constraints += [
                _as_pip_reads(requirement)
                for requirement in parsed.requirements
                if requirement.req is not None and not requirement.is_url
            ]
        for requirement in parsed.requirements if installs else ():
            link = requirement.link
            if requirement.is_url and not str(link).startswith("file:"):
                installed.complete &= requirement.name is not None
                if requirement.name:
                    installed.distributions.add(requirement.name)  # `name @ URL`, `#egg=`
            elif requirement.is_local_path and link is not None:
                installed.complete = False  # a local package: its name is not read here
                target = resolve(str(link.url if hasattr(link, "url") else link), FILES)
                if container.find(target) is None and not container.is_folder(target):
                    findings.append(
                        _at(
                            REQUIREMENTS_FILE,
                            name,
                            _start(lines, requirement.line_number),
                            f"`{link}` is not in the container ({target})",
                            _add_hint(container, target),
                        )
                    )
            elif requirement.name:
                installed.distributions.add(requirement.name)
                if requirement.req is not None:
                    where = _start(lines, requirement.line_number)
                    installed.wanted.append(
                        Wanted(
                            requirement.name,
                            requirement.req.specifier,
                            requirement.marker,
                            name,
                            where,
                            _as_pip_reads(requirement),
                        )
                    )
                if not requirement.is_pinned and not requirement.is_url:
                    findings.append(
                        _at(
                            REQUIREMENT_UNPINNED,
                            name,
                            _start(lines, requirement.line_number),
                            f"`{requirement.name}` has no exact version: each build may install "
                            "another",
                            f"pin it, e.g. `{requirement.name}==<version>`",
                        )
                    )
    return findings


def _as_pip_reads(requirement: Any) -> str:
    """A parsed requirements line as one requirement, its marker included."""
    marker = requirement.marker
    return f"{requirement.req} ; {marker}" if marker else str(requirement.req)


def _pip_options(options: dict[str, Any]) -> list[str]:
    """A requirements file's option line as the pip options `--remote` hands pip: where
    to look for packages."""
    found = []
    if options.get("no_index"):
        found.append("--no-index")
    if options.get("index_url"):
        found.append(f"--index-url {options['index_url']}")
    found += [f"--extra-index-url {url}" for url in options.get("extra_index_urls", [])]
    found += [f"--trusted-host {host}" for host in options.get("trusted_hosts", [])]
    found += [f"--find-links {url}" for url in options.get("find_links", [])]
    if options.get("pre"):
        found.append("--pre")
    return found


#: Requirements files parsed, by their text: the models of a repository often share them,
#: and pip's grammar is slow to apply (an option parser per line).
_PARSED: dict[str, Any] = {}
_PARSED_LIMIT = 256


def _parse_requirements(host: Path, data: bytes) -> tuple[Any, list[str]]:
    """A requirements file as pip reads it (pip-requirements-parser), and its lines; `data`
    is its content, read through the root (the parser reads the file again by its name)."""
    text = data.decode("utf-8")
    parsed = _PARSED.get(text)
    if parsed is None:
        from pip_requirements_parser import RequirementsFile

        parsed = RequirementsFile.from_file(str(host), include_nested=False)
        # It builds an option parser per line, each a reference cycle; a lint runs with the
        # cyclic collector off (runner), so the young ones are collected here.
        gc.collect(0)
        if len(_PARSED) < _PARSED_LIMIT:
            _PARSED[text] = parsed
    return parsed, text.split("\n")


def _reason(message: str) -> str:
    """pip's own words for a bad line, without the parser's trace of what it expected."""
    first = message.strip().split("\n")[0].removeprefix("Invalid requirement: ")
    return first.split(": Expected")[0].rstrip(" ?:") or "not a requirement"


def _add_hint(container: Container, path: str, otherwise: str = "remove the line") -> str:
    """What to do about a file the container lacks: it may be beside the manifest already."""
    if container.beside_manifest(path) is not None:
        relative = path[len(FILES) + 1 :]
        return f"add `{relative}` to `payload`: it is beside the manifest, not in the container"
    return f"ship it with a payload entry, or {otherwise}"


def _at(
    rule: Any,
    file: str,
    where: int | tuple[int, int],
    message: str,
    hint: str | None = None,
    width: int = 1,
) -> Finding:
    """A finding in a payload file, at a line (its first character) or a line and column."""
    return Finding(rule, message, hint=hint, span=_span(where, width), file=file)


def _span(where: int | tuple[int, int], width: int = 1) -> Span:
    line, column = where if isinstance(where, tuple) else (where, 1)
    return Span(line, column, line, column + width)


def _unread(found: Probe, name: str, what: str) -> Finding:
    """A payload file that was found but is not read: too large, or unreadable."""
    if found.size is not None:
        return _at(
            FILE_TOO_LARGE,
            name,
            1,
            f"this {what} is {found.size / 1024 / 1024:.1f} MiB; hydro reads such files up to "
            f"{READ_LIMIT // 1024 // 1024} MiB, so it is not checked",
            "is it generated? a file this large is not what pip is meant to read",
        )
    return _at(
        READ_ERROR, name, 1, f"this {what} cannot be read ({found.reason or found.kind.value})"
    )


def _start(lines: list[str], line: int) -> tuple[int, int]:
    """A line and the column of its first character that is not blank."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return line, len(text) - len(text.lstrip()) + 1


# ------------------------------------------------------------------ pip.conf

#: pip's configuration sections: `global` and its commands.
_SECTIONS = ("global", "install", "download", "wheel", "list", "freeze", "uninstall", "show",
             "config", "cache", "index", "hash", "inspect", "check", "debug", "search")  # fmt: skip
#: The options pip's configuration may set, by their long names.
_KEYS = ("index-url", "extra-index-url", "trusted-host", "find-links", "no-index", "timeout",
         "retries", "proxy", "cert", "client-cert", "cache-dir", "no-cache-dir",
         "disable-pip-version-check", "no-input", "quiet", "verbose", "log", "pre", "user",
         "prefer-binary", "only-binary", "no-binary", "require-hashes", "progress-bar",
         "upgrade", "upgrade-strategy", "no-deps", "target", "prefix", "root", "src",
         "constraint", "requirement", "no-build-isolation", "use-pep517", "no-warn-script-location",
         "no-warn-conflicts", "break-system-packages", "exists-action", "default-timeout",
         "keyring-provider", "python", "isolated", "use-feature", "use-deprecated",
         "no-color", "root-user-action", "ignore-installed", "force-reinstall", "compile",
         "no-compile", "editable", "platform", "python-version", "implementation", "abi",
         "format", "format-control", "global-option", "config-settings")  # fmt: skip


def pip_config(
    host: Path, name: str, container: Container
) -> tuple[list[Finding], set[str], list[tuple[str, str]]]:
    """The findings of a pip configuration file, as pip would read it, the hosts it trusts,
    and where it tells `pip install` to look for packages (as pip's options and values)."""
    data = container.root.read(host, READ_LIMIT)
    if isinstance(data, Probe):
        return [_unread(data, name, "pip configuration")], set(), []
    text = data.decode("utf-8", "replace")
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=name)
    except configparser.Error as error:
        line = getattr(error, "lineno", None) or _first_line(text)
        unread = getattr(error, "errors", None)  # ParsingError's lines (not its subclasses')
        if not getattr(error, "lineno", None) and unread:
            line = unread[0][0]
        message = (
            str(error)
            .split("\n")[0]
            .replace(f"File contains no section headers.\nfile: {name!r}", "")
        )
        return (
            [
                _at(
                    PIP_CONFIG_FILE,
                    name,
                    line,
                    f"pip cannot read this configuration: {_config_problem(error, message)}",
                    "start with a section, `[global]`, and write `key = value` lines, each key "
                    "once",
                )
            ],
            set(),
            [],
        )
    findings: list[Finding] = []
    indexes: list[tuple[str, str]] = []
    lines = text.split("\n")
    trusted = {
        host
        for section in parser.sections()
        for host in trusted_hosts(parser.get(section, "trusted-host", fallback=""))
    }
    for section in parser.sections():
        if section not in _SECTIONS:
            findings.append(
                _at(
                    PIP_CONFIG_KEY,
                    name,
                    _line_of(lines, f"[{section}]"),
                    f"pip has no section `[{section}]`: it reads `[global]` and its commands'",
                    did_you_mean(section, _SECTIONS),
                    len(section) + 2,
                )
            )
            continue
        for key, value in parser.items(section):
            line = _line_of(lines, key, section)
            canonical = key.replace("_", "-")
            if canonical not in _KEYS:
                findings.append(
                    _at(
                        PIP_CONFIG_KEY,
                        name,
                        line,
                        f"pip has no option `{key}`: it passes over it",
                        did_you_mean(canonical, _KEYS),
                        len(key),
                    )
                )
            elif canonical in ("index-url", "extra-index-url"):
                findings.extend(_insecure(value, trusted, name, lines, line))
                if section in _INSTALLING:
                    indexes += [(f"--{canonical}", url) for url in value.split()]
            elif canonical in ("trusted-host", "find-links") and section in _INSTALLING:
                indexes += [(f"--{canonical}", part) for part in trusted_hosts(value)]
            elif canonical in ("cert", "client-cert"):
                target = resolve(value.strip(), FILES)
                found = container.find(target)
                if found is None and container.leaves_root(target):
                    what = f"`{key}` ({value.strip()})"
                    findings.append(_outside(container, what, span=_span(line), file=name))
                elif found is None:
                    findings.append(
                        _at(
                            PIP_CONFIG_FILE,
                            name,
                            line,
                            f"`{key}` names {value.strip()}, which is not in the container",
                            _add_hint(container, target),
                        )
                    )
    return findings, trusted, indexes


#: The sections of pip.conf that `pip install` reads.
_INSTALLING = ("global", "install")


def _insecure(
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
            at = _text_at(lines, url, key_at)
            yield _at(problem.rule, name, at, problem.message, problem.hint, len(url))


def _text_at(lines: list[str], text: str, start: tuple[int, int]) -> tuple[int, int]:
    """Where a value's text is, on its key's line or a continuation line below it."""
    for number in range(start[0], len(lines) + 1):
        column = lines[number - 1].find(text)
        if column >= 0:
            return number, column + 1
    return start


def _config_problem(error: configparser.Error, message: str) -> str:
    if isinstance(error, configparser.MissingSectionHeaderError):
        return "a line comes before the first section"
    if isinstance(error, configparser.DuplicateOptionError):
        return f"`{error.option}` is set twice in `[{error.section}]`"
    if isinstance(error, configparser.DuplicateSectionError):
        return f"the section `[{error.section}]` is written twice"
    if isinstance(error, configparser.ParsingError):
        return "a line is not `key = value`"
    return message or type(error).__name__


def _first_line(text: str) -> int:
    return next((n for n, line in enumerate(text.split("\n"), 1) if line.strip()), 1)


def _line_of(lines: list[str], key: str, section: str | None = None) -> tuple[int, int]:
    """Where a key is set (in its section), or a section starts: line and column."""
    current = None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        column = len(line) - len(line.lstrip()) + 1
        if stripped.startswith("["):
            current = stripped.strip("[]").strip()
            if stripped == key:
                return number, column
        elif (section is None or current == section) and re.match(
            rf"{re.escape(key)}\s*[=:]", stripped, re.IGNORECASE
        ):
            return number, column
    return 1, 1
