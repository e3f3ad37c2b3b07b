"""Finding the manifests of a repository: `*.yaml` and `*.yml` under the given paths.

Skips version-control and tool folders, virtual environments, `node_modules`, what
`.gitignore` files ignore (nested ones too, as git reads them) and the `--exclude` /
config globs. Symbolic links to folders are followed once, and only inside the
repository root (`hydro_manifest.root`): a link that leads out of it, or back to a folder
above it (a loop), is reported instead of walked. Files named on the command line are
always checked, as ruff and yamllint do. A folder that cannot be read is reported, not
skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .diagnostics import Finding, Span
from .reading.rules import OUTSIDE_ROOT, SYMLINK_LOOP
from .root import Root, at, root_of
from .rules import Rule

if TYPE_CHECKING:  # pathspec is imported only when a glob or a `.gitignore` excludes something
    from pathspec import GitIgnoreSpec

MANIFEST_SUFFIXES = (".yaml", ".yml")
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "site-packages",
    }
)


@dataclass(frozen=True)
class _Ignore:
    """The patterns of one `.gitignore`, relative to its folder."""

    folder: str
    spec: GitIgnoreSpec

    def matches(self, path: str, is_dir: bool) -> bool:
        relative = os.path.relpath(path, self.folder).replace(os.sep, "/")
        if relative.startswith("../"):
            return False
        return self.spec.match_file(relative + "/" if is_dir else relative)


@dataclass
class Discovered:
    """The manifest files found, in a stable (sorted, depth-first) order, each with the
    repository root it is read in; the folders that could not be read, with the reason;
    and the links not walked (out of the root, or a loop), with the rule and why."""

    files: list[str]
    unreadable: dict[str, str]
    roots: dict[str, str] = field(default_factory=dict)
    refused: dict[str, Finding] = field(default_factory=dict)


def discover(
    paths: Iterable[str], exclude: Iterable[str] = (), root: str | None = None
) -> Discovered:
    """The manifest files under `paths`; a path that is not a folder is taken as a file.
    `root` is the repository root (`--root`); by default each path's own (`root_of`)."""
    found = Discovered([], {})
    found.files.extend(walk(paths, exclude, root, found))
    return found


def walk(
    paths: Iterable[str], exclude: Iterable[str], root: str | None, found: Discovered
) -> Iterator[str]:
    """`discover`'s files as the walk finds them (a lint checks the first while it looks
    for the others); `found` gets each file's root as it is given, and the folders that
    cannot be read and the links refused as they are met. Its `files` are left alone."""
    excluded = _excluded(list(exclude))
    seen: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            top = root_of(path, path, root)
            for file in _Walk(at(top), excluded, found).files(path):
                if file not in seen:
                    seen.add(file)
                    found.roots[file] = top
                    yield file
        elif path not in seen:
            seen.add(path)
            found.roots[path] = root_of(path, os.path.dirname(os.path.abspath(path)), root)
            yield path


def _excluded(patterns: list[str]) -> GitIgnoreSpec | None:
    """The `--exclude` and configured globs; None for none (pathspec is then not imported:
    most runs exclude nothing, and few repositories have a `.gitignore` in every folder)."""
    if not patterns:
        return None
    from pathspec import GitIgnoreSpec

    spec = GitIgnoreSpec.from_lines(patterns)
    return spec if len(spec) else None


@dataclass
class _Walk:
    """One folder given to `hydro lint`, walked inside its root."""

    root: Root
    excluded: GitIgnoreSpec | None  # None: most runs exclude nothing
    found: Discovered
    visited: set[tuple[int, int]] = field(default_factory=set)

    def files(self, top: str) -> Iterator[str]:
        yield from self._folder(top, "", _parent_ignores(top, self.root))

    def _folder(self, folder: str, relative_folder: str, ignores: list[_Ignore]) -> Iterator[str]:
        """The manifests under `folder`, which is `relative_folder` (with `/`, "" for the
        top) below the folder the walk started from."""
        try:
            status = os.stat(folder)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except FileNotFoundError:
            return  # removed while the tree is walked
        except OSError as error:  # a folder we may not read: its manifests would go unchecked
            self.found.unreadable[os.path.normpath(folder)] = error.strerror or str(error)
            return
        if relative_folder and _is_virtualenv(entries):
            return  # (the folder's own listing tells: no probe of each folder's pyvenv.cfg)
        identity = (status.st_dev, status.st_ino)
        if identity in self.visited:
            return  # a second link to a folder already walked
        self.visited.add(identity)
        if any(entry.name == ".gitignore" for entry in entries):
            local = _read_gitignore(folder, self.root)
            ignores = [*ignores, local] if local else ignores
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:  # a symbolic link loop: reading it will say so
                is_dir = False
            relative = f"{relative_folder}/{entry.name}" if relative_folder else entry.name
            if _skipped(entry, relative, is_dir, self.excluded, ignores):
                continue
            if is_dir and (not entry.is_symlink() or self._may_follow(entry)):
                yield from self._folder(entry.path, relative, ignores)
            elif not is_dir and entry.name.endswith(MANIFEST_SUFFIXES):
                yield os.path.normpath(entry.path)

    def _may_follow(self, link: os.DirEntry[str]) -> bool:
        """Whether a link to a folder may be walked: inside the root, and not a loop (a
        link to a folder above it); if not, it is reported."""
        if not self.root.contains(link.path):
            self._refuse(
                link,
                OUTSIDE_ROOT,
                "a symbolic link to a folder outside the repository "
                f"root: not searched (the root is {self.root.folder})",
            )
            return False
        target = os.path.realpath(link.path)
        holder = os.path.realpath(os.path.dirname(link.path))
        if holder == target or holder.startswith(target.rstrip(os.sep) + os.sep):
            self._refuse(
                link, SYMLINK_LOOP, "a symbolic link to a folder that holds it: not searched again"
            )
            return False
        return True

    def _refuse(self, link: os.DirEntry[str], rule: Rule, message: str) -> None:
        finding = Finding(rule, message, span=Span(1, 1, 1, 2))
        self.found.refused[os.path.normpath(link.path)] = finding


def _skipped(
    entry: os.DirEntry[str],
    relative: str,
    is_dir: bool,
    excluded: GitIgnoreSpec | None,
    ignores: list[_Ignore],
) -> bool:
    if is_dir and entry.name in SKIPPED_FOLDERS:
        return True
    if excluded is not None and excluded.match_file(relative + "/" if is_dir else relative):
        return True
    return any(ignore.matches(entry.path, is_dir) for ignore in ignores)


def _is_virtualenv(entries: list[os.DirEntry[str]]) -> bool:
    """Whether a folder's entries make it a virtual environment (never a manifest's)."""
    return any(entry.name == "pyvenv.cfg" and _is_file(entry) for entry in entries)


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _read_gitignore(folder: str, root: Root) -> _Ignore | None:
    if not root.contains(os.path.join(folder, ".gitignore")):
        return None  # a link out of the repository: not read
    try:
        with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    from pathspec import GitIgnoreSpec

    return _Ignore(folder, GitIgnoreSpec.from_lines(lines))


def _parent_ignores(top: str, root: Root) -> list[_Ignore]:
    """The `.gitignore` files of the folders above `top`, up to the repository root."""
    found = []
    folder = os.path.abspath(top)
    while True:
        parent = os.path.dirname(folder)
        if parent == folder or folder == root.folder or not root.contains(parent):
            break
        folder = parent
        ignore = _read_gitignore(folder, root)
        if ignore:
            found.append(_Ignore(ignore.folder, ignore.spec))
    return list(reversed(found))
