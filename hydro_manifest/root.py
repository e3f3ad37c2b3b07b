"""The repository root: the one folder whose files hydro opens.

hydro runs on pull requests that anyone can write, and its reports land where more people
read them than the repository's secrets. So every file hydro opens because a manifest, a
requirements file, a pip configuration or a folder walk names it goes through a `Root`:
its real path (symbolic links resolved) must lie inside the root, or it is not opened,
not listed, not sized and nothing of it is quoted. The root is the nearest folder above
the manifest that holds `.git` (every CI checkout does); without one, the folder given to
`hydro lint` or the manifest's own folder; `--root` or the configuration's `root` set it.

Probing a path never raises: a name longer than any file system allows, a symbolic link
loop, a folder that may not be searched are answers like "missing".
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from typing import NamedTuple

from .redaction import secrets_in

#: What marks a repository's top folder.
GIT = ".git"
#: The longest name of one file (Linux's NAME_MAX, in bytes) and of a whole path.
NAME_MAX = 255
PATH_MAX = 4096
#: Real paths of folders a Root keeps before it forgets them all.
_FOLDERS_KEPT = 4096


class Kind(str, Enum):
    """What a path is, as far as hydro may know."""

    FILE = "file"
    FOLDER = "folder"
    OTHER = "not a regular file"  # a FIFO, a device, a socket: reading it could block
    MISSING = "missing"
    OUTSIDE = "outside the repository"
    LOOP = "a symbolic link loop"
    TOO_LONG = "a name too long"
    UNREADABLE = "unreadable"


class Probe(NamedTuple):
    """What a path is, its size when it is a file, why it cannot be read (UNREADABLE), and
    when it exists, its stamp: inode, modification and change times in nanoseconds (a
    folder's change when a name in it comes or goes; `hydro_manifest.cache` compares them),
    and its real location (links resolved)."""

    kind: Kind
    size: int | None = None
    reason: str | None = None
    stamp: tuple[int, int, int] | None = None
    real: str | None = None

    @property
    def exists(self) -> bool:
        return self.kind in (Kind.FILE, Kind.FOLDER, Kind.OTHER)


class Asked:
    """What one file's check asked of the disk (`remembered_probes`): each path's probe, by
    root (real) and path; and, when `answers` are kept (for the lint cache), what each
    question beyond a probe answered, by root, path and question: a file's bytes read (as
    a digest), a folder's names, a scan for files (`Root.answered`); and the secrets of
    the URLs in what it read (`note_secrets`), which no report of it may show."""

    __slots__ = ("answers", "probes", "secrets")

    def __init__(self, answers: bool = False) -> None:
        self.probes: dict[tuple[str, str], Probe] = {}
        self.answers: dict[tuple[str, str, str], object] | None = {} if answers else None
        self.secrets: set[str] = set()


#: What the check under way asked (`remembered_probes`).
_REMEMBERED: ContextVar[Asked | None] = ContextVar("remembered_probes", default=None)


@contextmanager
def remembered_probes(answers: bool = False) -> Iterator[Asked]:
    """Within the block, each path is probed once: the checks of one manifest ask about the
    same payload files again and again (the entry, the file the container finds there, the
    file read). Per thread and task; the block is one file's check, so what changes on disk
    meanwhile is seen by the next file's. Yields what the check asked of the disk, with the
    `answers` beyond probes when asked for."""
    asked = Asked(answers)
    token = _REMEMBERED.set(asked)
    try:
        yield asked
    finally:
        _REMEMBERED.reset(token)


def _answers() -> dict[tuple[str, str, str], object] | None:
    """Where the check under way notes its answers, if it keeps them."""
    asked = _REMEMBERED.get()
    return asked.answers if asked is not None else None


def note_secrets(data: str | bytes) -> None:
    """Notes the secrets of the URLs in `data`, a text the check under way read."""
    asked = _REMEMBERED.get()
    if asked is None:
        return
    if isinstance(data, bytes):
        if b":/" not in data:
            return
        data = data.decode("utf-8", "replace")
    asked.secrets |= secrets_in(data)


def digest(data: bytes) -> bytes:
    """A short fingerprint of what a question answered (a file's bytes, a folder's names)."""
    return hashlib.blake2b(data, digest_size=16).digest()


class Root:
    """The folder hydro may read in (`folder` as given, `real` with links resolved)."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.abspath(folder)
        self.real = os.path.realpath(self.folder)
        self._prefix = self.real.rstrip(os.sep) + os.sep
        self._folders: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Root({self.folder!r})"

    def contains(self, path: str | os.PathLike[str]) -> bool:
        """Whether the real location of `path` lies inside the root."""
        return self.probe(path).kind is not Kind.OUTSIDE

    def probe(self, path: str | os.PathLike[str]) -> Probe:
        """What `path` is, asking the file system only when it lies inside the root (and,
        while `remembered_probes` is on, only once)."""
        path = os.fspath(path)
        asked = _REMEMBERED.get()
        if asked is None:
            return self._probe(path)
        key = (self.real, path)
        found = asked.probes.get(key)
        if found is None:
            found = asked.probes[key] = self._probe(path)
        return found

    def answered(self, path: str | os.PathLike[str], question: str, answer: object) -> None:
        """Note what a question about `path` beyond its probe answered, when the check under
        way keeps answers (`remembered_probes`): the cache asks it again to tell whether a
        result still stands."""
        answers = _answers()
        if answers is not None:
            answers[(self.real, os.fspath(path), question)] = answer

    def _probe(self, path: str) -> Probe:
        try:  # (a name too long for the system is its answer, ENAMETOOLONG, below)
            real, status = self._resolve(path)
        except ValueError:  # an embedded NUL byte
            return Probe(Kind.MISSING)
        if not self._inside(real):
            return Probe(Kind.OUTSIDE)
        if status is None or stat.S_ISLNK(status.st_mode):
            try:
                status = os.stat(real)
            except OSError as error:
                return _failed(error)
        stamp = (status.st_ino, status.st_mtime_ns, status.st_ctime_ns)
        if stat.S_ISDIR(status.st_mode):
            return Probe(Kind.FOLDER, stamp=stamp, real=real)
        if stat.S_ISREG(status.st_mode):
            return Probe(Kind.FILE, status.st_size, stamp=stamp, real=real)
        return Probe(Kind.OTHER, stamp=stamp, real=real)

    def realpath(self, path: str | os.PathLike[str]) -> str:
        """The real location of `path` (links resolved), as `os.path.realpath` gives it,
        from the folders already resolved."""
        return self._resolve(os.fspath(path))[0]

    def _inside(self, real: str) -> bool:
        return real == self.real or real.startswith(self._prefix)

    def _resolve(self, path: str) -> tuple[str, os.stat_result | None]:
        """The real location of `path`, and its `lstat` when that was needed to tell.

        The folders' real paths are kept (a run asks about many files in a few folders), so
        a file that is not a link costs one `lstat`; a path with `..` or a link in its last
        part is resolved whole, as the system would (a link's `..` is its target's parent).
        """
        absolute = path if path.startswith(os.sep) else os.path.join(os.getcwd(), path)
        folder, name = os.path.split(absolute)
        if name in ("", ".", "..") or "/../" in absolute or "/./" in absolute or "//" in absolute:
            return os.path.realpath(absolute), None
        candidate = os.path.join(self._folders.get(folder) or self._real_folder(folder), name)
        try:
            status = os.lstat(candidate)
        except OSError:
            return candidate, None  # nothing there: where it would be is where it is
        if stat.S_ISLNK(status.st_mode):
            return os.path.realpath(candidate), status
        if stat.S_ISDIR(status.st_mode) and len(self._folders) <= _FOLDERS_KEPT:
            self._folders[absolute] = candidate  # (its files are asked about next)
        return candidate, status

    def _real_folder(self, folder: str) -> str:
        """The real path of an absolute, normalized folder: its parent's, and its own name
        unless that is a link (then resolved whole). Each folder costs one `lstat` once."""
        if len(self._folders) > _FOLDERS_KEPT:
            self._folders.clear()
        unknown = []
        while folder not in self._folders:
            parent, name = os.path.split(folder)
            if not name:  # the file system's root
                self._folders[folder] = folder
                break
            unknown.append((folder, name))
            folder = parent
        real = self._folders[folder]
        for folder, name in reversed(unknown):
            candidate = os.path.join(real, name)
            try:
                is_link = stat.S_ISLNK(os.lstat(candidate).st_mode)
            except OSError:
                is_link = False
            real = self._folders[folder] = os.path.realpath(candidate) if is_link else candidate
        return real

    def read(
        self, path: str | os.PathLike[str], limit: int, *, head: bool = False
    ) -> bytes | Probe:
        """The bytes of a regular file inside the root, or what it is instead. A file over
        `limit` bytes is answered with its probe, unread; with `head`, its first `limit`
        bytes are read instead."""
        found = self.probe(path)
        if found.kind is not Kind.FILE or (not head and (found.size or 0) > limit):
            return found
        try:
            data = _read_at_most(os.fspath(path), min(limit, (found.size or 0) + 1))
        except OSError as error:
            return _failed(error)
        if _answers() is not None:  # (the digest only for a check that keeps answers)
            self.answered(path, read_question(limit, head), digest(data))
        note_secrets(data)
        return data

    def listdir(self, folder: str | os.PathLike[str]) -> list[str]:
        """The names in a folder inside the root (none elsewhere, or when unreadable)."""
        if self.probe(folder).kind is not Kind.FOLDER:
            return []
        try:
            names = os.listdir(folder)
        except OSError:
            names = []
        if _answers() is not None:
            self.answered(folder, LIST, digest("\0".join(names).encode(errors="surrogateescape")))
        return names

    def walk(self, folder: str | os.PathLike[str]) -> Iterator[tuple[str, list[str], list[str]]]:
        """`os.walk` of a folder inside the root; links to folders are not followed (they
        are listed among the files), so the walk cannot leave the root or loop."""
        if self.probe(folder).kind is Kind.FOLDER:
            self.answered(folder, WALK, None)
            yield from os.walk(folder)


def _read_at_most(path: str, wanted: int) -> bytes:
    """Up to `wanted` bytes of a file: with the system's calls, as a run reads thousands of
    small files (a file object costs twice their time); never waiting, should a FIFO have
    taken the file's place since it was probed."""
    descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        chunks = []
        while wanted > 0:
            chunk = os.read(descriptor, wanted)
            if not chunk:
                break
            chunks.append(chunk)
            wanted -= len(chunk)
    finally:
        os.close(descriptor)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


#: The questions a check asks of a path beyond its probe (`Root.answered`): its bytes read
#: (`read_question`), a folder's names, a walk of a folder (never asked again: a check that
#: walks, which records a layout, is not cached).
LIST = "list"
WALK = "walk"
_READ = "read"


def read_question(limit: int, head: bool) -> str:
    return f"{_READ} {limit} {'head' if head else 'whole'}"


def read_asked(question: str) -> tuple[int, bool] | None:
    """The limit and head of a `read_question`; None for another question."""
    kind, _, rest = question.partition(" ")
    if kind != _READ:
        return None
    limit, _, how = rest.partition(" ")
    return int(limit), how == "head"


def too_long(path: str) -> bool:
    """Whether a path has a name no Linux file system holds (or is longer than a path)."""
    if len(path) >= PATH_MAX or max(map(len, path.split("/"))) > NAME_MAX:
        return True
    if path.isascii():
        return False  # a character is a byte
    encoded = os.fsencode(path)
    return len(encoded) >= PATH_MAX or max(map(len, encoded.split(b"/"))) > NAME_MAX


def _failed(error: OSError) -> Probe:
    if error.errno == errno.ELOOP:
        return Probe(Kind.LOOP)
    if error.errno == errno.ENAMETOOLONG:
        return Probe(Kind.TOO_LONG)
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return Probe(Kind.MISSING)
    return Probe(Kind.UNREADABLE, reason=error.strerror or str(error))


@functools.lru_cache(maxsize=64)
def at(folder: str) -> Root:
    """The root at `folder` (one object per folder a run names)."""
    return Root(folder)


_REPOSITORIES: dict[str, str | None] = {}


def repository_of(folder: str) -> str | None:
    """The nearest folder at or above `folder` (absolute) that holds `.git`."""
    climbed = []
    found: str | None = None
    current = folder
    while True:
        if current in _REPOSITORIES:
            found = _REPOSITORIES[current]
            break
        climbed.append(current)
        if os.path.lexists(os.path.join(current, GIT)):
            found = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for folder_climbed in climbed:
        _REPOSITORIES[folder_climbed] = found
    return found


def root_of(path: str, fallback: str, given: str | None = None) -> str:
    """The root for a file or folder: `given` (`--root`, the configuration's `root`), else
    the repository holding it, else `fallback` (the folder given to `lint`, or the
    manifest's own folder)."""
    if given is not None:
        return os.path.abspath(given)
    absolute = os.path.abspath(path)
    folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
    return repository_of(folder) or os.path.abspath(fallback)
