"""What pip's answer means for a Model (`--remote`): its failure explained at the
requirement that causes it (reading the index's page of the project where pip says too
little), the packages it would put in place of the runtime's own, and the imports no
resolved wheel provides. `resolve_all` asks pip (`resolver`) for every Model and judges
each answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ....diagnostics import Finding
from ....options import DEFAULT_RESOLVE_TIMEOUT, Progress
from ....redaction import redact
from ....rules import Rule
from .image_rules import (
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
from .resolver import (
    INSTALL_COMMAND,
    Answer,
    PipRuns,
    Placed,
    Request,
    Resolution,
    ask_pip,
    canonical,
    wheel_modules,
)

_NOT_SATISFIED = re.compile(
    r"Could not find a version that satisfies the requirement (?P<requirement>.+?)"
    r"(?: \(from (?P<parent>[^)]*)\))? \(from versions: (?P<versions>[^)]*)\)"
)
_IGNORED_PYTHON = "Ignored the following versions that require a different python version: "


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
    keys = [Request.of(r, index_url, timeout) for r in resolutions]
    unique = list({key.key: key for key in keys}.values())
    answers: dict[str, Answer] = {}
    done = 0

    def judged(pair: tuple[Resolution, Request]) -> list[Finding]:
        resolution, request = pair
        return list(Judge(resolution, request, answers[request.key], index_url).findings())

    runs = PipRuns()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        try:
            asked = pool.map(lambda request: ask_pip(request, runs), unique)
            for request, answer in zip(unique, asked, strict=True):
                answers[request.key] = answer
                done += 1
                if progress is not None:
                    progress(done, len(unique))
        except BaseException:  # Ctrl-C or SIGTERM: the pip runs are ended, not waited for
            pool.shutdown(wait=False, cancel_futures=True)
            runs.stop()
            raise
        # what pip's answers leave open (an index page, wheels' modules) is asked in parallel
        return list(pool.map(judged, zip(resolutions, keys, strict=True)))


class Judge:
    """Findings of one Model from pip's answer."""

    def __init__(
        self, resolution: Resolution, request: Request, answer: Answer, index_url: str | None
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
            return Finding(rule, message + where, INSTALL_COMMAND, hint, span=span)
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
            name = canonical(item["name"])
            why = _breaks(name, item["version"], self.resolution.lock, self.resolution.tag)
            if why is None or image is None:
                continue
            chain = _chain(installed, name)
            if len(chain) == 1:
                continue  # asked for directly: judged offline already, at its line (HY832)
            placed = self.by_name.get(canonical(chain[0].split()[0])) if chain else None
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
            modules = wheel_modules(item["url"], left) if item["url"] and left else None
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

    by_name = {canonical(i["name"]): i for i in installed}
    paths = {
        canonical(i["name"]): [f"{i['name']} {i['version']}"] for i in installed if i["requested"]
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
            needed = canonical(requirement.name)
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
        return canonical(Requirement(text.strip()).name)
    except InvalidRequirement:
        return None
