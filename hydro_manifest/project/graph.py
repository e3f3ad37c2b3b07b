"""An Application as a graph: the request, its stages of variants, the fields each stage
passes to the next, the response, and the problems where they are.

Built from what a lint keeps (the summaries, the Models' contracts read where a stage is
compared) and the run's diagnostics; drawn by `reporters.mermaid` and `reporters.dot`.
Everything is in the order of the manifest, so that the same files draw the same picture.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from ..diagnostics import Diagnostic, Path
from ..rules import find_rule
from . import Field, Signature, Summary, Variant, shape_text, shapes_fit, signatures


@dataclass(frozen=True)
class Node:
    """A variant of a stage: the model version and what it is deployed with."""

    id: str
    reference: str
    weight: int | None
    signature: str | None
    configuration: str | None
    #: "HY603 pipeline-field-missing", one for each finding at the variant's reference.
    problems: tuple[str, ...]

    def lines(self) -> list[str]:
        """What a drawing writes in the node, line by line."""
        shown = [self.reference]
        if self.weight is not None:
            shown.append(f"weight {self.weight}")
        if self.signature:
            shown.append(f"signature {self.signature}")
        if self.configuration:
            shown.append(f"config {self.configuration}")
        return [*shown, *self.problems]


class Edge(NamedTuple):
    """Fields passed from one node to the next ("name: type shape"), and whether any of
    them does not fit (missing, another type or shape)."""

    source: str
    target: str
    fields: tuple[str, ...]
    broken: bool


@dataclass(frozen=True)
class Graph:
    """One Application: its nodes by stage, the edges between them, from the request node
    to the response node."""

    id: str
    application: str
    file: str
    line: int
    request: str
    response: str
    stages: tuple[tuple[Node, ...], ...]
    edges: tuple[Edge, ...]

    @property
    def title(self) -> str:
        return f"Application {self.application} ({self.file}:{self.line})"


def graphs(
    summaries: Iterable[Summary], diagnostics: Iterable[Diagnostic], name: str | None = None
) -> list[Graph]:
    """The graph of each Application of the run (or only the one named `name`)."""
    summaries = list(summaries)
    models = {s.name: s for s in summaries if s.kind == "Model" and s.name}
    at: dict[tuple[str, int, int], list[str]] = {}
    within: dict[tuple[str, int | None], list[tuple[Path, str]]] = {}
    for found in diagnostics:
        rule = find_rule(found.rule)
        label = f"{found.rule} {rule.name}" if rule else found.rule
        at.setdefault((found.file, found.line, found.column), []).append(label)
        within.setdefault((found.file, found.document), []).append((found.path or (), label))
    applications = [
        s for s in summaries if s.kind == "Application" and (name is None or s.name == name)
    ]
    drawn = {v.model.name for a in applications for stage in a.stages for v in stage}
    signatures(models[name] for name in sorted(drawn) if name in models)
    return [
        _graph(f"a{number}", application, models, at, within)
        for number, application in enumerate(applications, 1)
    ]


def _graph(
    prefix: str,
    application: Summary,
    models: dict[str, Summary],
    at: dict[tuple[str, int, int], list[str]],
    within: dict[tuple[str, int | None], list[tuple[Path, str]]],
) -> Graph:
    def signature_of(variant: Variant | None) -> Signature | None:
        model = models.get(variant.model.name) if variant is not None else None
        return model.signature if model is not None else None

    # A stage with no variant to draw is one node saying why, so its edges stay.
    variants: list[list[Variant | None]] = [list(stage) or [None] for stage in application.stages]
    stages = tuple(
        tuple(
            _node(f"{prefix}_s{index}_v{number}", variant, signature_of(variant), at, len(stage))
            if variant is not None
            else _undrawn(f"{prefix}_s{index}_v{number}", application, index - 1, within)
            for number, variant in enumerate(stage, 1)
        )
        for index, stage in enumerate(variants, 1)
    )
    request, response = f"{prefix}_request", f"{prefix}_response"
    groups: list[list[Edge]] = []
    if variants:
        groups.append(
            [
                Edge(request, node.id, _described(_fields(signature_of(variant), "inputs")), False)
                for node, variant in zip(stages[0], variants[0], strict=True)
            ]
        )
    for index in range(len(variants) - 1):
        groups.append(
            [
                _edge(source, target, signature_of(before), signature_of(after))
                for source, before in zip(stages[index], variants[index], strict=True)
                for target, after in zip(stages[index + 1], variants[index + 1], strict=True)
            ]
        )
    if variants:
        groups.append(
            [
                Edge(node.id, response, _described(_fields(signature_of(v), "outputs")), False)
                for node, v in zip(stages[-1], variants[-1], strict=True)
            ]
        )
    edges = [edge for group in groups for edge in _labelled_once(group)]
    place = application.place
    return Graph(
        prefix,
        application.name or "(no name)",
        place.file,
        place.line,
        request,
        response,
        stages,
        tuple(edges),
    )


def _node(
    id: str,
    variant: Variant,
    signature: Signature | None,
    at: dict[tuple[str, int, int], list[str]],
    variants: int,
) -> Node:
    """A variant; its weight only where the stage splits traffic."""
    place = variant.model.place
    return Node(
        id,
        variant.reference or variant.model.name,
        variant.weight if variants > 1 else None,
        signature.name if signature else None,
        variant.configuration.name if variant.configuration else None,
        tuple(dict.fromkeys(at.get((place.file, place.line, place.column), ()))),
    )


def _undrawn(
    id: str,
    application: Summary,
    index: int,
    within: dict[tuple[str, int | None], list[tuple[Path, str]]],
) -> Node:
    """A stage with no variant that names a model version: the findings written in it."""
    place = application.stage_places[index] if index < len(application.stage_places) else None
    found: tuple[str, ...] = ()
    if place is not None:
        inside = within.get((place.file, place.document), [])
        found = tuple(
            dict.fromkeys(label for path, label in inside if path[: len(place.path)] == place.path)
        )
    return Node(id, "no model version to draw", None, None, None, found or ("see the stage",))


def _fields(signature: Signature | None, side: str) -> tuple[Field, ...] | None:
    return None if signature is None else getattr(signature, side)


def _labelled_once(edges: list[Edge]) -> list[Edge]:
    """Edges between two stages that pass the same fields for every pair of variants: the
    first keeps the label, the others are drawn without (nine equal labels crowd a 3x3)."""
    if len(edges) < 2 or any(e.broken for e in edges) or len({e.fields for e in edges}) > 1:
        return edges
    return [edges[0], *(edge._replace(fields=()) for edge in edges[1:])]


def _described(fields: tuple[Field, ...] | None) -> tuple[str, ...]:
    if fields is None:
        return ("?",)  # the model is not among the files: its fields are unknown
    return tuple(f"{f.name}: {f.type} {shape_text(f.shape)}" for f in fields)


def _edge(source: Node, target: Node, before: Signature | None, after: Signature | None) -> Edge:
    """What the target needs of what the source produces, each field marked where they
    differ (as HY603 and HY604 check it)."""
    if before is None or after is None:
        return Edge(source.id, target.id, ("?",), False)
    produced = {f.name: f for f in before.outputs}
    fields, broken = [], False
    for wanted in after.inputs:
        got = produced.get(wanted.name)
        if got is None:
            fields.append(f"{wanted.name}: missing")
            broken = True
        elif got.type != wanted.type or not shapes_fit(got.shape, wanted.shape):
            fields.append(
                f"{wanted.name}: {got.type} {shape_text(got.shape)} → "
                f"{wanted.type} {shape_text(wanted.shape)}"
            )
            broken = True
        else:
            fields.append(f"{wanted.name}: {wanted.type} {shape_text(wanted.shape)}")
    return Edge(source.id, target.id, tuple(fields), broken)
