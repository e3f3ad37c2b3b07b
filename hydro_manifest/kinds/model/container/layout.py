"""What the payload puts in the model's container, without building it.

`hs apply` packs each payload entry under its name as written (`tar.add(source,
arcname=entry)`, tarfile dropping a leading `/`; hydrosdk `modelversion.py`); the manager
unpacks every member to `new File(filesDir, name)`, skipping those whose own name starts
with `.` (`TarGzUtils.decompress`). So `src/` becomes `/model/files/src/…`, `../x.pkl`
becomes `/model/x.pkl`, a hidden file is dropped, and the files inside a hidden folder do
arrive. Lookups follow the entries instead of walking them: a file is found by the entry
that holds it, the last one winning as it does when unpacking.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePath

from ....diagnostics import STDIN
from ....redaction import redact
from ....root import Kind, Root
from ...values import sequence

#: Where the manager unpacks the payload, and where the image build runs.
FILES = "/model/files"
#: Where the runtime reads the model from (the contract beside the files).
MODEL = "/model"
#: A tree shown by `hydro resolve` stops after this many files.
TREE_LIMIT = 2_000


@dataclass(frozen=True)
class Shipped:
    """One payload entry: where it is on disk, and where it lands in the container."""

    index: int
    entry: str
    host: str
    container: str


class Container:
    """The container of one Model, as its payload fills it. Only files inside `root` are
    looked at (`hydro_manifest.root`)."""

    def __init__(self, payload: object, base: str, root: Root) -> None:
        self.base = base
        self.root = root
        self.shipped = [
            Shipped(index, entry, on_disk(base, entry), in_container(entry))
            for index, entry in enumerate(sequence(payload))
            if isinstance(entry, str) and entry.strip() and "\x00" not in entry
        ]
        #: What was found at each path asked, and the names in each folder listed: the
        #: checks of one Model ask about the same few paths and folders again and again.
        self._found: dict[str, str | None] = {}
        self._names: dict[str, frozenset[str]] = {}

    def _hosts(self, path: str) -> Iterator[tuple[Shipped, str]]:
        """Where `path` in the container would be on disk, by each entry that may hold it,
        the last entry first (it wins when unpacking)."""
        path = posixpath.normpath(path)
        for shipped in reversed(self.shipped):
            if path == shipped.container:
                yield shipped, shipped.host
            elif path.startswith(shipped.container.rstrip("/") + "/"):
                yield shipped, on_disk(shipped.host, path[len(shipped.container) :].lstrip("/"))

    def find(self, path: str) -> str | None:
        """The file on disk that lands at `path` in the container, if one does (and lies
        inside the root: what lies outside is not looked at, see `leaves_root`)."""
        if path in self._found:
            return self._found[path]
        found = next(
            (
                host
                for _, host in self._hosts(path)
                if not _hidden(host) and self.root.probe(host).kind is Kind.FILE
            ),
            None,
        )
        self._found[path] = found
        return found

    def leaves_root(self, path: str) -> Shipped | None:
        """The entry through which what lands at `path` would come from outside the root
        (the entry itself or a link inside it leads out), where hydro does not look: not
        found, but not missing either. None when it does not."""
        for shipped, host in self._hosts(path):
            kind = self.root.probe(host).kind
            if kind is Kind.OUTSIDE:
                return shipped
            if kind in (Kind.FILE, Kind.FOLDER):
                return None
        return None

    def is_folder(self, path: str) -> bool:
        """Whether `path` is a folder of the container: the working folder /model/files, a
        folder unpacking makes to hold an entry, or a folder the payload ships (an entry's
        folder, or one inside)."""
        path = posixpath.normpath(path)
        if path == FILES or any(s.container.startswith(path + "/") for s in self.shipped):
            return True
        return any(self.root.probe(host).kind is Kind.FOLDER for _, host in self._hosts(path))

    def has_module(self, name: str, folders: tuple[str, ...]) -> bool:
        """Whether a module `name` (`name.py` or a package `name/`) is in one of `folders`."""
        return any(
            self._may_hold(folder, name)
            and (self.find(f"{folder}/{name}.py") or self.find(f"{folder}/{name}/__init__.py"))
            for folder in folders
        )

    def module_elsewhere(
        self, name: str, searched: tuple[str, ...], usual: tuple[str, ...]
    ) -> str | None:
        """Where in the container the payload ships a module `name` outside the `searched`
        folders: in /model/files itself, one of the `usual` folders, a folder an entry
        ships, or the folder of a file an entry ships (None: nowhere hydro looks)."""
        folders = {FILES, *usual}
        for shipped in self.shipped:
            folders.add(shipped.container)
            folders.add(posixpath.dirname(shipped.container))
        for folder in sorted(folders - set(searched)):
            if self.has_module(name, (folder,)):
                found = f"{folder}/{name}.py"
                return found if self.find(found) else f"{folder}/{name}/"
        return None

    def _may_hold(self, folder: str, name: str) -> bool:
        """Whether `folder` may hold the module `name`: an entry ships it, or a folder on
        disk that lands there has the name (one listing a folder, not a probe a name)."""
        module = f"{folder}/{name}"
        if any(
            s.container in (module, f"{module}.py") or s.container.startswith(module + "/")
            for s in self.shipped
        ):
            return True
        for _, host in self._hosts(folder):
            names = self._names.get(host)
            if names is None:
                names = self._names[host] = frozenset(self.root.listdir(host))
            if name in names or f"{name}.py" in names:
                return True
        return False

    def unresolved_around(self, folder: str) -> bool:
        """Whether an entry that would hold `folder` or sit inside it is missing on disk:
        then what the folder holds is unknown (the missing entry is reported itself)."""
        return any(
            not self.root.probe(shipped.host).exists
            and (
                folder == shipped.container
                or folder.startswith(shipped.container.rstrip("/") + "/")
                or shipped.container.startswith(folder + "/")
            )
            for shipped in self.shipped
        )

    def beside_manifest(self, path: str) -> str | None:
        """Where a file meant for `path` in the container lies next to the manifest, if it
        does: what a payload entry would have to name."""
        if not path.startswith(FILES + "/"):
            return None
        host = on_disk(self.base, path[len(FILES) + 1 :])
        return host if self.root.probe(host).exists else None

    def named(self, host: str, manifest: str) -> str:
        """A file on disk as the report names files: beside the manifest's own name."""
        folder = os.path.dirname(manifest) if manifest != STDIN else ""
        base = self.base
        inside = host.startswith(base + os.sep) and ".." not in host[len(base) :].split(os.sep)
        # (Paths come normalized but for `..`: inside the base, the rest is the relative path)
        relative = host[len(base) + 1 :] if inside else os.path.relpath(host, base)
        return os.path.join(folder, relative)

    def layout(
        self,
        document: int,
        model: str | None,
        manifest: str,
        image: dict[str, object] | None = None,
    ) -> Layout:
        """Every file of the payload and where unpacking puts it (at most TREE_LIMIT): the
        picture `hydro resolve` shows. `manifest` names the manifest as the report does;
        `image` is what the runtime image holds, shown beside it."""
        placed: list[Placed] = []
        for shipped in self.shipped:
            found = self.root.probe(shipped.host)
            if not found.exists:
                source = self.named(shipped.host, manifest)
                fate = Fate.OUTSIDE_ROOT if found.kind is Kind.OUTSIDE else Fate.MISSING
                placed.append(Placed("", shipped.entry, source, fate))
                continue
            for host, path in self._files(shipped):
                source = self.named(host, manifest)
                placed.append(Placed(path or "", shipped.entry, source, _fate(host, path)))
            if len(placed) >= TREE_LIMIT:
                return Layout(document, model, placed[:TREE_LIMIT], truncated=True, image=image)
        placed.sort(key=lambda p: (p.fate is not Fate.LANDS, p.path or p.source))
        return Layout(document, model, placed, image=image)

    def _files(self, shipped: Shipped) -> list[tuple[str, str | None]]:
        """The files an entry packs, hidden ones included, with where each would land (None:
        a link inside the entry that leads out of the root, not followed)."""
        host = shipped.host
        if self.root.probe(host).kind is Kind.FILE:
            return [(host, shipped.container)]
        found: list[tuple[str, str | None]] = []
        for folder, folders, files in self.root.walk(host):
            folders.sort()
            relative = os.path.relpath(folder, host).replace(os.sep, "/")
            for name in sorted(files):
                inside = name if relative == "." else f"{relative}/{name}"
                file = os.path.join(folder, name)
                lands = self.root.contains(file)
                found.append((file, f"{shipped.container}/{inside}" if lands else None))
                if len(found) >= TREE_LIMIT:
                    return found
        return found


class Fate(str, Enum):
    """What unpacking does with one file of the payload."""

    LANDS = "lands"  # under /model/files, where the build and the code look
    OUTSIDE = "outside /model/files"  # an entry with `../` or a path that climbs out
    DROPPED = "dropped: hidden name"  # the manager skips names that start with `.`
    MISSING = "missing on disk"  # the entry names nothing (HY216)
    OUTSIDE_ROOT = "outside the repository, not read"  # its real location leaves the root


@dataclass(frozen=True)
class Placed:
    """One file of the payload: where it lands (empty when it does not), the entry that
    ships it, where it is on disk, and what unpacking does with it."""

    path: str
    entry: str
    source: str
    fate: Fate

    def to_json(self) -> dict[str, str]:
        return {
            "path": redact(self.path),
            "entry": redact(self.entry),
            "source": redact(self.source),
            "fate": self.fate,
        }


@dataclass(frozen=True)
class Layout:
    """The container of one Model (a document of the file), as its payload fills it."""

    document: int
    model: str | None
    files: list[Placed]
    truncated: bool = False
    #: What the runtime image holds (`images.summary`), when hydro knows it.
    image: dict[str, object] | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "document": self.document,
            "model": self.model,
            "files": [p.to_json() for p in self.files],
            "truncated": self.truncated,
            "image": self.image,
        }


def _fate(host: str, path: str | None) -> Fate:
    if path is None:
        return Fate.OUTSIDE_ROOT
    if _hidden(host):
        return Fate.DROPPED
    return Fate.LANDS if path.startswith(FILES + "/") else Fate.OUTSIDE


def on_disk(folder: str, relative: str) -> str:
    """Where `relative` lies from `folder`, as pathlib joins them (the names a report shows
    come from it): `.` parts, repeated and trailing slashes dropped, `..` kept."""
    joined = relative if relative.startswith("/") else f"{folder.rstrip('/')}/{relative}"
    if "//" in joined or "/." in joined:
        return str(PurePath(joined))  # (rare: the exact way)
    return joined[:-1] if joined.endswith("/") and len(joined) > 1 else joined  # (`src/`)


def _hidden(host: str) -> bool:
    """Whether unpacking skips the file: its name starts with `.`."""
    return os.path.basename(host).startswith(".")


def in_container(entry: str) -> str:
    """Where a payload entry lands: its name as written, under /model/files."""
    name = entry.replace("\\", "/").lstrip("/")
    return posixpath.normpath(posixpath.join(FILES, name))


def resolve(word: str, folder: str) -> str:
    """A path as a command in the container reads it, from `folder`."""
    return posixpath.normpath(posixpath.join(folder, word))
