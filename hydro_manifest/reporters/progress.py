"""A progress bar on standard error, for a `hydro lint` that takes more than a moment.

Only on a terminal, and only once the run has taken half a second: short runs and CI
logs stay free of it. It disappears when the run ends.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any

from . import wants_rich

_DELAY = 0.5


class ProgressBar:
    def __init__(self, color: str = "auto") -> None:
        self._started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None
        # a terminal only: FORCE_COLOR or --color always colour CI logs, never animate them
        self._enabled = sys.stderr.isatty() and wants_rich(sys.stderr, color)

    def __call__(self, done: int, total: int) -> None:
        self._show("linting", done, total)

    def resolving(self, done: int, total: int) -> None:
        """pip's resolutions (`--remote`), after the files."""
        self._show("resolving requirements", done, total)

    def _show(self, what: str, done: int, total: int) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            if time.monotonic() - self._started < _DELAY:
                return
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._bar.start()
        if self._task is None or self._task[0] != what:
            self._task = (what, self._bar.add_task(what, total=total))
        self._bar.update(self._task[1], completed=done, total=total)  # (found so far)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
