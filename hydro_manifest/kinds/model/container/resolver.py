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

import contextlib
import functools
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ....cache import folder as cache_folder
from ....diagnostics import Finding, Span
from ....diagnostics import Path as DocumentPath
from ....redaction import redact

if TYPE_CHECKING:
    from .build import Installed
    from .images import Image, Named

PYPI = "https://pypi.org/simple/"
#: How long a resolution is reused (wheels' file lists are kept: a file never changes).
CACHE_SECONDS = 24 * 3600
INSTALL_COMMAND: DocumentPath = ("install-command",)


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
        placed.append(Placed(canonical(wanted.name), wanted.text, wanted.file, span))
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


# ------------------------------------------------------------------ asking pip


@dataclass(frozen=True)
class Request:
    arguments: tuple[str, ...]
    requirements: tuple[str, ...]
    constraints: tuple[str, ...]
    lock: tuple[str, ...]
    timeout: float
    key: str
    #: Why pip is not asked (`_withheld`).
    withheld: str | None = None

    @classmethod
    def of(cls, resolution: Resolution, index_url: str | None, timeout: float) -> Request:
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
            [arguments, requirements, resolution.constraints, lock, _ANSWERS, _pip_version()]
        )
        key = hashlib.sha256(material.encode()).hexdigest()
        constraints = tuple(resolution.constraints)
        withheld = _withheld(resolution, index_url)
        return cls(tuple(arguments), requirements, constraints, lock, timeout, key, withheld)


_INDEX_LINES = ("--index-url", "--extra-index-url", "--no-index", "--find-links")
#: Part of the cache key, with pip's version: a new hydro may keep pip's answers otherwise.
_ANSWERS = "hydro-resolve-1"


@functools.cache
def _pip_version() -> str:
    """The version of the pip that resolves (from its metadata: pip is not imported)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pip")
    except PackageNotFoundError:
        return ""


def _platforms(glibc: int) -> list[str]:
    """The platform tags of the image's glibc, newest first, with their legacy aliases."""
    tags = [f"manylinux_2_{minor}_x86_64" for minor in range(glibc, 4, -1)]
    return [*tags, "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64",
            "linux_x86_64"]  # fmt: skip


def _withheld(resolution: Resolution, index_url: str | None) -> str | None:
    """Why the requirements are not handed to pip as written, if they are not: a place
    the container installs from that is not an http(s) index (hydro hands pip no path of
    this machine, and no index but http(s) ones), or a word pip would read as an option
    of its own (a file to read) where the manifest's author wrote a value."""
    given = [(option, value) for _, option, value in resolution.indexes]
    given += [
        (option, value.strip())
        for line in resolution.file_options
        for option, _, value in [line.partition(" ")]
    ]
    for option, value in given:
        if any(c.isspace() for c in value) or value.startswith("-"):
            return f"its option `{option}` has a value pip would read as more than one word"
        if option == "--no-index" and index_url is None:
            return "it installs with --no-index"
        if option == "--find-links" and not value.startswith(("http://", "https://")):
            return f"it installs from the files at {value} (--find-links)"
        web = value.startswith(("http://", "https://"))
        if option.endswith("index-url") and not web and index_url is None:
            return f"its index {redact(value)} is not an http(s) address"
    for text in (*resolution.requirements, *resolution.constraints):
        # pip reads a requirements line's words from the first that starts with `-` as its
        # options: a marker's text (`; python_version == " -r /etc/passwd"`) would become one
        if any(word.startswith("-") for word in text.split()):
            return f"its requirement `{text}` holds a word pip would read as an option"
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


class PipRuns:
    """The pip processes of one resolution, so that a run stopped by Ctrl-C or SIGTERM ends
    them instead of waiting for them (each in a process group of its own: pip's build
    steps end with it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._stopped = False

    def run(self, command: list[str], timeout: float, **options: Any) -> tuple[int, str] | None:
        """The exit status and output (stdout, then stderr) of `command`, or None when the
        resolution was stopped (then nothing starts any more). TimeoutExpired as
        `subprocess.run` raises it, the process ended."""
        with self._lock:
            if self._stopped:
                return None
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                errors="replace",
                start_new_session=True,
                **options,
            )
            self._running.add(process)
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _end(process)
            process.communicate()
            raise
        finally:
            with self._lock:
                self._running.discard(process)
        return process.returncode, out + err

    def stop(self) -> None:
        """End every pip process running, and start none after."""
        with self._lock:
            self._stopped = True
            for process in self._running:
                _end(process)


def _end(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(OSError):  # (ended meanwhile)
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()


def ask_pip(request: Request, runs: PipRuns) -> Answer:
    """What pip answers for one request (from the cache when asked within a day); `runs`
    holds the pip processes of the resolution it is part of."""
    if request.withheld is not None:
        return Answer(None, "", f"{request.withheld}, which hydro does not hand to pip")
    if not any(not line.startswith("-") for line in request.requirements):
        return Answer([], "")  # nothing to install: the image's own packages only
    cached = _cached(request.key, "resolve", CACHE_SECONDS)
    if isinstance(cached, list):
        return Answer(cached, "")
    answer = _pip(request, runs, with_lock=True)
    if answer.installed is None and request.lock and _conflicts_with_lock(answer.output):
        unlocked = _pip(request, runs, with_lock=False)
        if unlocked.installed is not None:
            answer = Answer(unlocked.installed, answer.output)
        else:
            answer = unlocked
    # Only a resolution is kept: pip says "no matching distribution" for an index it
    # could not reach too, which the next run must ask again.
    if answer.installed is not None:
        _keep(request.key, "resolve", answer.installed)
    return answer


def _pip(request: Request, runs: PipRuns, *, with_lock: bool) -> Answer:
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
            done = runs.run(command, request.timeout, env=environment, cwd=folder)
        except subprocess.TimeoutExpired:
            return Answer(None, "", f"pip did not finish within {request.timeout:g} s")
        except OSError as error:
            return Answer(None, "", f"pip could not be started ({error})")
        if done is None:
            return Answer(None, "", "the run was stopped")
        returncode, output = done
        if returncode == 0:
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


def _cached(key: str, folder: str, seconds: float) -> Any:
    """What was kept under `key` less than `seconds` ago (JSON), or None."""
    path = cache_folder() / folder / f"{key}.json"
    try:
        if time.time() - path.stat().st_mtime > seconds:
            return None
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _keep(key: str, folder: str, data: Any) -> None:
    path = cache_folder() / folder / f"{key}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(data))
        partial.replace(path)
    except OSError:
        pass  # a read-only home: resolve again next time


#: The modules of each wheel asked in this run, by its address.
_MODULES: dict[str, frozenset[str]] = {}


def wheel_modules(url: str, timeout: float) -> frozenset[str] | None:
    """The modules a wheel installs (cached by its address: a file never changes)."""
    from .index_pages import Unreachable
    from .index_pages import wheel_modules as listed

    if url in _MODULES:
        return _MODULES[url]
    key = hashlib.sha256(url.encode()).hexdigest()
    cached = _cached(key, "wheels", float("inf"))
    if isinstance(cached, list):
        _MODULES[url] = frozenset(cached)
        return _MODULES[url]
    found = listed(url, timeout)
    if isinstance(found, Unreachable):
        return None
    _keep(key, "wheels", sorted(found))
    _MODULES[url] = found
    return found


def canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))
