"""What hydro keeps between runs, in the user's cache folder; above all `hydro lint`'s
results, per file, checked again only when the file or a path its checks looked at changed.

The folder is `$HYDRO_CACHE_DIR`, else `$XDG_CACHE_HOME/hydro`, else `~/.cache/hydro`:
never the repository, where a pull request could commit a cache saying its broken
manifests are fine. `lint/` holds one file per setting of a run (the content of hydro's own
files, the versions of the libraries that parse, Python, the working folder, the paths
given), and in it one entry per file checked: each path its check looked at, as the probe
answered (kind, size, real location, and a stamp: inode, modification and change times)
with what the check asked of it beyond (`root.Root.answered`), and its result, pickled.
Entries are read back by an unpickler that builds hydro's own classes and plain values
only, so a cache file someone else wrote runs no code.

A result is used again when every path its check looked at answers as it did: its kind,
size and real location the same, and either its stamp the same or, when the stamp changed
(a new checkout of the same commit, a file written again as it was), every question the
check asked of it answering the same again: the digest of the bytes read, of a folder's
names, whether a payload folder holds files. So a cache restored on a new CI machine
serves the files whose content is the same. A stamp less than a second older than the run
is not trusted (a change in the same tick of the file system's clock leaves a file's times
as they were: git's "racily clean" files): that path's questions are asked again. Each file
says when the run that wrote it began, and that is judged when it is read, so an entry is
written as its check saw the disk (a worker pickles it; the main process only writes it).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import pickle
import struct
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .root import LIST, Asked, Probe, Root, digest, read_asked, remembered_probes
from .root import at as root_at

if TYPE_CHECKING:
    from .file_check import FileResult, Job

#: Raised with every change to what an entry holds.
FORMAT = 3
#: A path changed this recently (nanoseconds before the run began) may change again unseen.
RACY_NS = 1_000_000_000
#: Cache files of runs not made again for this long are removed.
UNUSED_SECONDS = 30 * 24 * 3600
#: The libraries whose answers a check holds, by module, and the names of their
#: distributions (whose installed versions are part of a cache file's key).
LIBRARIES = {
    "yaml": "PyYAML",
    "pydantic": "pydantic",
    "pydantic_core": "pydantic_core",
    "bashlex": "bashlex",
    "packaging": "packaging",
    "pip_requirements_parser": "pip_requirements_parser",
}

#: What a check saw of one path, as plain values (quick to pickle, no class to build back):
#: the root's real folder and the path probed, then the probe's kind, size, reason, stamp
#: (None: nothing there; one too recent for the run that saw it is judged when read), a
#: digest of its real location, and each question the check asked of it beyond the probe
#: with its answer (`root.Root.answered`).
Seen = tuple[
    str,
    str,
    str,
    int | None,
    str | None,
    tuple[int, int, int] | None,
    bytes | None,
    tuple[tuple[str, object], ...],
]
Observed = tuple[Seen, ...]
#: A file's entry: its name as given, the folder its references resolve from, its root,
#: lint or validate, the largest file read, whether its report lists references.
EntryKey = tuple[str, str | None, str | None, bool, int, bool]


def folder() -> Path:
    """The folder hydro keeps what it learnt in (pip's answers, the shell grammar's tables,
    lint results)."""
    given = os.environ.get("HYDRO_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hydro"


def seen(asked: Asked) -> Observed:
    """What a check saw of the disk, from what it asked (`root.remembered_probes`)."""
    answers: dict[tuple[str, str], list[tuple[str, object]]] = {}
    for (real, path, question), answer in (asked.answers or {}).items():
        answers.setdefault((real, path), []).append((question, answer))
    return tuple(
        (real, path, *_plain(probe), tuple(answers.get((real, path), ())))
        for (real, path), probe in asked.probes.items()
    )


def _plain(
    probe: Probe,
) -> tuple[str, int | None, str | None, tuple[int, int, int] | None, bytes | None]:
    located = digest(probe.real.encode(errors="surrogateescape")) if probe.real else None
    return (probe.kind.value, probe.size, probe.reason, probe.stamp, located)


def cacheable(job: Job) -> bool:
    """A file on disk, checked for the cache without asking the network nor recording its
    layout."""
    return (
        job.cached
        and job.text is None
        and job.refused is None
        and job.unreadable is None
        and not job.layout
        and not job.remote
    )


class LintCache:
    """The results of one setting's last run (`open`), and this run's, written as they come
    (`keep`, `result`) and in place of the last run's at the end (`save`).

    A cache file is `MAGIC`, when its run began (`BEGAN`), then one entry per file checked:
    the lengths of its three parts (`LENGTHS`), the file's key and what its check saw
    (pickles), and its result (a pickle, unpickled only when used). Only the keys are read
    when the cache is opened; an entry is read when its file comes, so a run never holds
    the whole cache."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._began = time.time_ns()
        self._partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        self._stream: IO[bytes] | None = None  # this run's entries, written as they come
        self._failed = False
        self._last: IO[bytes] | None = None  # the last run's
        self._entries: dict[EntryKey, tuple[int, int, int]] = {}  # where each entry is in it
        self._last_began = 0  # when the run that wrote it began
        try:
            self._last = open(path, "rb")  # noqa: SIM115  (closed by save or discard)
            self._last_began, self._entries = _index(self._last)
        except Exception:  # missing, broken, or written by another hand: check every file
            self._entries = {}

    @classmethod
    def open(cls, paths: Sequence[str]) -> LintCache:
        """The cache of a lint of `paths` from the working folder, as this hydro runs it."""
        return cls(folder() / "lint" / f"{_setting(paths)}.pickle")

    def result(self, job: Job) -> FileResult | None:
        """The job's result from the last run, if nothing its check saw has changed."""
        if not cacheable(job) or self._last is None:
            return None
        key = _key(job)
        where = self._entries.pop(key, None)
        if where is None:
            return None
        from .file_check import FileResult, job_root

        offset, seen_length, blob_length = where
        try:
            self._last.seek(offset)
            seen_bytes = self._last.read(seen_length)
            observed: Observed = _OwnClasses(io.BytesIO(seen_bytes)).load()
            now = _still(observed, job_root(job).real, self._last_began - RACY_NS)
            if now is None:
                return None
            if now != observed:  # the same content under new stamps: trusted from now on
                seen_bytes = pickle.dumps(now, pickle.HIGHEST_PROTOCOL)
            blob = self._last.read(blob_length)
            result = _OwnClasses(io.BytesIO(blob)).load()
        except Exception:  # written by another hand, or broken: check the file again
            return None
        if not isinstance(result, FileResult):
            return None
        self._write(key, seen_bytes, blob)
        return result

    def keep(self, job: Job, result: FileResult, pickled: Pickled | None = None) -> None:
        """Keep a result just checked, with what its check saw (`result.observed`, which
        goes to the cache file, not on in memory); `pickled`: both, when a worker pickled
        them already (`pickled_entry`)."""
        observed, result.observed = result.observed, ()
        if cacheable(job):
            if pickled is None:
                with _fields_on_disk(job, result) as on_disk:
                    pickled = pickled_entry(observed, on_disk)
            self._write(_key(job), *pickled)

    def save(self) -> None:
        """This run's entries become the cache (the last run's others are dropped)."""
        self._close_last()
        if self._stream is None:
            return
        try:
            self._stream.close()
            os.replace(self._partial, self.path)
        except OSError:
            self._drop_partial()
            return
        _remove_unused(self.path.parent)

    def discard(self) -> None:
        """Keep the last run's cache (this run was interrupted)."""
        self._close_last()
        self._drop_partial()

    def _drop_partial(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        with contextlib.suppress(OSError):
            self._partial.unlink()

    def _write(self, key: EntryKey, seen: bytes, blob: bytes) -> None:
        if self._failed:
            return
        named = pickle.dumps(key, pickle.HIGHEST_PROTOCOL)
        try:
            if self._stream is None:
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                # (only its owner reads it: results quote the manifests)
                descriptor = os.open(self._partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                self._stream = os.fdopen(descriptor, "wb")
                self._stream.write(MAGIC + BEGAN.pack(self._began))
            self._stream.write(
                b"".join((LENGTHS.pack(len(named), len(seen), len(blob)), named, seen, blob))
            )
        except OSError:  # a read-only or full disk: check every file next time
            self._failed = True
            self._drop_partial()

    def _close_last(self) -> None:
        if self._last is not None:
            self._last.close()
            self._last = None


#: What a cache file starts with (its format's number last), followed by `BEGAN`.
MAGIC = b"hydro lint cache\n" + bytes([FORMAT])
#: When the run that wrote a cache file began (nanoseconds since the epoch).
BEGAN = struct.Struct("<Q")
#: The lengths of an entry's key, what its check saw, and its result.
LENGTHS = struct.Struct("<III")
#: An entry's parts as the cache file holds them: what its check saw, its result.
Pickled = tuple[bytes, bytes]


def pickled_entry(observed: Observed, result: FileResult) -> Pickled:
    """What a check saw and its result, pickled as a cache file holds them (by the worker
    that checked the file, for the default `hydro lint`)."""
    return (
        pickle.dumps(observed, pickle.HIGHEST_PROTOCOL),
        pickle.dumps(result, pickle.HIGHEST_PROTOCOL),
    )


def _index(stream: IO[bytes]) -> tuple[int, dict[EntryKey, tuple[int, int, int]]]:
    """When the run that wrote a cache file began, and where each entry is: what its check
    saw starts at the offset given, its result follows."""
    if stream.read(len(MAGIC)) != MAGIC:
        return 0, {}
    (began,) = BEGAN.unpack(stream.read(BEGAN.size))
    entries = {}
    while head := stream.read(LENGTHS.size):
        key_length, seen_length, blob_length = LENGTHS.unpack(head)
        key = _OwnClasses(io.BytesIO(stream.read(key_length))).load()
        entries[key] = (stream.tell(), seen_length, blob_length)
        stream.seek(seen_length + blob_length, os.SEEK_CUR)
    return began, entries


@contextlib.contextmanager
def _fields_on_disk(job: Job, result: FileResult) -> Iterator[FileResult]:
    """The result with each Model's contract fields left where they are written, as a
    worker's results have them (read again if a check compares them), while it is pickled:
    what one process keeps in memory is a third of the bytes to pickle without them. The
    summaries are changed in place and back (copies of them cost more than the pickling)."""
    from .file_check import job_root

    root = job_root(job).folder
    changed = [(s, s.signature, s.contract_at) for s in result.summaries if s.signature is not None]
    for summary, _, _ in changed:
        summary.signature = None
        summary.contract_at = (summary.place.file, summary.place.document, root)
    try:
        yield result
    finally:
        for summary, signature, contract_at in changed:
            summary.signature, summary.contract_at = signature, contract_at


def _still(observed: Observed, root: str, trusted_before: int) -> Observed | None:
    """What a check saw, as the disk answers now; None if an answer is not the same. While
    every stamp stands, the probes answer as before; once one has changed, or was seen
    changed too recently to be trusted (its change time not before `trusted_before`), each
    question the check asked is asked again (a scan for files asks about the folders below
    the one it is noted on). Nothing is asked outside the job's `root` (real): an entry
    naming another is not the check's."""
    inside = root_at(root)
    now: list[Seen] = []
    changed = False
    for seen in observed:
        real, path, kind, size, reason, stamp, located, answers = seen
        if real != root:
            return None
        probe = inside.probe(path)
        if (probe.kind.value, probe.size, probe.reason) != (kind, size, reason):
            return None
        if probe.stamp != stamp or (stamp is not None and stamp[2] >= trusted_before):
            fresh = _plain(probe)
            if fresh[4] != located:
                return None
            seen = (real, path, *fresh, answers)
            changed = True
        now.append(seen)
    if not changed:
        return observed
    for _, path, *_, answers in now:
        if any(_asked_again(inside, path, question) != answer for question, answer in answers):
            return None
    return tuple(now)


def _asked_again(root: Root, path: str, question: str) -> object:
    """What a question a check asked of `path` answers now (`Root.answered`)."""
    from .kinds.model.files import HAS_FILES, has_files

    with remembered_probes(answers=True) as asked:
        if question == LIST:
            root.listdir(path)
        elif question == HAS_FILES:
            has_files(path, root)
        elif (read := read_asked(question)) is not None:
            root.read(path, read[0], head=read[1])
    assert asked.answers is not None
    return asked.answers.get((root.real, path, question), _NOT_ANSWERED)


#: What a question no longer answers (a file now unreadable), or one not asked again (a
#: walk): equal to no answer kept.
_NOT_ANSWERED = object()


def _key(job: Job) -> EntryKey:
    return (job.name, job.base, job.root, job.lint, job.max_size, job.references)


def _setting(paths: Sequence[str]) -> str:
    """What a lint's results depend on besides the files: hydro's own files (its code and
    runtime facts, by content: a new installation of the same hydro keeps the key), the
    parsing libraries' versions, Python, the working folder, the paths given."""
    own = _content(Path(__file__).parent)
    setting = (FORMAT, sys.version, os.getcwd(), list(paths), own, _libraries())
    return hashlib.sha256(repr(setting).encode()).hexdigest()[:32]


def _content(package: Path) -> str:
    """A digest of the names and bytes of a package's files (its bytecode left out)."""
    found = hashlib.sha256()
    for where, folders, files in os.walk(package):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            path = os.path.join(where, name)
            with open(path, "rb") as stream:
                data = stream.read()
            found.update(f"{os.path.relpath(path, package)}\0{len(data)}\0".encode() + data)
    return found.hexdigest()


def _libraries() -> list[tuple[str, str | None, object]]:
    """Each parsing library: where it is, and its installed version (its distribution's
    `.dist-info` folder beside it), else its file's inode and modification time."""
    listed: dict[str, list[str]] = {}
    found: list[tuple[str, str | None, object]] = []
    for module, distribution in LIBRARIES.items():
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec is not None else None
        if not origin or not os.path.exists(origin):
            found.append((module, None, None))
            continue
        site = os.path.dirname(origin)
        if spec is not None and spec.submodule_search_locations is not None:
            site = os.path.dirname(site)  # (a package: its folder's parent)
        if site not in listed:
            try:
                listed[site] = sorted(os.listdir(site))
            except OSError:
                listed[site] = []
        prefix = distribution.lower() + "-"
        version = next(
            (
                name
                for name in listed[site]
                if name.endswith(".dist-info") and name.lower().startswith(prefix)
            ),
            None,
        )
        if version is None:
            status = os.stat(origin)
            found.append((module, origin, (status.st_ino, status.st_mtime_ns)))
        else:
            found.append((module, origin, version))
    return found


class _OwnClasses(pickle.Unpickler):
    """Builds hydro's own classes (not its functions) and plain values (which pickle writes
    without naming a class), nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("hydro_manifest.") and not module.startswith(_NOT_RESULTS):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a result")


#: Modules with no class a result holds.
_NOT_RESULTS = (
    "hydro_manifest.cache",
    "hydro_manifest.cli",
    "hydro_manifest.lsp",
    "hydro_manifest.pool",
)


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
