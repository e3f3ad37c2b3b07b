"""What hydro keeps between runs, in the user's cache folder; above all `hydro lint`'s
results, per file, checked again only when the file or a path its checks looked at changed.

The folder is `$HYDRO_CACHE_DIR`, else `$XDG_CACHE_HOME/hydro`, else `~/.cache/hydro`:
never the repository, where a pull request could commit a cache saying its broken
manifests are fine. `lint/` holds one file per setting of a run (hydro's own files, the
libraries that parse, Python, the working folder, the paths given), and in it one entry
per file checked: each path its check probed, as the probe answered (kind, size, inode,
modification and change times), and its result, pickled. Entries are read back by an
unpickler that builds hydro's own classes and plain values only, so a cache file someone
else wrote runs no code.

A result is used again when every path its check probed answers a new probe the same.
A result is not kept when its check saw a path changed less than a second before the run
began: a change in the same tick of the file system's clock leaves a file's times as they
were (git's "racily clean" files).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import pickle
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .root import Probe
from .root import at as root_at

if TYPE_CHECKING:
    from .file_check import FileResult, Job

#: Raised with every change to what an entry holds.
FORMAT = 1
#: A path changed this recently (nanoseconds before the run began) may change again unseen.
RACY_NS = 1_000_000_000
#: Cache files of runs not made again for this long are removed.
UNUSED_SECONDS = 30 * 24 * 3600
#: The libraries whose answers a check holds (their files are part of a cache file's key).
LIBRARIES = ("yaml", "pydantic", "pydantic_core", "bashlex", "packaging", "pip_requirements_parser")

Observed = dict[tuple[str, str], Probe]
#: A file's entry: its name as given, the folder its references resolve from, its root,
#: lint or validate, the largest file read.
EntryKey = tuple[str, str | None, str | None, bool, int]


def folder() -> Path:
    """The folder hydro keeps what it learnt in (pip's answers, the shell grammar's tables,
    lint results)."""
    given = os.environ.get("HYDRO_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hydro"


def cacheable(job: Job) -> bool:
    """A file on disk, checked without asking the network nor recording its layout."""
    return (
        job.text is None
        and job.refused is None
        and job.unreadable is None
        and not job.layout
        and not job.remote
    )


class LintCache:
    """The results of one setting's last run (`open`), and this run's, written as they come
    (`keep`, `result`) and in place of the last run's at the end (`save`)."""

    def __init__(self, path: Path, entries: dict[EntryKey, tuple[Observed, bytes]]) -> None:
        self.path = path
        self._entries = entries
        self._began = time.time_ns()
        self._now: Observed = {}  # paths probed this run, to tell whether entries stand
        self._partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        self._stream: IO[bytes] | None = None
        self._failed = False

    @classmethod
    def open(cls, paths: Sequence[str]) -> LintCache:
        """The cache of a lint of `paths` from the working folder, as this hydro runs it."""
        path = folder() / "lint" / f"{_setting(paths)}.pickle"
        return cls(path, _read(path))

    def result(self, job: Job) -> FileResult | None:
        """The job's result from the last run, if nothing its check saw has changed."""
        if not cacheable(job):
            return None
        key = _key(job)
        entry = self._entries.pop(key, None)
        if entry is None:
            return None
        observed, blob = entry
        if any(self._probe(where) != probe for where, probe in observed.items()):
            return None
        from .file_check import FileResult

        try:
            result = _OwnClasses(io.BytesIO(blob)).load()
        except Exception:  # written by another hand, or broken: check the file again
            return None
        if not isinstance(result, FileResult):
            return None
        self._write(key, observed, blob)
        return result

    def keep(self, job: Job, result: FileResult, blob: bytes | None = None) -> None:
        """Keep a result just checked (`blob`: it pickled, when a worker did that already)."""
        if not cacheable(job) or self._racy(result.observed):
            return
        if blob is None:
            blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        self._write(_key(job), result.observed, blob)

    def save(self) -> None:
        """This run's entries become the cache (the last run's others are dropped)."""
        if self._stream is None:
            return
        try:
            self._stream.close()
            os.replace(self._partial, self.path)
        except OSError:
            self.discard()
            return
        _remove_unused(self.path.parent)

    def discard(self) -> None:
        """Keep the last run's cache (this run was interrupted)."""
        if self._stream is not None:
            self._stream.close()
        with contextlib.suppress(OSError):
            self._partial.unlink()

    def _write(self, key: EntryKey, observed: Observed, blob: bytes) -> None:
        if self._failed:
            return
        try:
            if self._stream is None:
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                # (only its owner reads it: results quote the manifests)
                descriptor = os.open(self._partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                self._stream = os.fdopen(descriptor, "wb")
                pickle.dump(FORMAT, self._stream)
            pickle.dump((key, observed, blob), self._stream, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:  # a read-only or full disk: check every file next time
            self._failed = True
            self.discard()

    def _probe(self, where: tuple[str, str]) -> Probe:
        found = self._now.get(where)
        if found is None:
            real, path = where
            found = self._now[where] = root_at(real).probe(path)
        return found

    def _racy(self, observed: Observed) -> bool:
        newest = self._began - RACY_NS
        return any(p.stamp is not None and p.stamp[2] >= newest for p in observed.values())


def _key(job: Job) -> EntryKey:
    return (job.name, job.base, job.root, job.lint, job.max_size)


def _setting(paths: Sequence[str]) -> str:
    """What a lint's results depend on besides the files: hydro's own files (its code and
    runtime facts), the parsing libraries' files, Python, the working folder, the paths."""
    package = Path(__file__).parent
    own = []
    for where, folders, files in os.walk(package):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            path = os.path.join(where, name)
            status = os.stat(path)
            own.append((os.path.relpath(path, package), status.st_size, status.st_mtime_ns))
    libraries = []
    for name in LIBRARIES:
        found = importlib.util.find_spec(name)
        origin = found.origin if found is not None else None
        installed = os.stat(origin) if origin and os.path.exists(origin) else None
        libraries.append((name, origin, installed and (installed.st_ino, installed.st_mtime_ns)))
    setting = (FORMAT, sys.version, os.getcwd(), list(paths), own, libraries)
    return hashlib.sha256(repr(setting).encode()).hexdigest()[:32]


def _read(path: Path) -> dict[EntryKey, tuple[Observed, bytes]]:
    """The entries of a cache file; none when it is missing, broken or not hydro's."""
    entries: dict[EntryKey, tuple[Observed, bytes]] = {}
    try:
        with open(path, "rb") as stream:  # (one unpickler a pickle: each has its own memo)
            if _OwnClasses(stream).load() != FORMAT:
                return {}
            while True:
                try:
                    key, observed, blob = _OwnClasses(stream).load()
                except EOFError:
                    return entries
                entries[key] = (observed, blob)
    except Exception:  # missing, broken, or written by another hand: check every file
        return {}


#: What a result holds besides hydro's own classes.
_PLAIN = frozenset({("builtins", "frozenset"), ("builtins", "set"), ("pathlib", "PosixPath")})


class _OwnClasses(pickle.Unpickler):
    """Builds hydro's own classes (not its functions) and plain values, nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _PLAIN:
            return super().find_class(module, name)
        if module.startswith("hydro_manifest.") and not module.startswith(_NOT_RESULTS):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a result")


#: Modules with no class a result holds.
_NOT_RESULTS = ("hydro_manifest.cli", "hydro_manifest.lsp", "hydro_manifest.pool")


def _remove_unused(lint: Path) -> None:
    """Remove the cache files of runs not made for a month."""
    oldest = time.time() - UNUSED_SECONDS
    try:
        with os.scandir(lint) as entries:
            for entry in entries:
                if entry.stat(follow_symlinks=False).st_mtime < oldest:
                    os.unlink(entry.path)
    except OSError:
        return
