"""Which Model a request goes to: a Model named on the command line, or the first model of
an Application's first stage (its variants share one signature), among manifests given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple, cast

from ..api import Options, load_text, validate_paths
from ..discovery import discover
from ..project import entry_model
from ..report import ManifestError, Report
from ..rules import Severity
from ..suggest import did_you_mean

if TYPE_CHECKING:
    from ..kinds import Model


class Target(NamedTuple):
    """Where a request goes: the Model whose contract it follows, the name it is sent to,
    and the report of errors passed over because they lie outside that contract."""

    model: Model
    name: str
    passed_over: Report | None = None


def request_target(paths: Sequence[str], name: str | None = None) -> Target:
    """The Model whose inputs a request sends, and the application name it is sent to.

    Among the documents of `paths` (files, or folders searched as `lint_paths` does): the
    Model or Application named `name`, else the first Application, else the first Model.
    A Model whose errors all lie outside its contract is taken by its contract alone.
    Raises LookupError, or ManifestError when the documents needed have errors.
    """
    report = validate_paths(discover(paths).files, options=Options(file_checks=False))
    models = {r.name: r for r in report.resources if r.kind == "Model"}
    by_contract = _by_contract_alone(report)
    passed_over = report if by_contract else None
    models = {**by_contract, **models}
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
        return Target(models[chosen], chosen, passed_over if chosen in by_contract else None)
    first = entry_model(applications[chosen])
    if first not in models:
        raise LookupError(
            f"the first stage of '{chosen}' runs '{first}', which is not among the files "
            "given (add its manifest with --with)"
        )
    return Target(models[first], chosen, passed_over if first in by_contract else None)


#: What stands in for the keys a contract does not need (its Model's own may be wrong).
_STAND_IN = {"runtime": "hydrosphere/serving-runtime-python-3.7:3.0.3", "payload": ["src/"]}


def _by_contract_alone(report: Report) -> dict[str, Model]:
    """The Models that failed validation only outside `contract`, typed from their name
    and contract alone: a request or the contract file depends on nothing else."""
    import yaml

    from ..reading.loader import load

    found: dict[str, Model] = {}
    for file in report.files:
        failed = [
            d.document
            for d in file.diagnostics
            if d.severity is Severity.ERROR and d.document is not None
        ]
        in_contract = {
            d.document
            for d in file.diagnostics
            if d.severity is Severity.ERROR and d.path and d.path[0] == "contract"
        }
        candidates = [
            info.index
            for info in file.documents
            if info.kind == "Model"
            and info.resource is None
            and info.index in failed
            and info.index not in in_contract
            and isinstance(info.name, str)
        ]
        if not candidates or not file.source:
            continue
        documents = load(file.source).documents
        for index in candidates:
            value = documents[index].value if index < len(documents) else None
            if not isinstance(value, dict) or "contract" not in value:
                continue
            alone = {"kind": "Model", "name": value.get("name"), **_STAND_IN}
            alone["contract"] = value["contract"]
            try:
                (model,) = load_text(yaml.safe_dump(alone), options=Options(file_checks=False))
            except (ManifestError, ValueError, yaml.YAMLError):
                continue
            found[model.name] = cast("Model", model)
    return found
