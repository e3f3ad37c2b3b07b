"""pip.conf as pip reads it (configparser): the sections and keys pip knows, the indexes
it can use, the files it names."""

from __future__ import annotations

import configparser
import re

from ....diagnostics import Finding
from ....root import Probe
from ....suggest import did_you_mean
from .index import trusted_hosts
from .layout import FILES, Container, resolve
from .located import (
    READ_LIMIT,
    add_hint,
    at_line,
    insecure_index,
    outside_root,
    span_at,
    unread,
)
from .rules import (
    PIP_CONFIG_FILE,
    PIP_CONFIG_KEY,
)

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
    host: str, name: str, container: Container
) -> tuple[list[Finding], set[str], list[tuple[str, str]]]:
    """The findings of a pip configuration file, as pip would read it, the hosts it trusts,
    and where it tells `pip install` to look for packages (as pip's options and values)."""
    data = container.root.read(host, READ_LIMIT)
    if isinstance(data, Probe):
        return [unread(data, name, "pip configuration")], set(), []
    text = data.decode("utf-8", "replace")
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=name)
    except configparser.Error as error:
        line = getattr(error, "lineno", None) or _first_line(text)
        skipped = getattr(error, "errors", None)  # ParsingError's lines (not its subclasses')
        if not getattr(error, "lineno", None) and skipped:
            line = skipped[0][0]
        message = (
            str(error)
            .split("\n")[0]
            .replace(f"File contains no section headers.\nfile: {name!r}", "")
        )
        return (
            [
                at_line(
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
                at_line(
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
                    at_line(
                        PIP_CONFIG_KEY,
                        name,
                        line,
                        f"pip has no option `{key}`: it passes over it",
                        did_you_mean(canonical, _KEYS),
                        len(key),
                    )
                )
            elif canonical in ("index-url", "extra-index-url"):
                findings.extend(insecure_index(value, trusted, name, lines, line))
                if section in _INSTALLING:
                    indexes += [(f"--{canonical}", url) for url in value.split()]
            elif canonical in ("trusted-host", "find-links") and section in _INSTALLING:
                indexes += [(f"--{canonical}", part) for part in trusted_hosts(value)]
            elif canonical in ("cert", "client-cert"):
                target = resolve(value.strip(), FILES)
                found = container.find(target)
                if found is None and container.leaves_root(target):
                    what = f"`{key}` ({value.strip()})"
                    findings.append(outside_root(container, what, span=span_at(line), file=name))
                elif found is None:
                    findings.append(
                        at_line(
                            PIP_CONFIG_FILE,
                            name,
                            line,
                            f"`{key}` names {value.strip()}, which is not in the container",
                            add_hint(container, target),
                        )
                    )
    return findings, trusted, indexes


#: The sections of pip.conf that `pip install` reads.
_INSTALLING = ("global", "install")


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
