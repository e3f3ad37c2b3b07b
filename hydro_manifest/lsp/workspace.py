"""The workspace as the language server sees it: each manifest's findings and summary, kept
up to date one file at a time.

A change re-checks the file changed (its buffer when it is open, else the file on disk);
the checks across documents then run again over the summaries kept in memory (references,
duplicates, pipeline stages), so no other file is read again except a Model whose fields a
pipeline compares (`project.signatures`, each once). Diagnostics are grouped by the file
they are in: a manifest's, and the payload files' its container checks read
(func_main.py, pip.conf, requirements). Nothing here knows the protocol (see `server`).
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from ..config import Config, ConfigError, load
from ..diagnostics import Diagnostic, Span, file_diagnostic
from ..discovery import MANIFEST_SUFFIXES, discover
from ..file_check import Job, check_file, internal_error
from ..project import Summary, check
from ..report import FileReport
from ..root import root_of
from ..runner import check_alone, selected


@dataclass
class _Checked:
    """One manifest file as last checked (before suppressions and the configuration)."""

    report: FileReport
    summaries: list[Summary]


@dataclass
class Workspace:
    """The manifests under `roots` (absolute folders), by absolute path."""

    roots: list[str]
    #: Whether every manifest under the roots has been checked: until then the checks
    #: across documents wait (a reference to a file not read yet is not unresolved).
    complete: bool = False
    _files: dict[str, _Checked] = field(default_factory=dict)
    _open: dict[str, str] = field(default_factory=dict)
    _configs: dict[str, Config] = field(default_factory=dict)
    #: Configuration files that could not be read, with why (shown to the user once).
    config_problems: dict[str, str] = field(default_factory=dict)
    _published: dict[str, list[Diagnostic]] = field(default_factory=dict)
    #: Each file's diagnostics as last selected, with what they were selected from: a file
    #: whose check and findings across documents are unchanged is not selected again.
    _selected_last: dict[str, tuple[_Checked, list[Diagnostic], list[Diagnostic]]] = field(
        default_factory=dict
    )
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # -- reading files

    def manifests(self, roots: list[str] | None = None) -> list[str]:
        """The files `hydro lint` would check under the roots (its discovery and the
        configuration's `exclude`)."""
        found: list[str] = []
        for root in self.roots if roots is None else roots:
            config = self.config(root)
            found.extend(discover([root], config.exclude, config.repository_root).files)
        return found

    def forget_under(self, root: str) -> None:
        """A workspace folder is gone: its files count no more (but open buffers)."""
        with self._lock:
            for path in [p for p in self._files if p.startswith(root.rstrip(os.sep) + os.sep)]:
                if path not in self._open:
                    del self._files[path]

    def config(self, path: str) -> Config:
        """The configuration nearest above `path`; the defaults when it cannot be read
        (the problem is kept in `config_problems`)."""
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        with self._lock:
            known = self._configs.get(folder)
        if known is not None:
            return known
        try:
            config = load(start=folder)
        except ConfigError as error:
            self.config_problems[folder] = str(error)
            config = Config()
        with self._lock:
            self._configs[folder] = config
        return config

    def forget_configs(self) -> None:
        """A configuration file changed: read them again when next needed."""
        with self._lock:
            self._configs.clear()
            self.config_problems.clear()
            self._selected_last.clear()

    def set_text(self, path: str, text: str | None) -> None:
        """The text of the editor's buffer of `path` (None: not open, the file on disk
        counts); `check` reads it."""
        with self._lock:
            if text is None:
                self._open.pop(path, None)
            else:
                self._open[path] = text

    def close(self, path: str) -> None:
        """The buffer is closed: the file on disk counts again (if it is a manifest)."""
        self.set_text(path, None)
        if os.path.isfile(path) and self._is_indexed(path):
            self.check(path)
        else:
            self.remove(path)

    def text(self, path: str) -> str | None:
        """The buffer's text when open, else None."""
        with self._lock:
            return self._open.get(path)

    def _is_indexed(self, path: str) -> bool:
        """A file the workspace keeps when not open: a manifest under a root."""
        return path.endswith(MANIFEST_SUFFIXES) and self.under_roots(path)

    def under_roots(self, path: str) -> bool:
        return any(path.startswith(root.rstrip(os.sep) + os.sep) for root in self.roots)

    def _job(self, path: str, text: str | bytes | None) -> Job:
        options = self.config(path).options()
        folder = os.path.dirname(path)
        workspace = next(
            (r for r in self.roots if path.startswith(r.rstrip(os.sep) + os.sep)), None
        )
        return Job(
            path,
            text,
            folder if options.file_checks else None,
            root_of(folder, workspace or folder, options.root),
            lint=True,  # YAML that is not a manifest (a workflow, a chart) is left alone
            max_size=options.max_file_size,
        )

    def check(self, path: str) -> None:
        """Check one file again: its buffer if open, else the file on disk."""
        try:
            # (fields kept as read: a request never waits for contracts read again)
            result = check_file(self._job(path, self.text(path)), kept=True)
            checked = None if result.report is None else _Checked(result.report, result.summaries)
        except Exception as error:  # a bug in hydro: a finding, and the server goes on
            finding = internal_error(error, Span(1, 1, 1, 2))
            checked = _Checked(FileReport(path, [], [file_diagnostic(path, finding)]), [])
        with self._lock:
            if checked is None:
                self._files.pop(path, None)
            else:
                self._files[path] = checked

    def remove(self, path: str) -> None:
        with self._lock:
            self._files.pop(path, None)

    def checked_files(self) -> list[str]:
        with self._lock:
            return list(self._files)

    def fixed(self, path: str, text: str) -> str | None:
        """`text` with every safe fix applied, as `hydro validate --fix` applies them
        (rounds, and no fix that adds an error); None when nothing changes."""
        from ..fixes.engine import fix_file

        config = self.config(path)
        before = text.encode("utf-8")

        def check(data: bytes) -> list[Diagnostic]:
            return check_alone(self._job(path, data), config)

        after, _, _ = fix_file(path, before, check, unsafe=False)
        return after.decode("utf-8") if after != before else None

    def dependents(self, path: str) -> list[str]:
        """The Model manifests whose payload may ship `path` (a func_main.py, requirements,
        pip.conf): those in its folder or above, since payload entries are relative to the
        manifest's folder."""
        with self._lock:
            return [
                manifest
                for manifest, checked in self._files.items()
                if path.startswith(os.path.dirname(manifest) + os.sep)
                and any(s.kind == "Model" for s in checked.summaries)
            ]

    # -- what the features read

    def summaries(self) -> list[Summary]:
        with self._lock:
            return [s for checked in self._files.values() for s in checked.summaries]

    def summaries_of(self, path: str) -> list[Summary]:
        with self._lock:
            checked = self._files.get(path)
            return list(checked.summaries) if checked else []

    def named(self, kind: str, name: str) -> Summary | None:
        """The first document of `kind` named `name` (by file path, for a stable answer)."""
        with self._lock:
            for path in sorted(self._files):
                for summary in self._files[path].summaries:
                    if summary.kind == kind and summary.name == name:
                        return summary
        return None

    def names(self, kind: str) -> list[str]:
        return sorted({s.name for s in self.summaries() if s.kind == kind and s.name})

    def diagnostics_of(self, path: str) -> list[Diagnostic]:
        with self._lock:
            return list(self._published.get(path, ()))

    # -- diagnostics

    def changed_diagnostics(self) -> dict[str, list[Diagnostic]]:
        """Every file whose diagnostics differ from those last returned (a file that had
        some and has none now maps to []), after the checks across documents."""
        with self._lock:
            files = dict(self._files)
            summaries = self.summaries()
            across: dict[str, list[Diagnostic]] = defaultdict(list)
            for found in check(summaries) if self.complete else ():
                across[found.file].append(found)
            now: dict[str, list[Diagnostic]] = defaultdict(list)
            for path, checked in files.items():
                for found in self._selected(path, checked, across.get(path, [])):
                    now[found.file].append(found)
            for gone in self._selected_last.keys() - files.keys():
                del self._selected_last[gone]
            for found_in_file in now.values():
                found_in_file.sort(key=lambda d: d.sort_key)
            changed = {
                path: now.get(path, [])
                for path in {*now, *self._published}
                if now.get(path, []) != self._published.get(path, [])
            }
            self._published = {path: found for path, found in now.items() if found}
            return changed

    def _selected(self, path: str, checked: _Checked, across: list[Diagnostic]) -> list[Diagnostic]:
        """The file's diagnostics as `hydro lint` reports them: its comments and the
        configuration applied."""
        last = self._selected_last.get(path)
        if last is not None and last[0] is checked and last[1] == across:
            return last[2]
        report = checked.report
        for suppression in report.suppressions:
            suppression.used = False  # applied again at every change
        whole = FileReport(
            report.file, report.documents, [*report.diagnostics, *across], report.source
        )
        whole.suppressions = report.suppressions
        found = selected(whole, self.config(path))
        self._selected_last[path] = (checked, across, found)
        return found
