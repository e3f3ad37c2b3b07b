"""Checks across documents, for `hydro lint`: references, pipeline fit, duplicate names.

Each document is reduced, where it is read, to a small `Summary`: its name, the model and
configuration names it refers to, each with the place it was written. Only these cross
process boundaries and stay in memory for the whole run. A Model's contract fields are
read again only if a check compares them (a pipeline, the variants of a stage,
`--explain-app`): a repository has thousands of fields, and few models in pipelines.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .. import spec
from ..diagnostics import Diagnostic, Path, Related, Span, Target
from ..kinds import KINDS
from ..kinds.values import is_integer, mapping, sequence
from ..options import DEFAULT_MAX_FILE_SIZE
from ..pickling import by_fields
from ..reading.document import DocumentOutcome
from ..reading.loader import SourceDocument
from ..root import Probe
from ..root import at as root_at
from ..rules import Rule
from .rules import (
    DUPLICATE_APPLICATION,
    DUPLICATE_CONFIGURATION,
    PIPELINE_FIELD_MISMATCH,
    PIPELINE_FIELD_MISSING,
    UNRESOLVED_DEPLOYMENT_CONFIGURATION,
    UNRESOLVED_MODEL,
    VARIANT_FIELDS,
    VARIANT_SIGNATURE,
)

Shape = tuple[int, ...]


class Place(NamedTuple):
    """Where something was written: enough to report a finding there."""

    file: str
    document: int
    line: int
    column: int
    end_line: int
    end_column: int
    path: Path

    def diagnostic(
        self,
        rule: Rule,
        message: str,
        hint: str | None = None,
        related: tuple[Related, ...] = (),
    ) -> Diagnostic:
        return Diagnostic.of(
            self.file, self.document, self.span, self.path, rule, message, hint, None, related
        )

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.end_line, self.end_column)

    def related(self, message: str) -> Related:
        """This place, as another place a finding elsewhere is about."""
        return Related(self.file, self.span, message)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


class Field(NamedTuple):
    name: str
    type: str | None
    shape: Shape | None  # () for scalar; None when not readable
    profile: str | None


class Signature(NamedTuple):
    name: str
    inputs: tuple[Field, ...]
    outputs: tuple[Field, ...]


class Named(NamedTuple):
    """A model (from `name:version`) or configuration named by a document, and where."""

    name: str
    place: Place


class Variant(NamedTuple):
    model: Named
    configuration: Named | None
    #: The reference as written (`census:7`), and the share of the stage's traffic.
    reference: str = ""
    weight: int | None = None


@by_fields()
@dataclass(slots=True)
class Summary:
    """What the checks across documents need to know of one document."""

    kind: str
    name: str | None
    place: Place
    signature: Signature | None = None
    stages: list[list[Variant]] = field(default_factory=list)
    #: Where each stage is written (a drawing shows the findings of a stage it cannot draw).
    stage_places: list[Place] = field(default_factory=list)
    monitoring: list[Named] = field(default_factory=list)
    #: A Model's file, document index and repository root, where its signature is read
    #: when a check needs it (`signatures`); None once read, or read with the document.
    contract_at: tuple[str, int, str | None] | None = None


# ------------------------------------------------------------------ reading documents


def summarize(
    file: str,
    document: SourceDocument,
    outcome: DocumentOutcome,
    on_disk: bool = False,
    root: str | None = None,
    sent: bool = False,
) -> Summary | None:
    """The summary of a document of one of the three kinds (its value is canonical). A
    Model of a file `on_disk` keeps where its contract is instead of its fields (the file,
    the document, and the repository root it is read through). A summary `sent` to
    another process has its fields kept once there (`interned`), not here."""
    value = document.value
    if outcome.kind not in KINDS or not isinstance(value, dict):
        return None

    def place(path: Path, target: Target = Target.VALUE) -> Place:
        span, source = outcome.locate(path, target)
        return Place(
            file, document.index, span.line, span.column, span.end_line, span.end_column, source
        )

    name = value.get("name")
    named = isinstance(name, str)
    summary = Summary(
        outcome.kind,
        name if named else None,
        place(("name",), Target.VALUE if named else Target.PARENT),
    )
    if outcome.kind == "Model":
        if on_disk and isinstance(value.get("contract"), dict):
            summary.contract_at = (file, document.index, root)
        else:
            summary.signature = _signature(value, {} if sent else None)
        for index, metric in enumerate(sequence(value.get("monitoring"))):
            ref = mapping(mapping(metric).get("config")).get("monitoring-model")
            model = _model_name(ref) if isinstance(ref, str) else None
            if model is not None:
                path = ("monitoring", index, "config", "monitoring-model")
                summary.monitoring.append(Named(model, place(path)))
    elif outcome.kind == "Application":
        summary.stages = list(_stages(value, place))
        summary.stage_places = [
            place(("singular",) if isinstance(value.get("singular"), dict) else ("pipeline", i))
            for i in range(len(summary.stages))
        ]
    return summary


def _model_name(reference: str) -> str | None:
    """The model a `name:version` reference names; None when the reference itself is
    broken (HY401 says so, and nothing across documents is worth adding)."""
    match = spec.MODEL_REFERENCE_RE.fullmatch(reference)
    if match is None or not match["version"].isdigit():
        return None
    return match["name"] if spec.MODEL_NAME_RE.fullmatch(match["name"]) else None


def _stages(value: dict[str, Any], place: Any) -> Iterator[list[Variant]]:
    def variant(item: Any, path: Path) -> Variant | None:
        item = mapping(item)
        reference, configuration = item.get("model"), item.get("deployment-config")
        model = _model_name(reference) if isinstance(reference, str) else None
        if model is None:
            return None
        config = (
            Named(configuration, place((*path, "deployment-config")))
            if isinstance(configuration, str)
            else None
        )
        weight = item.get("weight", spec.DEFAULT_VARIANT_WEIGHT)
        return Variant(
            Named(model, place((*path, "model"))),
            config,
            reference,
            weight if isinstance(weight, int) and not isinstance(weight, bool) else None,
        )

    singular = value.get("singular")
    if isinstance(singular, dict):
        found = variant(singular, ("singular",))
        yield [found] if found else []
        return
    for index, stage in enumerate(sequence(value.get("pipeline"))):
        variants = [variant(v, ("pipeline", index, i)) for i, v in enumerate(sequence(stage))]
        yield [v for v in variants if v is not None]


def _signature(
    value: dict[str, Any], known: dict[tuple[Any, ...], Field] | None = None
) -> Signature | None:
    """The contract's signature; equal fields shared through `known` (by default, every
    field this process keeps)."""
    contract = value.get("contract")
    if not isinstance(contract, dict):
        return None
    name = contract.get("name")
    known = _FIELDS if known is None else known
    return Signature(
        name if isinstance(name, str) else spec.DEFAULT_SIGNATURE_NAME,
        _fields(contract.get("inputs"), known),
        _fields(contract.get("outputs"), known),
    )


#: Every distinct field seen, shared by all the summaries that have it: models of one
#: repository repeat the same fields, and thousands of them stay in memory until the end.
_FIELDS: dict[tuple[Any, ...], Field] = {}


def _fields(fields: Any, known: dict[tuple[Any, ...], Field]) -> tuple[Field, ...]:
    if not isinstance(fields, dict):
        return ()
    found = []
    for name, definition in fields.items():
        if isinstance(definition, dict):  # (a list or a mapping written as a value is None)
            kind, profile = definition.get("type"), definition.get("profile")
            key = (
                name,
                kind if kind.__class__ is str else None,
                _shape_key(definition.get("shape")),
                profile if profile.__class__ is str else None,
            )
        else:
            key = (name, None, None, None)
        field = known.get(key)
        if field is None:
            field = known.setdefault(key, _field(*key))
        found.append(field)
    return tuple(found)


def _field(name: object, kind: str | None, shape: Shape | None, profile: str | None) -> Field:
    """A field from what is readable of it (its key in `known`: text, or None)."""
    return Field(
        str(name),
        None if kind is None else spec.TYPE_SYNONYMS.get(kind, kind),
        shape,
        None if profile is None else profile.lower(),
    )


def _shape_key(shape: Any) -> Shape | None:
    """A hashable shape: () for scalar, a tuple of sizes, or None when not readable."""
    if shape == spec.SCALAR_SHAPE or shape == []:
        return ()
    if isinstance(shape, list) and all(is_integer(d) for d in shape):
        return tuple(shape)
    return None


def shape_text(shape: Shape | None) -> str:
    if shape is None:
        return "?"
    return "scalar" if shape == () else "[" + ", ".join(map(str, shape)) + "]"


def shapes_fit(a: Shape | None, b: Shape | None) -> bool:
    """Same rank, and each size equal or -1 (any); an unreadable shape fits anything."""
    if a is None or b is None:
        return True
    return len(a) == len(b) and all(x == y or -1 in (x, y) for x, y in zip(a, b, strict=True))


# ------------------------------------------------------------------ checking the set


#: Reads the contracts of one file: (file, root, document indexes) to their signatures.
ContractsOfFile = tuple[str, str | None, tuple[int, ...]]
#: Applies `read_contracts` to every file's request, in order (`map`, or a pool's).
Mapper = Callable[
    [Callable[[ContractsOfFile], list[Signature | None]], list[ContractsOfFile]],
    Iterable[list[Signature | None]],
]


def signatures(models: Iterable[Summary], mapper: Mapper = map) -> None:
    """Read the signatures of these Models that were left on disk, each file once
    (`mapper` may spread the files over processes)."""
    by_file: dict[str, dict[int, Summary]] = defaultdict(dict)
    for model in models:  # a model may be asked for twice (in two stages)
        if model.contract_at is not None:
            by_file[model.contract_at[0]][id(model)] = model
    requests: list[ContractsOfFile] = []
    for file, asked in by_file.items():
        first = next(iter(asked.values())).contract_at
        assert first is not None
        indexes = tuple(m.contract_at[1] for m in asked.values() if m.contract_at is not None)
        requests.append((file, first[2], indexes))
    for waiting, read in zip(by_file.values(), mapper(read_contracts, requests), strict=True):
        for model, signature in zip(waiting.values(), read, strict=True):
            model.signature = signature and interned(signature)
            model.contract_at = None


#: Fields as signatures read in other processes bring them: each distinct one kept once.
_SHARED: dict[Field, Field] = {}


def interned(signature: Signature) -> Signature:
    """The signature with fields equal to ones already kept replaced by those: sent by the
    workers of a parallel lint, thousands of contracts arrive as copies of a few fields."""
    return signature._replace(
        inputs=tuple(_SHARED.setdefault(f, f) for f in signature.inputs),
        outputs=tuple(_SHARED.setdefault(f, f) for f in signature.outputs),
    )


def read_contracts(request: ContractsOfFile) -> list[Signature | None]:
    """The signatures of a file's documents at these indexes (None where the file has
    gone or changed into something else since it was checked: the fields are unknown)."""
    from ..reading.document import validate_document
    from ..reading.loader import load
    from ..reading.text import decode

    file, root, indexes = request
    folder = root or os.path.dirname(os.path.abspath(file))
    data = root_at(folder).read(file, DEFAULT_MAX_FILE_SIZE)
    documents = [] if isinstance(data, Probe) else load(decode(data)[0]).documents
    found: list[Signature | None] = []
    for index in indexes:
        document = documents[index] if index < len(documents) else None
        if document is not None and not _canonical_contract(document.value):
            validate_document(document)  # the contract as the checks read it
        value = document.value if document is not None else None
        # (sent to another process, which keeps each field once: `interned`)
        found.append(_signature(value, {}) if isinstance(value, dict) else None)
    return found


def compared(summaries: Iterable[Summary]) -> list[Summary]:
    """The Models whose fields the checks across documents compare."""
    summaries = list(summaries)
    models: dict[str, Summary] = {}
    for summary in summaries:
        if summary.kind == "Model" and summary.name is not None:
            models.setdefault(summary.name, summary)
    return list(_compared(summaries, models))


_CONTRACT_KEYS = frozenset({"name", "inputs", "outputs"})
_FIELD_KEYS = frozenset({"shape", "type", "profile"})


def _canonical_contract(value: Any) -> bool:
    """Whether a Model's contract is written in the keys the checks read (most are):
    then validating the document again, to rename other spellings, changes nothing."""
    contract = value.get("contract") if isinstance(value, dict) else None
    if not isinstance(contract, dict) or not contract.keys() <= _CONTRACT_KEYS:
        return False
    return all(
        isinstance(fields, dict)
        and all(isinstance(f, dict) and f.keys() <= _FIELD_KEYS for f in fields.values())
        for fields in (contract.get("inputs", {}), contract.get("outputs", {}))
    )


def _compared(summaries: list[Summary], models: dict[str, Summary]) -> Iterator[Summary]:
    """The Models whose fields a check compares: in a pipeline, or a stage of variants."""
    for summary in summaries:
        yield from (models[name] for name in compared_names(summary) if name in models)


def compared_names(summary: Summary) -> list[str]:
    """The models whose fields the checks compare for this Application: those of its
    pipeline, or of a stage of variants (none for another document)."""
    return [
        variant.model.name
        for stage in summary.stages
        if len(summary.stages) > 1 or len(stage) > 1
        for variant in stage
    ]


def check(summaries: Iterable[Summary]) -> list[Diagnostic]:
    """Every finding across documents, in a stable order."""
    summaries = list(summaries)
    models: dict[str, Summary] = {}
    configurations: dict[str, list[Summary]] = defaultdict(list)
    applications: dict[str, list[Summary]] = defaultdict(list)
    for summary in summaries:
        if summary.name is None:
            continue
        if summary.kind == "Model":
            models.setdefault(summary.name, summary)
        elif summary.kind == "DeploymentConfiguration":
            configurations[summary.name].append(summary)
        else:
            applications[summary.name].append(summary)
    signatures(_compared(summaries, models))
    found = [
        *_duplicates(configurations, DUPLICATE_CONFIGURATION),
        *_duplicates(applications, DUPLICATE_APPLICATION),
    ]
    for summary in summaries:
        found.extend(_references(summary, models, configurations))
        for index, stage in enumerate(summary.stages):
            found.extend(_variants_merge(index, stage, models))
        for index in range(len(summary.stages) - 1):
            found.extend(_stages_fit(summary.stages, index, models))
    return sorted(found, key=lambda d: d.sort_key)


def _duplicates(by_name: dict[str, list[Summary]], rule: Rule) -> Iterator[Diagnostic]:
    what = "DeploymentConfiguration" if rule is DUPLICATE_CONFIGURATION else "Application"
    for name, same in by_name.items():
        first = same[0]
        for later in same[1:]:
            consequence = (
                "`hs apply` of the second fails: configurations cannot be replaced"
                if rule is DUPLICATE_CONFIGURATION
                else "the one applied last replaces the other"
            )
            yield later.place.diagnostic(
                rule,
                f"{what} '{name}' is also defined at {first.place.where}; {consequence}",
                "rename one of them, or remove the copy",
                (first.place.related(f"{what} '{name}' first defined here"),),
            )


def _references(
    summary: Summary, models: dict[str, Summary], configurations: dict[str, list[Summary]]
) -> Iterator[Diagnostic]:
    for reference in [*summary.monitoring, *(v.model for s in summary.stages for v in s)]:
        if reference.name not in models:
            yield reference.place.diagnostic(
                UNRESOLVED_MODEL,
                f"no Model named '{reference.name}' among the files checked",
                "it may already be on the cluster; otherwise check the name",
            )
    for variant in (v for s in summary.stages for v in s):
        config = variant.configuration
        if (
            config is not None
            and config.name not in configurations
            and config.name != spec.RESERVED_DEPLOYMENT_CONFIGURATION_NAME
        ):
            yield config.place.diagnostic(
                UNRESOLVED_DEPLOYMENT_CONFIGURATION,
                f"no DeploymentConfiguration named '{config.name}' among the files checked",
                "it may already be on the cluster; otherwise check the name",
            )


def _resolved(stage: list[Variant], models: dict[str, Summary]) -> list[tuple[Variant, Signature]]:
    found = []
    for variant in stage:
        model = models.get(variant.model.name)
        if model is not None and model.signature is not None:
            found.append((variant, model.signature))
    return found


def _variants_merge(
    index: int, stage: list[Variant], models: dict[str, Summary]
) -> Iterator[Diagnostic]:
    """APP-6: a stage's variants share a signature name, and their fields merge by position."""
    resolved = _resolved(stage, models)
    if len(resolved) < 2:
        return
    (first, base), others = resolved[0], resolved[1:]
    for variant, signature in others:
        model, other = variant.model.name, first.model.name
        if signature.name != base.name:
            yield variant.model.place.diagnostic(
                VARIANT_SIGNATURE,
                f"'{model}' has the signature '{signature.name}' and '{other}' (the first "
                f"variant of stage {index + 1}) has '{base.name}'",
                "give the variants of a stage the same contract name",
                _beside(first, models, f"the first variant of stage {index + 1}"),
            )
            continue
        for side, mine, theirs in (
            ("input", signature.inputs, base.inputs),
            ("output", signature.outputs, base.outputs),
        ):
            for position, (a, b) in enumerate(zip(mine, theirs, strict=False)):
                if a.name != b.name:
                    continue
                if a.type != b.type or not shapes_fit(a.shape, b.shape):
                    yield variant.model.place.diagnostic(
                        VARIANT_FIELDS,
                        f"{side} '{a.name}' (position {position + 1}) is {a.type} "
                        f"{shape_text(a.shape)} in '{model}' but {b.type} {shape_text(b.shape)} "
                        f"in '{other}'; the manager cannot merge the variants of stage "
                        f"{index + 1}",
                        "give the field the same type and a compatible shape in both models",
                        _beside(first, models, f"the first variant of stage {index + 1}"),
                    )


def _beside(variant: Variant, models: dict[str, Summary], what: str) -> tuple[Related, ...]:
    """The other side of a mismatch: the variant's reference, and its Model's definition."""
    name = variant.model.name
    found = [variant.model.place.related(f"{what}: '{name}'")]
    if name in models:
        found.append(models[name].place.related(f"Model '{name}' is defined here"))
    return tuple(found)


def _stages_fit(
    stages: list[list[Variant]], index: int, models: dict[str, Summary]
) -> Iterator[Diagnostic]:
    """APP-7: every input of stage index+1 is an output of stage index, alike."""
    for before, produced in _resolved(stages[index], models):
        outputs = {f.name: f for f in produced.outputs}
        for variant, needed in _resolved(stages[index + 1], models):
            model, source = variant.model.name, before.model.name
            for wanted in needed.inputs:
                got = outputs.get(wanted.name)
                if got is None:
                    listing = ", ".join(outputs) or "none"
                    yield variant.model.place.diagnostic(
                        PIPELINE_FIELD_MISSING,
                        f"'{model}' (stage {index + 2}) needs the input '{wanted.name}', which "
                        f"'{source}' (stage {index + 1}) does not produce",
                        f"outputs of '{source}': {listing}",
                        _beside(before, models, f"stage {index + 1}"),
                    )
                elif got.type != wanted.type or not shapes_fit(got.shape, wanted.shape):
                    yield variant.model.place.diagnostic(
                        PIPELINE_FIELD_MISMATCH,
                        f"'{model}' (stage {index + 2}) needs '{wanted.name}' as {wanted.type} "
                        f"{shape_text(wanted.shape)}, but '{source}' (stage {index + 1}) produces "
                        f"{got.type} {shape_text(got.shape)}",
                        "make the output and the input the same type and a compatible shape",
                        _beside(before, models, f"stage {index + 1}"),
                    )


# ------------------------------------------------------------------ explaining an application


@dataclass(frozen=True)
class Interface:
    """What an application's callers send (first stage inputs) and get (last stage outputs)."""

    application: str
    place: Place
    inputs: tuple[Field, ...] | None
    outputs: tuple[Field, ...] | None
    unresolved: tuple[str, ...]


def entry_model(application: Summary) -> str | None:
    """The model an application's requests go to: the first of its first stage (the
    variants of a stage share one signature)."""
    stages = application.stages
    return stages[0][0].model.name if stages and stages[0] else None


def interface(name: str, summaries: Iterable[Summary]) -> Interface | None:
    summaries = list(summaries)
    models = {s.name: s for s in summaries if s.kind == "Model" and s.name}
    application = next((s for s in summaries if s.kind == "Application" and s.name == name), None)
    if application is None:
        return None
    ends = [application.stages[0], application.stages[-1]] if application.stages else []
    signatures(models[v.model.name] for stage in ends for v in stage if v.model.name in models)
    first = _resolved(application.stages[0], models) if application.stages else []
    last = _resolved(application.stages[-1], models) if application.stages else []
    unresolved = tuple(  # each once, in the order of the stages
        dict.fromkeys(
            v.model.name for s in application.stages for v in s if v.model.name not in models
        )
    )
    return Interface(
        name,
        application.place,
        first[0][1].inputs if first else None,
        last[0][1].outputs if last else None,
        unresolved,
    )
