"""The image build: the install command as `/bin/sh` reads it, and what it hands pip.

The manager's Dockerfile is `FROM <runtime>`, `ADD model /model`, `WORKDIR /model/files`,
`RUN <install-command>` (`BuildScript.scala`). The command, and the scripts it runs, are
parsed with a shell grammar (bashlex); the files it names are looked up in the container.
The requirements files it hands pip are read in `requirements`, a pip.conf it points pip
at in `pip_conf`. Nothing is run.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ....diagnostics import Finding, Span
from ....root import Probe
from . import FILE_SHELL_BUDGET, ShellBudget
from .image_rules import (
    SCRIPT_WITHOUT_ERREXIT,
)
from .index import index_problem, trusted_hosts
from .layout import FILES, Container, resolve
from .located import missing_file, outside_root
from .packages import Wanted
from .pip_conf import pip_config
from .rules import (
    INSTALL_COMMAND_SYNTAX,
    INSTALL_COMMAND_TOO_LONG,
    INSTALL_COMMAND_UNCHECKED,
)

#: Scripts run by scripts are followed this deep.
SCRIPT_DEPTH = 3
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

    requirements: list[tuple[str, str, bool]] = field(default_factory=list)
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
    shown: Callable[[str], str],
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
        return [
            Finding(INSTALL_COMMAND_TOO_LONG, message, ("install-command",), SHIP_A_SCRIPT)
        ], installed
    if size > min(SHELL_TEXT_LIMIT, budget.left):
        installed.complete = False
        what = (
            f"is {size // 1024} KiB"
            if size > SHELL_TEXT_LIMIT
            else f"brings this file's install commands over {FILE_SHELL_BUDGET // 1024} KiB"
        )
        return [_unchecked(f"the install command {what}")], installed
    budget.left -= size
    from .shell import TOO_DEEP, Unfollowed, parse  # (the grammar only where there is a command)

    parsed = parse(command)
    if isinstance(parsed, Unfollowed):
        installed.complete = False
        return [
            _unchecked(f"the install command {parsed}", parsed.hint or SHIP_A_SCRIPT)
        ], installed
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
        return [_unchecked(f"the install command {TOO_DEEP}")], installed
    return walker.findings, installed


#: What to do about a command too long or too deep for the shell grammar.
SHIP_A_SCRIPT = "move the commands into a script shipped with the payload: `sh install.sh`"


def _unchecked(why: str, hint: str = SHIP_A_SCRIPT) -> Finding:
    return Finding(
        INSTALL_COMMAND_UNCHECKED,
        f"{why}: it is not checked, nor what it installs",
        ("install-command",),
        hint,
    )


class _Walker:
    """Follows the command's simple commands in order, with the folder `cd` leaves."""

    def __init__(
        self,
        container: Container,
        place: Place,
        shown: Callable[[str], str],
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

    def needs(self, word: str, start: int, end: int, what: str) -> str | None:
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
                outside_root(
                    self.container, f"{what} `{word}`", ("install-command",), self.place(start, end)
                )
            )
        elif found is None and not self.container.is_folder(path):
            self.findings.append(
                missing_file(self.container, path, word, what, self.place(start, end))
            )
        return found

    def script(self, host: str) -> None:
        """A shell script the command runs (`sh setup.sh`): read as the install command
        is, its findings in its own file, what it installs added to the command's."""
        name = self.shown(host)
        data = self.container.root.read(host, SHELL_TEXT_LIMIT)
        if self.depth >= SCRIPT_DEPTH or isinstance(data, Probe):
            self.installed.complete = False  # too deep or too large to follow
            return
        text = data.decode("utf-8", "replace")
        place = text_place(text)
        from .shell import Unfollowed, parse

        parsed = parse(text)
        if isinstance(parsed, Unfollowed):
            self.installed.complete = False
            self.findings.append(
                Finding(
                    INSTALL_COMMAND_UNCHECKED,
                    f"this script {parsed}: it is not checked, nor what it installs",
                    span=place(0, min(len(text), 1)),
                    file=name,
                )
            )
            return
        if isinstance(parsed, Exception):
            self.installed.complete = False
            position = min(getattr(parsed, "position", 0) or 0, max(len(text) - 1, 0))
            why = getattr(parsed, "message", None) or str(parsed)
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
