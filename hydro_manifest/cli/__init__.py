"""The `hydro` command: parses options, calls the library, prints, sets the exit code.

This module only assembles the app; each family of commands has a module of its own
(`checking`, `drawing`, `requests`, `editor`, `reference`), `options` declares the
options they share and `running` what they do with them (configuration, thresholds,
reports, exit codes)."""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Annotated, Any, NoReturn

from . import plugins  # noqa: F401 - first: pydantic's plugins, settled before any model

# isort: split

import typer

from .. import api
from ..report import ExitCode
from ..version import __version__
from . import checking, drawing, editor, reference, requests
from .running import STOPPED

# typer 0.29 labels each argument with its Python type in --help (`PATH <list[str]>`);
# a reader of `hydro validate --help` needs the metavar and the text, not the annotation.
typer.core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]

_APP_SETTINGS: dict[str, Any] = {
    "name": "hydro",
    "help": "Validate Hydrosphere resource definitions (Model, Application, "
    "DeploymentConfiguration) before `hs apply` does.",
    "add_completion": True,
    "no_args_is_help": True,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}
app = typer.Typer(**_APP_SETTINGS)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hydro {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Validate Hydrosphere resource definitions before `hs apply` does."""


#: The commands, in the order `hydro --help` lists them (a name where it is not the
#: function's).
_COMMANDS: list[tuple[str | None, Callable[..., None]]] = [
    (None, checking.validate),
    (None, checking.resolve),
    (None, checking.lint),
    (None, drawing.graph),
    ("baseline", checking.baseline_command),
    (None, requests.sample),
    ("check-request", requests.check_request),
    (None, requests.contract),
    ("runtime-check", requests.runtime_check),
    (None, editor.lsp),
    (None, editor.schema),
    (None, reference.rules),
    (None, reference.runtimes),
]
for name, command in _COMMANDS:
    app.command(name)(command)


def _app_for(arguments: list[str]) -> typer.Typer:
    """The app with only the command the arguments name: typer turns every command it
    holds into a click command (reading each function's parameters) before it parses any
    argument, and a run needs one. Without a command name (`hydro`, `hydro --help`, a
    misspelt one), the whole app, which lists and suggests them all."""
    name = arguments[0] if arguments else ""
    chosen = [c for c in app.registered_commands if _command_name(c) == name]
    if not chosen:
        return app
    one = typer.Typer(**_APP_SETTINGS)
    one.registered_callback = app.registered_callback
    one.registered_commands = chosen
    return one


def _stopped(stop: KeyboardInterrupt) -> None:
    stopped_by = signal.SIGTERM if isinstance(stop, api.Terminated) else signal.SIGINT
    print(f"hydro: {STOPPED[stopped_by]}", file=sys.stderr)
    sys.exit(ExitCode.SIGNALLED + stopped_by)


def _stopped_by(ended: SystemExit) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM an exit comes from (typer ends a command that one stops
    outside a run with `Exit(130)`, raised from it)."""
    cause: BaseException | None = ended
    seen: set[int] = set()
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def _command_name(command: Any) -> str:
    return str(command.name or command.callback.__name__.replace("_", "-"))


def main() -> NoReturn:
    """Entry point of the `hydro` command: `run`, then the process ends at once (`_end`).

    Python's cyclic collector stays off (`hydro lsp`, which runs for hours, turns it back
    on): a lint keeps every file's result until its report is written, and each collection
    after the run scanned them all (50 ms at 5,000 files); what hydro builds is freed by
    reference counting (`runner._without_cyclic_gc`)."""
    gc.disable()
    try:
        run()
    except SystemExit as ended:
        _end(ended.code)
    _end(0)


def _end(code: object) -> NoReturn:
    """End the process as `sys.exit(code)` would, without the interpreter's teardown, which
    frees every object and module one by one: about 30 ms, a sixth of a `hydro validate`
    of one file. What an exit must do is done first: the exit handlers run (libraries'
    too), the standard streams are flushed (a reader gone: 120, as Python's own exit). While
    a thread still runs, or a profiler or debugger watches (they report after the program
    returns), the usual exit."""
    if threading.active_count() > 1 or _watched():
        sys.exit(code)  # type: ignore[arg-type]
    if code is None or isinstance(code, int):
        status = code or 0
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120
    os._exit(status)


def _watched() -> bool:
    """A profiler, debugger or coverage tool watches the process: through the hooks of
    `sys.setprofile` and `sys.settrace`, or of `sys.monitoring` (cProfile from Python 3.12)."""
    if sys.getprofile() or sys.gettrace():
        return True
    monitoring = getattr(sys, "monitoring", None)
    return monitoring is not None and any(monitoring.get_tool(tool) for tool in range(6))


def run() -> None:
    """The `hydro` command, ending in `SystemExit` as typer's commands do. Any exception
    that escapes is a bug, reported with exit code 3.

    SIGTERM stops a run as Ctrl-C does (its worker processes end too), with 143; so it
    does outside a run (writing the report), where typer turns either into a silent 130."""
    api.stop_on_sigterm()
    try:
        _app_for(sys.argv[1:])()
    except SystemExit as ended:
        stop = _stopped_by(ended)
        if stop is None:
            raise
        _stopped(stop)
    except KeyboardInterrupt as stop:
        _stopped(stop)
    except Exception as error:
        print(
            f"hydro: internal error: {type(error).__name__}: {error}\n"
            f"This is a bug in hydro {__version__}; please report it at {api.ISSUES_URL}",
            file=sys.stderr,
        )
        sys.exit(ExitCode.INTERNAL)
