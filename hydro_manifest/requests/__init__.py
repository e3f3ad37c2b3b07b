"""Requests against contracts: sample bodies, and checks of the bodies clients send.

The gateway's `POST /gateway/application/<name>` takes a JSON object with one key per
input of the contract (the first stage's, for a pipeline). `sample_request` makes such a
body from the contract, deterministic for a seed; `check_request` checks one, each
finding with its JSON path and its line and column in the request text.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import spec
from ..diagnostics import Diagnostic, Finding, Path, Span, Target, diagnostic, file_diagnostic
from ..reading.loader import load
from ..reading.positions import locate
from ..report import DocumentInfo, FileReport, Report
from ..rules import Rule
from ..suggest import did_you_mean
from .rules import (
    REQUEST_FRACTION,
    REQUEST_JSON,
    REQUEST_MISSING_FIELD,
    REQUEST_RANGE,
    REQUEST_SHAPE,
    REQUEST_TYPE,
    REQUEST_UNKNOWN_FIELD,
)

if TYPE_CHECKING:
    from ..kinds import Model
    from ..kinds.model.contract import ContractField

#: The integer types and their ranges (quantized types are integers of their width).
INTEGER_RANGES: dict[str, tuple[int, int]] = {
    **{f"int{b}": (-(2 ** (b - 1)), 2 ** (b - 1) - 1) for b in (8, 16, 32, 64)},
    **{f"uint{b}": (0, 2**b - 1) for b in (8, 16, 32, 64)},
    **{f"qint{b}": (-(2 ** (b - 1)), 2 ** (b - 1) - 1) for b in (8, 16, 32)},
    **{f"quint{b}": (0, 2**b - 1) for b in (8, 16)},
}
#: The largest finite value of each floating-point type (complex: of each part), by the
#: type's canonical name (`half` and `double` are spelled `float16` and `float64`).
FLOAT_LIMITS: dict[str, float] = {
    "float16": 65504.0,
    "float32": 3.4028234663852886e38,
    "float64": 1.7976931348623157e308,
    "complex64": 3.4028234663852886e38,
    "complex128": 1.7976931348623157e308,
}
_WORDS = (
    "claim", "amount", "north", "river", "quick", "model", "sample", "value", "account",
    "policy", "green", "light", "market", "table", "window", "signal", "review", "order",
)  # fmt: skip
_LABELS = ("a", "b", "c", "low", "medium", "high", "yes", "no")


# ------------------------------------------------------------------ samples


def sample_request(
    model: Model, *, seed: int = 0, batch: int = 1, outputs: bool = False
) -> dict[str, Any]:
    """A request body for the model's inputs (or a response for its outputs).

    Each field gets a value of its shape (`-1` is `batch` long) and type, shaped by its
    profile: pixel values for images, words for text, short labels for categories.
    The same seed gives the same body.
    """
    fields = _fields(model, outputs)
    return {
        name: _sample(field, random.Random(f"{seed}:{name}"), batch)
        for name, field in fields.items()
    }


#: A string of several scripts, combining marks and a character beyond the BMP.
UNICODE_TEXT = "Ωmega ✓ naïve 日本語 🚀"


def edge_request(model: Model, which: str, *, batch: int = 1) -> dict[str, Any]:
    """A request body of the extreme values of each input's type, `which` is `smallest`
    (false, the empty string, the least integer, the most negative number) or `largest`
    (true, a string of many scripts, the greatest integer, the largest finite number)."""
    largest = which == "largest"

    def leaf(field: ContractField) -> Any:
        kind = spec.TYPE_SYNONYMS.get(field.type, field.type)
        if kind == "bool":
            return largest
        if kind == "string":
            return UNICODE_TEXT if largest else ""
        if kind in INTEGER_RANGES:
            return INTEGER_RANGES[kind][1 if largest else 0]
        limit = FLOAT_LIMITS.get(kind, 0.0)
        return limit if largest else -limit

    def build(field: ContractField, dimensions: list[int]) -> Any:
        if not dimensions:
            return leaf(field)
        return [build(field, dimensions[1:]) for _ in range(dimensions[0])]

    return {name: build(field, _dimensions(field, batch)) for name, field in model.inputs.items()}


def _fields(model: Model, outputs: bool) -> dict[str, ContractField]:
    """The fields a body has: the model's inputs, or its outputs for a response."""
    return model.outputs if outputs else model.inputs


def _dimensions(field: ContractField, batch: int) -> list[int]:
    if not isinstance(field.shape, list):
        return []
    return [batch if size == -1 else size for size in field.shape]


def _sample(field: ContractField, rng: random.Random, batch: int) -> Any:
    def build(dimensions: list[int]) -> Any:
        if not dimensions:
            return _leaf(field, rng)
        return [build(dimensions[1:]) for _ in range(dimensions[0])]

    return build(_dimensions(field, batch))


def _leaf(field: ContractField, rng: random.Random) -> Any:
    kind, profile = field.type, (field.profile or "").lower()
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "string":
        if profile == "text":
            return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 8)))
        return rng.choice(_LABELS) if profile == "categorical" else rng.choice(_WORDS)
    if kind in INTEGER_RANGES:
        low, high = INTEGER_RANGES[kind]
        if profile == "image":
            low, high = max(low, 0), min(high, 255)
        elif profile == "categorical":
            low, high = max(low, 0), min(high, 9)
        else:
            low, high = max(low, 0), min(high, 100)
        return rng.randint(low, high)
    if profile == "image":
        return round(rng.random(), 4)
    if profile == "categorical":
        return float(rng.randint(0, 9))
    return round(rng.uniform(-10, 10), 4)


# ------------------------------------------------------------------ checks


@dataclass(frozen=True)
class _Problem:
    rule: Rule
    message: str
    path: Path
    hint: str | None = None
    target: Target = Target.VALUE


def check_request(
    model: Model,
    body: str | bytes,
    *,
    filename: str = "request.json",
    outputs: bool = False,
    form: str = "auto",
) -> Report:
    """Check a request body against the model's inputs (or a response against its
    outputs). The report's findings carry the path into the body and its position.

    `form` is `json` (the gateway's body), `grpc-json` (a `PredictRequest` in protobuf's
    JSON mapping), `protobin` (the same, binary) or `auto`: a JSON object whose only key is
    `inputs` (`outputs`), which the contract does not name, is `grpc-json`; bytes that are
    not JSON but decode as the message are `protobin`. The gRPC forms need the `grpc` extra.
    """
    data = body.encode() if isinstance(body, str) else body
    if form == "auto":
        form = body_form(data, model, outputs)
    if form in ("grpc-json", "protobin"):
        from .grpc import check_message

        return check_message(model, data, form, filename=filename, outputs=outputs)
    text = data.decode("utf-8", "replace")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        finding = Finding(
            REQUEST_JSON,
            f"the request is not valid JSON: {error.msg}",
            hint='a request is one JSON object, e.g. {"age": 42}',
            span=Span(error.lineno, error.colno, error.lineno, error.colno + 1),
        )
        return Report([FileReport(filename, [], [file_diagnostic(filename, finding)], text)])
    problems = list(_check_body(value, _fields(model, outputs)))
    root = None
    if problems:  # positions are looked up only for findings: a body may be megabytes
        source = load(text)
        root = source.documents[0].node if source.documents and not source.findings else None
    diagnostics = [_place(filename, root, problem) for problem in problems]
    diagnostics.sort(key=lambda d: d.sort_key)
    body_document = DocumentInfo(0, "Response" if outputs else "Request", model.name, 1)
    return Report([FileReport(filename, [body_document], diagnostics, text)])


def body_form(data: bytes, model: Model, outputs: bool = False) -> str:
    """Which form a body is written in: `json`, `grpc-json` or `protobin` (see
    `check_request`). Without the `grpc` extra, everything is `json`."""
    key = "outputs" if outputs else "inputs"
    try:
        value = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        decodes = _decodes(data, outputs)
        # bytes that are not even text are no JSON body: report them as a broken message
        not_text = isinstance(error, UnicodeDecodeError) and decodes is not None
        return "protobin" if decodes or not_text else "json"
    if (
        isinstance(value, dict)
        and list(value) == [key]
        and isinstance(value[key], dict)
        and key not in _fields(model, outputs)
    ):
        return "grpc-json"
    return "json"


def _decodes(data: bytes, outputs: bool) -> bool | None:
    """Whether bytes are a non-empty PredictRequest (PredictResponse) in binary; None
    without the `grpc` extra."""
    try:
        from .grpc import parse
    except ImportError:
        return None
    try:
        message, _ = parse(data, "protobin", outputs=outputs)
    except ValueError:
        return False
    return len(message.outputs if outputs else message.inputs) > 0


def _place(filename: str, root: Any, problem: _Problem) -> Diagnostic:
    span = locate(root, problem.path, problem.target) if root is not None else Span(1, 1, 1, 2)
    finding = Finding(problem.rule, problem.message, problem.path, problem.hint, problem.target)
    return diagnostic(filename, 0, span, problem.path, finding)


def _check_body(value: Any, fields: dict[str, ContractField]) -> Iterator[_Problem]:
    if not isinstance(value, dict):
        yield _Problem(
            REQUEST_JSON,
            f"the request is {_json_type(value)}, not a JSON object of the contract's fields",
            (),
        )
        return
    for name in fields:
        if name not in value:
            yield _Problem(
                REQUEST_MISSING_FIELD,
                f"the request has no `{name}`",
                (name,),
                f'add "{name}": {json.dumps(_sample(fields[name], random.Random(0), 1))}',
                Target.PARENT,
            )
    for name, item in value.items():
        field = fields.get(name)
        if field is None:
            yield _Problem(
                REQUEST_UNKNOWN_FIELD,
                f"`{name}` is not a field of the contract",
                (name,),
                did_you_mean(name, fields, listing="fields"),
                Target.KEY,
            )
        else:
            yield from _check_value(item, field, (name,))


def _check_value(value: Any, field: ContractField, path: Path) -> Iterator[_Problem]:
    dimensions = field.shape if isinstance(field.shape, list) else []
    yield from _check_nesting(value, dimensions, field, path)


def _check_nesting(
    value: Any, dimensions: list[int], field: ContractField, path: Path
) -> Iterator[_Problem]:
    rank = len(dimensions)
    if not dimensions:
        if isinstance(value, list):
            yield _Problem(
                REQUEST_SHAPE,
                f"a list where `{path[0]}` takes one value (its shape is {_shape(field)})",
                path,
            )
        else:
            yield from _check_leaf(value, field, path)
        return
    if not isinstance(value, list):
        yield _Problem(
            REQUEST_SHAPE,
            f"one value where `{path[0]}` takes a list nested {rank} deep "
            f"(its shape is {_shape(field)})",
            path,
        )
        return
    nested = [isinstance(item, list) for item in value]
    if rank > 1 and not all(nested):
        yield _Problem(
            REQUEST_SHAPE,
            f"values where `{path[0]}` takes lists nested {rank} deep here "
            f"(its shape is {_shape(field)})",
            path,
        )
        return
    if rank == 1 and any(nested):
        yield _Problem(
            REQUEST_SHAPE,
            f"lists where `{path[0]}` takes values here (its shape is {_shape(field)})",
            path,
        )
        return
    size = dimensions[0]
    if size != -1 and len(value) != size:
        yield _Problem(
            REQUEST_SHAPE,
            f"{len(value)} items where the shape {_shape(field)} of `{path[0]}` wants {size}",
            path,
        )
    lengths = {len(item) for item in value if isinstance(item, list)}
    if len(lengths) > 1 and rank > 1 and dimensions[1] == -1:
        yield _Problem(
            REQUEST_SHAPE,
            f"the lists in `{path[0]}` have different lengths "
            f"({', '.join(map(str, sorted(lengths)))}); a tensor's rows are all alike",
            path,
        )
    for index, item in enumerate(value):
        yield from _check_nesting(item, dimensions[1:], field, (*path, index))


def _check_leaf(value: Any, field: ContractField, path: Path) -> Iterator[_Problem]:
    kind = field.type
    wrong = _wrong_type(value, kind, str(path[0]))
    if wrong is not None:
        yield _Problem(REQUEST_TYPE, wrong, path)
        return
    if kind in INTEGER_RANGES:
        if isinstance(value, float) and not value.is_integer():
            message = f"{value} is not a whole number; `{path[0]}` is {kind}"
            yield _Problem(REQUEST_FRACTION, message, path)
            return
        low, high = INTEGER_RANGES[kind]
        if not low <= value <= high:
            yield _Problem(
                REQUEST_RANGE,
                f"{_number(value)} is outside the range of {kind} ({low} to {high})",
                path,
            )
    else:
        limit = FLOAT_LIMITS.get(spec.TYPE_SYNONYMS.get(kind, kind))
        if limit is not None and math.isfinite(value) and abs(value) > limit:
            yield _Problem(REQUEST_RANGE, f"{value} is beyond the largest {kind} ({limit:g})", path)


def _wrong_type(value: Any, kind: str, name: str) -> str | None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        ok, wanted = isinstance(value, bool), "true or false"
    elif kind == "string":
        ok, wanted = isinstance(value, str), "a string"
    else:
        ok, wanted = is_number, "a number"
    if ok:
        return None
    return f"{_json_type(value)} where `{name}` ({kind}) wants {wanted}"


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {_number(value)}"
    if isinstance(value, str):
        return f'the string "{value[:40]}"'
    return "a list" if isinstance(value, list) else "an object"


def _number(value: float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _shape(field: ContractField) -> str:
    return "scalar" if not isinstance(field.shape, list) else json.dumps(field.shape)
