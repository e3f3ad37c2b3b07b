"""Requirements files as pip reads them (pip-requirements-parser): each file the install
command hands pip, the files they include, what they install and constrain, and where
pip is told to look for packages."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import Any

from ....diagnostics import Finding
from ....root import Probe
from .build import Installed
from .layout import FILES, Container, resolve
from .located import (
    READ_LIMIT,
    add_hint,
    at_line,
    insecure_index,
    line_start,
    outside_root,
    span_at,
    unread,
)
from .packages import Wanted
from .rules import (
    REQUIREMENT_UNPINNED,
    REQUIREMENTS_CYCLE,
    REQUIREMENTS_DEPTH,
    REQUIREMENTS_FILE,
    REQUIREMENTS_LINE,
)

#: `-r` inside `-r` is followed this deep (each file once).
INCLUDE_DEPTH = 100


def requirements(
    installed: Installed, container: Container, shown: Callable[[str], str]
) -> list[Finding]:
    """The findings of every requirements file the command installs, nested ones too. Each
    file is read once; `chain` is the files that include it, the first named by the
    command first (a file among them again is a ring that pip never leaves)."""
    queue: list[tuple[str, str, bool, tuple[str, ...]]] = [
        (path, host, installs, ()) for path, host, installs in installed.requirements
    ]
    findings: list[Finding] = []
    seen: set[str] = set()
    while queue:
        path, host, installs, chain = queue.pop(0)
        if host in seen:
            continue
        seen.add(host)
        name = shown(host)
        data = container.root.read(host, READ_LIMIT)
        if isinstance(data, Probe):
            installed.complete = False
            findings.append(unread(data, name, "requirements file"))
            continue
        try:
            parsed, lines = _parse_requirements(host, data)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            installed.complete = False
            findings.append(
                at_line(REQUIREMENTS_LINE, name, 1, f"pip cannot read the file: {error}")
            )
            continue
        if parsed.invalid_lines:
            installed.complete = False
        for invalid in parsed.invalid_lines:
            reason = _reason(str(invalid.error_message))
            findings.append(
                at_line(
                    REQUIREMENTS_LINE,
                    name,
                    line_start(lines, invalid.line_number),
                    f"pip cannot read this line: {reason}",
                )
            )
        folder = path.rsplit("/", 1)[0]
        trusted = installed.trusted | {
            host for option in parsed.options for host in option.options.get("trusted_hosts", [])
        }
        for option in parsed.options:
            at = line_start(lines, option.line_number)
            installed.file_options += _pip_options(option.options)
            urls = [option.options.get("index_url"), *option.options.get("extra_index_urls", [])]
            for url in filter(None, urls):
                findings.extend(insecure_index(url, trusted, name, lines, at, "--trusted-host "))
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
                        where = line_start(lines, option.line_number)
                        findings.append(
                            outside_root(container, f"`{nested}`", span=span_at(where), file=name)
                        )
                    elif found is None:
                        installed.complete &= not nested_installs
                        findings.append(
                            at_line(
                                REQUIREMENTS_FILE,
                                name,
                                line_start(lines, option.line_number),
                                f"`{nested}` is not in the container ({target})",
                                add_hint(container, target),
                            )
                        )
                    elif found in (*chain, host):
                        installed.complete &= not nested_installs
                        files = (*chain, host)
                        ring = [shown(h) for h in files[files.index(found) :]] + [shown(found)]
                        findings.append(
                            at_line(
                                REQUIREMENTS_CYCLE,
                                name,
                                line_start(lines, option.line_number),
                                f"`{nested}` closes a ring of includes ({' -> '.join(ring)}): pip "
                                "follows it until Python stops it with RecursionError",
                                "remove the include that leads back",
                            )
                        )
                    elif len(chain) + 1 >= INCLUDE_DEPTH:
                        installed.complete &= not nested_installs
                        findings.append(
                            at_line(
                                REQUIREMENTS_DEPTH,
                                name,
                                line_start(lines, option.line_number),
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
                        at_line(
                            REQUIREMENTS_FILE,
                            name,
                            line_start(lines, requirement.line_number),
                            f"`{link}` is not in the container ({target})",
                            add_hint(container, target),
                        )
                    )
            elif requirement.name:
                installed.distributions.add(requirement.name)
                if requirement.req is not None:
                    where = line_start(lines, requirement.line_number)
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
                        at_line(
                            REQUIREMENT_UNPINNED,
                            name,
                            line_start(lines, requirement.line_number),
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


#: Requirements files parsed, by their text but comments: the models of a repository often
#: share them, and pip's grammar is slow to apply.
_PARSED: dict[str, Any] = {}
_PARSED_LIMIT = 256


def _parse_requirements(host: str, data: bytes) -> tuple[Any, list[str]]:
    """A requirements file as pip reads it (pip-requirements-parser), and its lines; `data`
    is its content, read through the root (the parser reads the file again by its name)."""
    text = data.decode("utf-8")
    lines = text.split("\n")
    # Files that differ only in their comments (`# model-7`) read alike, line for line.
    key = "\n".join("" if line.lstrip().startswith("#") else line for line in lines)
    parsed = _PARSED.get(key)
    if parsed is None:
        from pip_requirements_parser import RequirementsFile

        each_line = _parse_each_line_once()
        before = each_line.cache_info().misses
        parsed = RequirementsFile.from_file(str(host), include_nested=False)
        # It builds an option parser per new line, each a reference cycle; a lint runs with
        # the cyclic collector off (runner), so the young ones are collected here.
        if each_line.cache_info().misses != before:
            gc.collect(0)
        # (kept only without invalid lines, whose messages may name this file)
        if len(_PARSED) < _PARSED_LIMIT and not parsed.invalid_lines:
            _PARSED[key] = parsed
    return parsed, lines


def _reason(message: str) -> str:
    """pip's own words for a bad line, without the parser's trace of what it expected."""
    first = message.strip().split("\n")[0].removeprefix("Invalid requirement: ")
    return first.split(": Expected")[0].rstrip(" ?:") or "not a requirement"


@functools.cache
def _parse_each_line_once() -> Any:
    """pip-requirements-parser builds an option parser for every line it reads (pip's
    grammar, as optparse options), most of a requirements file's time; the files of a
    repository repeat the same lines (`numpy==1.21.6`) with a comment or an order of their
    own. Its line parser is wrapped once (and returned), so each distinct line is parsed
    once a run (what it returns is only read)."""
    import pip_requirements_parser as grammar

    each_line = grammar.get_line_parser()
    once = functools.lru_cache(maxsize=4096)(each_line)
    grammar.get_line_parser = lambda: once
    return once
