"""`--remote`: each Model's requirements resolved by pip's own resolver, as the image build
would install them, before anything is uploaded.

pip runs as a subprocess (`pip install --dry-run --report`), never imported, with the
image's Python (`--python-version`), CPython, manylinux x86_64 for the image's glibc, and
`--only-binary=:all:` (the images have no compiler, and no package's build code runs
here); pip refuses those options without `--target`, so a scratch folder is given. The
index is the one the container would use (the payload's pip.conf, the requirements'
option lines, the command's options and variables; else PyPI), never this machine's pip
configuration (`--isolated`, `PIP_CONFIG_FILE=/dev/null`, no `PIP_*` variables).

The runtime's locked packages are constraints of a first run, as pip in the image leaves
a satisfied package alone; only when they conflict does a second run without them show
what pip would put in their place, and what pulls it in.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ....diagnostics import Finding, Span
from ....diagnostics import Path as DocumentPath
from ....options import DEFAULT_RESOLVE_TIMEOUT
from ....redaction import redact
from ....rules import Rule
from .rules import (
    IMPORT_NOT_INSTALLED,
    REQUIREMENT_BREAKS_RUNTIME,
    REQUIREMENT_MAY_NEED_COMPILER,
    REQUIREMENT_NEEDS_NEWER_PYTHON,
    REQUIREMENT_NO_WHEEL,
    REQUIREMENT_NOT_FOUND,
    REQUIREMENT_VERSION_MISSING,
    REQUIREMENTS_CONFLICT,
    REQUIREMENTS_UNRESOLVED,
)

if TYPE_CHECKING:
    from .build import Installed
    from .images import Image, Named

PYPI = "https://pypi.org/simple/"
#: How long a resolution is reused (wheels' file lists are kept: a file never changes).
CACHE_SECONDS = 24 * 3600
_INSTALL_COMMAND: DocumentPath = ("install-command",)


class Placed(NamedTuple):
    """A requirement of the Model and where it is written: in a payload file (`file`), or
    in the manifest's install command (`file` None)."""

    name: str  # canonical
    text: str
    file: str | None
    span: Span


class Missing(NamedTuple):
    """An import of func_main.py nothing known provides, with the warning given when
    pip's answer cannot settle it."""

    module: str
    warning: Finding


@dataclass
class Resolution:
    """One Model's requirements as pip in its image build gets them, and where to report
    what pip says (built while checking its file; resolved after all files)."""

    document: int
    model: str  # "Model 'x' of serving.yaml": messages in payload files name it
    runtime: str  # serving-runtime-python-3.7:3.0.3
    tag: str
    python: str
    glibc: int  # manylinux_2_<glibc>
    lock: dict[str, str]
    provided: frozenset[str]  # modules the runtime image itself has
    requirements: list[str]
    constraints: list[str]
    indexes: list[tuple[int, str, str]]
    file_options: list[str]
    placed: list[Placed]
    command: Span  # the install command's value
    complete: bool  # hydro knows all the command installs
    missing: list[Missing] = field(default_factory=list)


def resolution(
    name: Named,
    image: Image,
    installed: Installed,
    missing: list[tuple[str, Finding]],
    model: str,
    place: Callable[[int, int], Span],
    command: Span,
) -> Resolution:
    """What a Model's install command hands pip, as `--remote` hands it on."""
    from .runtime import RUNTIME_PACKAGES

    placed = []
    for wanted in installed.wanted:
        if not wanted.text:
            continue
        if wanted.file is None:
            span = place(*wanted.where)
        else:
            line, column = wanted.where
            span = Span(line, column, line, column + len(wanted.name))
        placed.append(Placed(_canonical(wanted.name), wanted.text, wanted.file, span))
    lock = image.packages.value
    shadows = image.shadows.value
    assert isinstance(shadows, frozenset)
    return Resolution(
        document=0,
        model=model,
        runtime=f"serving-runtime-python-{name.variant}:{name.tag}",
        tag=name.tag,
        python=image.python.get(name.variant) or name.variant,
        glibc=28 if image.debian.value == "buster" else 31,
        lock=dict(lock) if isinstance(lock, dict) else {},
        provided=RUNTIME_PACKAGES | shadows,
        requirements=[p.text for p in placed],
        constraints=list(installed.constraints),
        indexes=list(installed.indexes),
        file_options=list(installed.file_options),
        placed=placed,
        command=command,
        complete=installed.complete,
        missing=[Missing(module, warning) for module, warning in missing],
    )


class Answer(NamedTuple):
    """What pip said of a set of requirements: the distributions it would install (name,
    version, what each requires, its file, whether asked for directly), or its output."""

    installed: list[dict[str, Any]] | None
    output: str
    unreachable: str | None = None


Progress = Callable[[int, int], None]


def resolve_all(
    resolutions: list[Resolution],
    *,
    index_url: str | None = None,
    timeout: float = DEFAULT_RESOLVE_TIMEOUT,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[list[Finding]]:
    """Each Model's findings, in the order given. Models with the same requirements, index
    and image are resolved once; results are cached for a day under the user cache folder
    (HYDRO_CACHE_DIR, else XDG_CACHE_HOME/hydro or ~/.cache/hydro)."""
    keys = [_Request.of(r, index_url, timeout) for r in resolutions]
    unique = list({key.key: key for key in keys}.values())
    answers: dict[str, Answer] = {}
    done = 0

    def judged(pair: tuple[Resolution, _Request]) -> list[Finding]:
        resolution, request = pair
        return list(_Judge(resolution, request, answers[request.key], index_url).findings())

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for request, answer in zip(unique, pool.map(_answer, unique), strict=True):
            answers[request.key] = answer
            done += 1
            if progress is not None:
                progress(done, len(unique))
        # what pip's answers leave open (an index page, wheels' modules) is asked in parallel
        return list(pool.map(judged, zip(resolutions, keys, strict=True)))


# ------------------------------------------------------------------ asking pip


@dataclass(frozen=True)
class _Request:
    arguments: tuple[str, ...]
    requirements: tuple[str, ...]
    constraints: tuple[str, ...]
    lock: tuple[str, ...]
    timeout: float
    key: str
    #: Why pip is not asked: the container installs from files (`--find-links wheels/`,
    #: a `file:` index, `--no-index`), which hydro does not hand to pip.
    local: str | None = None

    @classmethod
    def of(cls, resolution: Resolution, index_url: str | None, timeout: float) -> _Request:
        arguments = [
            "--python-version", resolution.python, "--implementation", "cp",
            "--only-binary=:all:",
            *(option for tag in _platforms(resolution.glibc) for option in ("--platform", tag)),
            *_index_options(resolution, index_url),
        ]  # fmt: skip
        lines = [
            line
            for line in resolution.file_options
            if index_url is None or not line.startswith(_INDEX_LINES)
        ]
        requirements = tuple(lines + resolution.requirements)
        lock = tuple(f"{name}=={version}" for name, version in sorted(resolution.lock.items()))
        material = json.dumps(
            [arguments, requirements, resolution.constraints, lock, _PIP_VERSION_KEY]
        )
        key = hashlib.sha256(material.encode()).hexdigest()
        constraints = tuple(resolution.constraints)
        local = _local_source(resolution, index_url)
        return cls(tuple(arguments), requirements, constraints, lock, timeout, key, local)


_INDEX_LINES = ("--index-url", "--extra-index-url", "--no-index", "--find-links")
#: Part of the cache key: a new hydro may read pip's answers differently.
_PIP_VERSION_KEY = "hydro-resolve-1"


def _platforms(glibc: int) -> list[str]:
    """The platform tags of the image's glibc, newest first, with their legacy aliases."""
    tags = [f"manylinux_2_{minor}_x86_64" for minor in range(glibc, 4, -1)]
    return [*tags, "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64",
            "linux_x86_64"]  # fmt: skip


def _local_source(resolution: Resolution, index_url: str | None) -> str | None:
    """A place the container installs from that is not an http(s) index, if any: hydro
    hands pip no path of this machine, and no index but http(s) ones."""
    given = [(option, value) for _, option, value in resolution.indexes]
    given += [
        (option, value.strip())
        for line in resolution.file_options
        for option, _, value in [line.partition(" ")]
    ]
    for option, value in given:
        if option == "--no-index" and index_url is None:
            return "it installs with --no-index"
        if option == "--find-links" and not value.startswith(("http://", "https://")):
            return f"it installs from the files at {value} (--find-links)"
        web = value.startswith(("http://", "https://"))
        if option.endswith("index-url") and not web and index_url is None:
            return f"its index {redact(value)} is not an http(s) address"
    return None


def _index_options(resolution: Resolution, index_url: str | None) -> list[str]:
    """The container's index as pip options: the command line over the environment over
    pip.conf for `--index-url`; every extra index, trusted host and link page."""
    if index_url is not None:
        return ["--index-url", index_url]
    found: list[str] = []
    base = max(
        ((level, value) for level, option, value in resolution.indexes if option == "--index-url"),
        default=None,
    )
    found += ["--index-url", base[1] if base else PYPI]
    for _, option, value in resolution.indexes:
        if option == "--pre" and "--pre" not in found:
            found.append("--pre")
        elif option == "--trusted-host" or (
            option in ("--extra-index-url", "--find-links")
            and value.startswith(("http://", "https://"))
        ):
            found += [option, value]
    return found


def _answer(request: _Request) -> Answer:
    if request.local is not None:
        return Answer(None, "", f"{request.local}, which hydro does not hand to pip")
    if not any(not line.startswith("-") for line in request.requirements):
        return Answer([], "")  # nothing to install: the image's own packages only
    cached = _cache_read(request.key)
    if cached is not None:
        return cached
    answer = _pip(request, with_lock=True)
    if answer.installed is None and request.lock and _conflicts_with_lock(answer.output):
        unlocked = _pip(request, with_lock=False)
        if unlocked.installed is not None:
            answer = Answer(unlocked.installed, answer.output)
        else:
            answer = unlocked
    if answer.unreachable is None:
        _cache_write(request.key, answer)
    return answer


def _pip(request: _Request, *, with_lock: bool) -> Answer:
    """pip's dry run in a scratch folder; its report, or what it printed."""
    with tempfile.TemporaryDirectory(prefix="hydro-resolve-") as scratch:
        folder = Path(scratch)
        (folder / "requirements.txt").write_text("\n".join(request.requirements) + "\n")
        constraints = list(request.constraints) + (list(request.lock) if with_lock else [])
        (folder / "constraints.txt").write_text("\n".join(constraints) + "\n")
        command = [
            sys.executable, "-m", "pip", "install", "--isolated", "--disable-pip-version-check",
            "--no-input", "--progress-bar", "off", "--retries", "1", "--timeout",
            str(max(1, min(15, int(request.timeout)))),
            "--dry-run", "--ignore-installed", "--report", str(folder / "report.json"),
            "--target", str(folder / "target"), *request.arguments,
            "-r", str(folder / "requirements.txt"), "-c", str(folder / "constraints.txt"),
        ]  # fmt: skip
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        environment["PIP_CONFIG_FILE"] = os.devnull
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                errors="replace",
                env=environment,
                timeout=request.timeout,
                cwd=folder,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Answer(None, "", f"pip did not finish within {request.timeout:g} s")
        except OSError as error:
            return Answer(None, "", f"pip could not be started ({error})")
        output = done.stdout + done.stderr
        if done.returncode == 0:
            try:
                report = json.loads((folder / "report.json").read_text())
            except (OSError, ValueError) as error:
                return Answer(None, output, f"pip's report could not be read ({error})")
            return Answer([_installed(item) for item in report.get("install", [])], output)
        if "no such option: --dry-run" in output or "no such option: --report" in output:
            return Answer(None, output, "this pip is too old for --dry-run --report (22.2+)")
        if "No module named pip" in output:
            return Answer(None, output, "pip is not installed beside hydro")
        return Answer(None, output)


def _installed(item: dict[str, Any]) -> dict[str, Any]:
    metadata = item.get("metadata", {})
    return {
        "name": str(metadata.get("name", "")),
        "version": str(metadata.get("version", "")),
        "requires": list(metadata.get("requires_dist", []) or []),
        "url": str((item.get("download_info") or {}).get("url", "")),
        "requested": bool(item.get("requested")),
    }


def _conflicts_with_lock(output: str) -> bool:
    return "ResolutionImpossible" in output and "(constraint)" in output


# ------------------------------------------------------------------ the cache


def cache_folder() -> Path:
    given = os.environ.get("HYDRO_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hydro"


def _cache_read(key: str, folder: str = "resolve", seconds: float = CACHE_SECONDS) -> Any:
    path = cache_folder() / folder / f"{key}.json"
    try:
        if time.time() - path.stat().st_mtime > seconds:
            return None
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if folder == "resolve":
        return Answer(data.get("installed"), str(data.get("output", "")))
    return data


def _cache_write(key: str, answer: Answer | Any, folder: str = "resolve") -> None:
    path = cache_folder() / folder / f"{key}.json"
    data = (
        {"installed": answer.installed, "output": answer.output}
        if isinstance(answer, Answer)
        else answer
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(data))
        partial.replace(path)
    except OSError:
        pass  # a read-only home: resolve again next time


#: The modules of each wheel asked in this run, by its address.
_MODULES: dict[str, frozenset[str]] = {}


def _modules(url: str, timeout: float) -> frozenset[str] | None:
    """The modules a wheel installs (cached by its address: a file never changes)."""
    from .index_pages import Unreachable, wheel_modules

    if url in _MODULES:
        return _MODULES[url]
    key = hashlib.sha256(url.encode()).hexdigest()
    cached = _cache_read(key, "wheels", float("inf"))
    if isinstance(cached, list):
        _MODULES[url] = frozenset(cached)
        return _MODULES[url]
    found = wheel_modules(url, timeout)
    if isinstance(found, Unreachable):
        return None
    _cache_write(key, sorted(found), "wheels")
    _MODULES[url] = found
    return found


# ------------------------------------------------------------------ pip's answer, judged


_NOT_SATISFIED = re.compile(
    r"Could not find a version that satisfies the requirement (?P<requirement>.+?)"
    r"(?: \(from (?P<parent>[^)]*)\))? \(from versions: (?P<versions>[^)]*)\)"
)
_IGNORED_PYTHON = "Ignored the following versions that require a different python version: "


class _Judge:
    """Findings of one Model from pip's answer."""

    def __init__(
        self, resolution: Resolution, request: _Request, answer: Answer, index_url: str | None
    ) -> None:
        self.resolution = resolution
        self.request = request
        self.answer = answer
        self.overridden = index_url
        self.by_name = {p.name: p for p in resolution.placed}
        #: What is asked after pip's answer shares the Model's time with nothing else.
        self.deadline = time.monotonic() + request.timeout

    def _left(self, most: float) -> float:
        """Seconds the next request may take (0: the Model's time is up)."""
        return max(0.0, min(most, self.deadline - time.monotonic()))

    def findings(self) -> Iterator[Finding]:
        answer = self.answer
        if answer.unreachable is not None:
            yield self._unresolved(answer.unreachable)
            yield from (m.warning for m in self.resolution.missing)
            return
        if answer.installed is None:
            yield from self._failure(answer.output)
            yield from (m.warning for m in self.resolution.missing)
            return
        yield from self._replacements(answer.installed)
        yield from self._imports(answer.installed)

    # -- where

    def _at(
        self, placed: Placed | None, rule: Rule, message: str, hint: str | None = None
    ) -> Finding:
        where = f" (asked of {redact(self.overridden)}, given to hydro)" if self.overridden else ""
        if placed is None or placed.file is None:
            span = self.resolution.command if placed is None else placed.span
            return Finding(rule, message + where, _INSTALL_COMMAND, hint, span=span)
        return Finding(
            rule,
            f"{self.resolution.model}: {message}{where}",
            hint=hint,
            span=placed.span,
            file=placed.file,
        )

    def _placed(self, requirement: str) -> Placed | None:
        name = _name_of(requirement)
        return self.by_name.get(name) if name else None

    def _unresolved(
        self,
        why: str,
        hint: str = "check the index's address and credentials, or run without --remote",
    ) -> Finding:
        return self._at(
            None,
            REQUIREMENTS_UNRESOLVED,
            f"the requirements could not be resolved for {self.resolution.runtime}: {why}; "
            "what pip would install there is not checked",
            hint,
        )

    # -- failures

    def _failure(self, output: str) -> Iterator[Finding]:
        if "ResolutionImpossible" in output:
            yield self._conflict(output)
            return
        found = _NOT_SATISFIED.search(output)
        if found is None:
            errors = [line for line in output.splitlines() if line.startswith("ERROR:")]
            yield self._unresolved(f"pip failed ({errors[-1][7:] if errors else 'no message'})")
            return
        requirement = found["requirement"].strip()
        parent = (found["parent"] or "").strip()
        versions = [v.strip() for v in found["versions"].split(",") if v.strip() != "none"]
        placed = self._placed(parent) or self._placed(requirement)
        via = f"`{parent}` requires `{requirement}`, and " if parent else f"`{requirement}`: "
        ignored = _allowed(requirement, _ignored_for_python(output))
        if ignored:
            yield self._newer_python(placed, via, ignored)
        else:
            yield self._diagnosed(placed, via, requirement, versions)

    def _newer_python(
        self, placed: Placed | None, via: str, needing: list[tuple[str, str]]
    ) -> Finding:
        python = self.resolution.python
        needs = "; ".join(f"{v} needs Python {spec}" for v, spec in needing[-3:])
        if python.count(".") == 1 and _later_patch_fits(python, needing):
            return self._unresolved(
                f"{via}{needs}, and which {python}.x the image runs is not known",
                "`hydro runtimes` shows the tags whose Python hydro knows to the patch",
            )
        return self._at(
            placed,
            REQUIREMENT_NEEDS_NEWER_PYTHON,
            f"{via}no release it allows runs on the image's Python {python} ({needs}): pip "
            "finds no matching distribution and the build fails",
            f"allow a release for Python {python}, or use an image with a newer Python",
        )

    def _diagnosed(
        self, placed: Placed | None, via: str, requirement: str, versions: list[str]
    ) -> Finding:
        """Why pip found no release: read from the index's page of the project (missing,
        no such version, none for the image's Python, or none but source releases)."""
        from packaging.requirements import InvalidRequirement, Requirement
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        from .index_pages import Unreachable, project_files

        try:
            wanted = Requirement(requirement)
        except InvalidRequirement:
            return self._unresolved(f"pip found nothing for `{requirement}`")
        files: list[Any] = []
        for index in self._indexes():
            if not self._left(30):
                return self._unresolved("hydro's time for the Model ran out")
            listed = project_files(index, wanted.name, self._left(30))
            if isinstance(listed, Unreachable):
                return self._unresolved(f"{listed.reason} ({redact(index)})")
            files += listed or []
        if not files:
            return self._at(
                placed,
                REQUIREMENT_NOT_FOUND,
                f"{via}the index has no project `{wanted.name}` ({self._index_names()})",
                "check the name's spelling (pip's name, not the import's), or the index",
            )
        releases = _releases(files)
        allowed = {v: f for v, f in releases.items() if wanted.specifier.contains(v, True)}
        if not allowed:
            known = versions or [str(v) for v in sorted(releases)]
            return self._at(
                placed,
                REQUIREMENT_VERSION_MISSING,
                f"{via}the index has no release it allows (it has {_nearest(requirement, known)})",
                "allow a version the index has",
            )
        python = self.resolution.python
        runnable = {}
        needing = []
        for version, found in sorted(allowed.items()):
            requires = next((f.requires_python for f in found if f.requires_python), None)
            try:
                fits = requires is None or SpecifierSet(requires).contains(python, True)
            except InvalidSpecifier:
                fits = True
            if fits:
                runnable[version] = found
            else:
                needing.append((str(version), str(requires)))
        if not runnable:
            return self._newer_python(placed, via, needing)
        return self._without_wheel(placed, via, runnable)

    def _without_wheel(
        self, placed: Placed | None, via: str, runnable: dict[Any, list[Any]]
    ) -> Finding:
        """Releases for the image's Python with no wheel for its platform: pip would build
        the newest source release, which needs a compiler when it holds compiled code."""
        from .index_pages import compiled_sources

        image = f"Python {self.resolution.python} on manylinux x86_64"
        sources = [
            file
            for version in sorted(runnable, reverse=True)
            for file in runnable[version]
            if not file.filename.endswith(".whl")
        ]
        if not sources:
            return self._at(
                placed,
                REQUIREMENT_NO_WHEEL,
                f"{via}the index has no wheel for {image} and no source release it allows: "
                "pip finds no matching distribution and the build fails",
                "allow a version with a wheel for the image, or use an image it has wheels for",
            )
        newest = sources[0]
        found = compiled_sources(newest.url, self._left(60)) if self._left(60) else None
        if isinstance(found, list) and found:
            shown = ", ".join(f"`{name.split('/', 1)[-1]}`" for name in found[:2])
            return self._at(
                placed,
                REQUIREMENT_NO_WHEEL,
                f"{via}no wheel for {image}: pip would build {newest.filename}, which holds "
                f"compiled code ({shown}), and the images have no compiler",
                "pin a version with a manylinux wheel for the image's Python, or ship a wheel "
                "built for it in the payload",
            )
        return self._at(
            placed,
            REQUIREMENT_MAY_NEED_COMPILER,
            f"{via}the index has no wheel for {image}, so pip would build {newest.filename} "
            "from source; that may need a compiler, which the runtime images lack",
            "pin a version with a wheel for the image's Python",
        )

    def _indexes(self) -> list[str]:
        arguments = list(self.request.arguments)
        return [
            arguments[i + 1]
            for i, option in enumerate(arguments[:-1])
            if option in ("--index-url", "--extra-index-url")
        ] + [
            line.split(None, 1)[1]
            for line in self.request.requirements
            if line.startswith(("--index-url ", "--extra-index-url "))
        ]

    def _index_names(self) -> str:
        return ", ".join(redact(index) for index in self._indexes())

    def _conflict(self, output: str) -> Finding:
        lines = output.splitlines()
        caused: list[str] = []
        if "The conflict is caused by:" in lines:
            for line in lines[lines.index("The conflict is caused by:") + 1 :]:
                if not line.strip():
                    break
                caused.append(line.strip())
        placed = next(
            (
                found
                for line in caused
                if line.startswith("The user requested ")
                and "(constraint)" not in line
                and (found := self._placed(line.removeprefix("The user requested ")))
            ),
            None,
        )
        if placed is None:
            placed = next(
                (
                    self.by_name[name]
                    for line in caused
                    if (name := _name_of(line.split(" depends on ")[0].rsplit(" ", 1)[0]))
                    in self.by_name
                ),
                None,
            )
        because = "; ".join(caused[:4]) or "pip found no set of versions that fits"
        return self._at(
            placed,
            REQUIREMENTS_CONFLICT,
            f"pip cannot resolve the requirements for {self.resolution.runtime}: {because}",
            "loosen one of the conflicting pins",
        )

    # -- what the resolved set does

    def _replacements(self, installed: list[dict[str, Any]]) -> Iterator[Finding]:
        from .images import image_of

        image = image_of(self.resolution.tag)
        for item in installed:
            name = _canonical(item["name"])
            why = _breaks(name, item["version"], self.resolution.lock, self.resolution.tag)
            if why is None or image is None:
                continue
            chain = _chain(installed, name)
            if len(chain) == 1:
                continue  # asked for directly: judged offline already, at its line (HY832)
            placed = self.by_name.get(_canonical(chain[0].split()[0])) if chain else None
            pulled = " -> ".join(chain) if chain else name
            before = self.resolution.lock.get(name)
            instead = f" in place of the runtime's {before}" if before else ""
            yield self._at(
                placed,
                REQUIREMENT_BREAKS_RUNTIME,
                f"pip would install {item['name']} {item['version']}{instead} ({pulled}), "
                f"{why}: the runtime stops at start",
                "pin what pulls it to a release that allows the runtime's version",
            )

    def _imports(self, installed: list[dict[str, Any]]) -> Iterator[Finding]:
        missing = self.resolution.missing
        if not missing:
            return
        provided = set(self.resolution.provided)
        unknown = False
        for item in installed:
            left = self._left(60)
            modules = _modules(item["url"], left) if item["url"] and left else None
            if modules is None:
                unknown = True
            else:
                provided |= modules
        shown = ", ".join(f"{i['name']} {i['version']}" for i in installed[:8]) or "nothing"
        shown += ", …" if len(installed) > 8 else ""
        for module, warning in missing:
            if module in provided:
                continue
            if unknown or not self.resolution.complete:
                yield warning
                continue
            yield warning._replace(
                rule=IMPORT_NOT_INSTALLED,
                message=(
                    f"{self.resolution.model}: `{module}` is not installed: no distribution "
                    f"pip resolves for the install command provides it (it would install "
                    f"{shown}), nor the runtime image or the payload's src/; importing "
                    "func_main fails"
                ),
                hint="add the project that provides it to the requirements",
            )


def _breaks(name: str, version: str, lock: dict[str, str], tag: str) -> str | None:
    """How a package version pip would install breaks the runtime, if it does."""
    from packaging.version import InvalidVersion, Version

    try:
        found = Version(version)
    except InvalidVersion:
        return None
    if name == "protobuf" and found >= Version("4"):
        return (
            "whose code refuses the runtime's generated modules (`Descriptors cannot be "
            "created directly`)"
        )
    if name == "protobuf" and lock and found < Version("3.12"):
        return "which lacks `_internal_create_key`, called by the runtime's generated code"
    if name in ("hydrosdk", "hydro-serving-grpc") and found.major != int(tag.split(".")[0]):
        return "whose modules the runtime's code cannot import"
    if name == "numpy" and found < Version("1.15.4"):
        return "which the runtime's pandas refuses at import"
    return None


def _chain(installed: list[dict[str, Any]], target: str) -> list[str]:
    """The shortest path of requirements from one asked for directly to `target`
    (`tfish 2.0`, `protobuf>=4`); [] when nothing leads there."""
    from packaging.requirements import InvalidRequirement, Requirement

    by_name = {_canonical(i["name"]): i for i in installed}
    paths = {
        _canonical(i["name"]): [f"{i['name']} {i['version']}"] for i in installed if i["requested"]
    }
    queue = list(paths)
    while queue:
        name = queue.pop(0)
        if name == target:
            return paths[name]
        for text in by_name[name]["requires"] if name in by_name else ():
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            needed = _canonical(requirement.name)
            if needed in by_name and needed not in paths:
                step = f"{requirement.name}{requirement.specifier}"
                if needed != target:
                    step = f"{by_name[needed]['name']} {by_name[needed]['version']}"
                paths[needed] = [*paths[name], step]
                queue.append(needed)
    return []


def _ignored_for_python(output: str) -> list[tuple[str, str]]:
    found = []
    for line in output.splitlines():
        if _IGNORED_PYTHON in line:
            for part in line.split(_IGNORED_PYTHON, 1)[1].split("; "):
                version, _, spec = part.partition(" Requires-Python ")
                found.append((version.strip(), spec.strip()))
    return found


def _releases(files: list[Any]) -> dict[Any, list[Any]]:
    """An index's files by the version they release (names that are neither a wheel's nor
    an sdist's are passed over)."""
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        parse_sdist_filename,
        parse_wheel_filename,
    )

    releases: dict[Any, list[Any]] = {}
    for file in files:
        try:
            if file.filename.endswith(".whl"):
                version = parse_wheel_filename(file.filename)[1]
            else:
                version = parse_sdist_filename(file.filename)[1]
        except (InvalidWheelFilename, InvalidSdistFilename):
            continue
        releases.setdefault(version, []).append(file)
    return releases


def _later_patch_fits(python: str, needing: list[tuple[str, str]]) -> bool:
    """Whether a later patch release of `python` (3.7 as 3.7.99) meets a version's need:
    then only the image's patch level, which the facts do not give, decides."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return any(SpecifierSet(spec).contains(f"{python}.99") for _, spec in needing)
    except InvalidSpecifier:
        return False


def _allowed(requirement: str, ignored: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The versions skipped for their Python that the requirement allows."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        specifier = Requirement(requirement).specifier
    except InvalidRequirement:
        return ignored
    return [(v, spec) for v, spec in ignored if specifier.contains(v, prereleases=True)]


def _nearest(requirement: str, versions: list[str]) -> str:
    """The versions closest to the one asked for (or the newest), as text."""
    from packaging.version import InvalidVersion, Version

    pinned = re.search(r"===?\s*([\w.+!-]+)", requirement)
    try:
        parsed = sorted({Version(v) for v in versions})
    except InvalidVersion:
        return ", ".join(versions[-5:])
    if pinned:
        try:
            target = Version(pinned[1])
            parsed.sort(key=lambda v: _distance(v, target))
            parsed = sorted(parsed[:5])
        except InvalidVersion:
            parsed = parsed[-5:]
    else:
        parsed = parsed[-5:]
    return ", ".join(str(v) for v in parsed)


def _distance(version: Any, target: Any) -> tuple[int, int, int]:
    return (
        abs(version.major - target.major),
        abs(version.minor - target.minor),
        abs(version.micro - target.micro),
    )


def _name_of(text: str) -> str | None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return _canonical(Requirement(text.strip()).name)
    except InvalidRequirement:
        return None


def _canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))
