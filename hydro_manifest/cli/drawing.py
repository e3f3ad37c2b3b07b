"""Drawing: `graph`, each Application's pipeline as Mermaid or DOT."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import api
from ..diagnostics import printable
from ..rules import Severity
from ..suggest import did_you_mean
from .options import (
    ConfigFile,
    Exclude,
    LintPaths,
    NoFileChecks,
    RootFolder,
    WrittenFile,
)
from .running import (
    check_options,
    configuration,
    echo_or_write,
    existing,
    usage_error,
)


def graph(
    paths: LintPaths = None,
    application: Annotated[
        str | None,
        typer.Option("--app", metavar="NAME", help="Draw only the Application NAME."),
    ] = None,
    form: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="mermaid|dot",
            help="Mermaid or Graphviz DOT [default: mermaid].",
        ),
    ] = "mermaid",
    output_file: WrittenFile = None,
    exclude: Exclude = None,
    no_file_checks: NoFileChecks = False,
    config_file: ConfigFile = None,
    root: RootFolder = None,
) -> None:
    """Draw each Application as a diagram: its stages, the variants with their weights,
    signatures and deployment configurations, the fields each stage passes to the next,
    and the problems where they are (in red, with the rule). The files are linted as
    `hydro lint` lints them; the drawing is the same for the same files."""
    if form not in api.DIAGRAM_FORMATS:
        raise usage_error(
            f"unknown format '{form}' (valid formats: {', '.join(api.DIAGRAM_FORMATS)})"
        )
    paths = paths or ["."]
    config = configuration(config_file, paths, root=root)
    options = check_options(config, no_file_checks, False, None, None, root)
    existing([p for p in paths if p != api.STDIN])
    report = api.lint_paths(paths, config=config, exclude=exclude or (), options=options)
    names = [s.name for s in report.summaries if s.kind == "Application" and s.name]
    if not names:
        typer.echo(f"hydro: no Application found in {printable(', '.join(paths))}", err=True)
        _undrawn_errors(report)
        raise typer.Exit(1)
    try:
        drawn = api.draw_applications(report, form, application)
    except LookupError as error:
        hint = did_you_mean(application or "", names)
        raise usage_error(str(error) + (f"; {hint}" if hint else "")) from None
    echo_or_write(drawn, output_file)
    _undrawn_errors(report)


def _undrawn_errors(report: api.Report) -> None:
    """A drawing shows the findings at model references only: say that there are others."""
    errors = report.count(Severity.ERROR)
    if errors:
        typer.echo(
            f"hydro: the files have {errors} error{'s' if errors != 1 else ''}; "
            "`hydro lint` shows them all",
            err=True,
        )
