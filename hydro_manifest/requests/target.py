"""Which Model a request goes to: a Model named on the command line, or the first model of
an Application's first stage (its variants share one signature), among manifests given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..api import Options, validate_paths
from ..discovery import discover
from ..project import entry_model
from ..report import ManifestError
from ..suggest import did_you_mean

if TYPE_CHECKING:
    from ..kinds import Model


def request_target(paths: Sequence[str], name: str | None = None) -> tuple[Model, str]:
    """The Model whose inputs a request sends, and the application name it is sent to.

    Among the documents of `paths` (files, or folders searched as `lint_paths` does): the
    Model or Application named `name`, else the first Application, else the first Model.
    Raises LookupError, or ManifestError when the documents needed have errors.
    """
    report = validate_paths(discover(paths).files, options=Options(file_checks=False))
    models = {r.name: r for r in report.resources if r.kind == "Model"}
    valid = {d.name for d in report.documents if d.kind == "Application" and d.resource}
    applications = {
        s.name: s
        for s in report.summaries
        if s.kind == "Application" and s.name is not None and s.name in valid
    }
    if name is not None and name not in models and name not in applications:
        if any(d.name == name for d in report.documents):
            raise ManifestError(report)
        hint = did_you_mean(name, [*applications, *models])
        raise LookupError(
            f"no Model or Application named '{name}' in {', '.join(paths)}"
            + (f"; {hint}" if hint else "")
        )
    chosen = name or next(iter(applications), None) or next(iter(models), None)
    if chosen is None:
        if report.failed():
            raise ManifestError(report)
        raise LookupError(f"no Model or Application in {', '.join(paths)}")
    if chosen not in applications:
        return models[chosen], chosen
    first = entry_model(applications[chosen])
    if first not in models:
        raise LookupError(
            f"the first stage of '{chosen}' runs '{first}', which is not among the files "
            "given (add its manifest with --with)"
        )
    return models[first], chosen
