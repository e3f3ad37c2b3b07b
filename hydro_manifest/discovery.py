"""Finding the manifests of a repository: `*.yaml` and `*.yml` under the given paths.

Skips version-control and tool folders, virtual environments, `node_modules`, what
`.gitignore` files ignore (nested ones too, as git reads them) and the `--exclude` /
config globs. Symbolic links to folders are followed once: a loop is walked only once.
Files named on the command line are always checked, as ruff and yamllint do. A folder
that cannot be read is reported, not skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathspec is imported by `hydro lint` only, when it walks folders
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
    """The manifest files found, in a stable (sorted, depth-first) order, and the folders
    that could not be read, with the reason (in the order met)."""

    files: list[str]
    unreadable: dict[str, str]


def discover(paths: Iterable[str], exclude: Iterable[str] = ()) -> Discovered:
    """The manifest files under `paths`; a path that is not a folder is taken as a file."""
    from pathspec import GitIgnoreSpec

    excluded = GitIgnoreSpec.from_lines(list(exclude))
    found = Discovered([], {})
    seen: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            for file in _walk(path, excluded, found.unreadable):
                if file not in seen:
                    seen.add(file)
                    found.files.append(file)
        elif path not in seen:
            seen.add(path)
            found.files.append(path)
    return found


def _walk(root: str, excluded: GitIgnoreSpec, unreadable: dict[str, str]) -> Iterator[str]:
    visited: set[tuple[int, int]] = set()
    ignores = _parent_ignores(root)
    patterns = excluded if len(excluded) else None  # most runs exclude nothing
    yield from _walk_folder(root, "", patterns, ignores, visited, unreadable)


def _walk_folder(
    folder: str,
    relative_folder: str,
    excluded: GitIgnoreSpec | None,
    ignores: list[_Ignore],
    visited: set[tuple[int, int]],
    unreadable: dict[str, str],
) -> Iterator[str]:
    """The manifests under `folder`, which is `relative_folder` (with `/`, "" for the
    root) below the folder the walk started from."""
    try:
        status = os.stat(folder)
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return  # removed while the tree is walked
    except OSError as error:  # a folder we may not read: its manifests would go unchecked
        unreadable[os.path.normpath(folder)] = error.strerror or str(error)
        return
    identity = (status.st_dev, status.st_ino)
    if identity in visited:
        return  # a symbolic link back into the tree
    visited.add(identity)
    if any(entry.name == ".gitignore" for entry in entries):
        local = _read_gitignore(folder)
        ignores = [*ignores, local] if local else ignores
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:  # a symbolic link loop: reading it will say so
            is_dir = False
        relative = f"{relative_folder}/{entry.name}" if relative_folder else entry.name
        if _skipped(entry, relative, is_dir, excluded, ignores):
            continue
        if is_dir:
            yield from _walk_folder(entry.path, relative, excluded, ignores, visited, unreadable)
        elif entry.name.endswith(MANIFEST_SUFFIXES):
            yield os.path.normpath(entry.path)


def _skipped(
    entry: os.DirEntry[str],
    relative: str,
    is_dir: bool,
    excluded: GitIgnoreSpec | None,
    ignores: list[_Ignore],
) -> bool:
    if is_dir and (entry.name in SKIPPED_FOLDERS or _is_virtualenv(entry.path)):
        return True
    if excluded is not None and excluded.match_file(relative + "/" if is_dir else relative):
        return True
    return any(ignore.matches(entry.path, is_dir) for ignore in ignores)


def _is_virtualenv(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "pyvenv.cfg"))


def _read_gitignore(folder: str) -> _Ignore | None:
    try:
        with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    from pathspec import GitIgnoreSpec

    return _Ignore(folder, GitIgnoreSpec.from_lines(lines))


def _parent_ignores(root: str) -> list[_Ignore]:
    """The `.gitignore` files of the folders above `root`, up to the repository's top."""
    found = []
    folder = os.path.abspath(root)
    while True:
        parent = os.path.dirname(folder)
        if parent == folder or os.path.exists(os.path.join(folder, ".git")):
            break
        folder = parent
        ignore = _read_gitignore(folder)
        if ignore:
            found.append(_Ignore(ignore.folder, ignore.spec))
    return list(reversed(found))
