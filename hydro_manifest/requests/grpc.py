"""Checks of gRPC bodies: a `PredictRequest` (or `PredictResponse`), binary or in
protobuf's JSON mapping, against the contract.

Each tensor is checked as the runtime reads it (`hydro_manifest.wire.tensors`): its dtype,
the list holding its values, their count against its `tensorShape`, that shape against the
field's; then each value as in a JSON body (types, ranges, whole numbers). Findings carry
the path into the message in JSON names (`$.inputs.age.intVal[0]`) and, for the JSON
form, the line and column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError

from .. import spec
from ..diagnostics import Finding, Span, Target, file_diagnostic
from ..reading.loader import load
from ..report import DocumentInfo, FileReport, Report
from ..suggest import did_you_mean
from ..wire import messages, tensors
from . import _check_leaf, _fields, _place, _Problem, _shape
from .rules import (
    REQUEST_MESSAGE,
    REQUEST_MISSING_FIELD,
    REQUEST_SHAPE,
    REQUEST_TENSOR_DTYPE,
    REQUEST_TENSOR_LIST,
    REQUEST_TENSOR_SIZE,
    REQUEST_UNKNOWN_FIELD,
)

if TYPE_CHECKING:
    from ..kinds import Model
    from ..kinds.model.contract import ContractField


def parse(data: bytes, form: str, *, outputs: bool = False) -> tuple[Any, Any]:
    """The message of a body in `form` (`protobin` or `grpc-json`), with the JSON value of
    the latter (None for binary); ValueError if it is not one."""
    message = (messages.PredictResponse if outputs else messages.PredictRequest)()
    value = None
    try:
        if form == "protobin":
            message.ParseFromString(data)
        else:
            value = json.loads(data)
            json_format.ParseDict(value, message)
    except (DecodeError, json_format.ParseError, ValueError) as error:  # JSON's errors too
        # protobuf's JSON errors go on to list every field of the message: keep the reason
        raise ValueError(str(error).split("\n")[0] or "the bytes do not decode") from None
    return message, value


def check_message(
    model: Model, data: bytes, form: str, *, filename: str, outputs: bool = False
) -> Report:
    """Check a gRPC body (`form`: `protobin` or `grpc-json`) against the model's contract."""
    text = data.decode("utf-8", "replace") if form == "grpc-json" else ""
    kind = "PredictResponse" if outputs else "PredictRequest"
    document = DocumentInfo(0, kind, model.name, 1)
    try:
        message, value = parse(data, form, outputs=outputs)
    except ValueError as error:
        encoding = "protobuf's JSON mapping" if form == "grpc-json" else "protobuf's binary form"
        finding = Finding(
            REQUEST_MESSAGE,
            f"the body is not a {kind} in {encoding}: {error}",
            hint=f"`hydro sample --format {form}` writes one for this contract",
            span=Span(1, 1, 1, 2),
        )
        diagnostics = [file_diagnostic(filename, finding)]
        return Report([FileReport(filename, [document], diagnostics, text)])
    key = "outputs" if outputs else "inputs"
    written = _written_keys(value)
    problems = list(check_tensors(getattr(message, key), _fields(model, outputs), key, written))
    root = None
    if problems and form == "grpc-json":
        source = load(text)
        root = source.documents[0].node if source.documents and not source.findings else None
    diagnostics = [_place(filename, root, problem) for problem in problems]
    diagnostics.sort(key=lambda d: d.sort_key)
    return Report([FileReport(filename, [document], diagnostics, text)])


def check_tensors(
    tensors_by_name: Any,
    fields: dict[str, ContractField],
    key: str = "inputs",
    written: dict[str, dict[str, str]] | None = None,
) -> Iterator[_Problem]:
    """What is wrong with a message's map of tensors (`inputs` or `outputs`). `written`
    gives, per tensor, the keys as the JSON text spells them (`int_val` or `intVal`)."""
    written = written or {}
    for name in fields:
        if name not in tensors_by_name:
            hint = f"add the tensor `{name}` ({_wanted(fields[name])})"
            yield _Problem(
                REQUEST_MISSING_FIELD, f"the {_message(key)} has no tensor `{name}`",
                (key, name), hint, Target.PARENT,
            )  # fmt: skip
    for name in sorted(tensors_by_name):
        field = fields.get(name)
        if field is None:
            yield _Problem(
                REQUEST_UNKNOWN_FIELD,
                f"`{name}` is not a field of the contract",
                (key, name),
                did_you_mean(name, fields, listing="fields"),
                Target.KEY,
            )
            continue
        yield from _check_tensor(tensors_by_name[name], field, key, name, written.get(name, {}))


def _check_tensor(
    tensor: Any, field: ContractField, key: str, name: str, spelled: dict[str, str]
) -> Iterator[_Problem]:
    def at(proto_name: str, *rest: int) -> tuple[str | int, ...]:
        return (key, name, spelled.get(proto_name, messages.camel(proto_name)), *rest)

    wanted_dtype, wanted_list = spec.WIRE_TYPES[field.type]
    dtype = tensors.DTYPE_NAMES.get(tensor.dtype, str(tensor.dtype))
    if tensor.dtype != messages.DATA_TYPES[wanted_dtype]:
        yield _Problem(
            REQUEST_TENSOR_DTYPE,
            f"tensor `{name}` is {dtype}, but the contract's `{name}` is {field.type} "
            f"({wanted_dtype}); the runtime may refuse or convert it",
            at("dtype"),
            f"send {wanted_dtype}",
        )
    reads, values = tensors.values_of(tensor)
    elsewhere = [filled for filled in tensors.filled_lists(tensor) if filled != reads]
    for other in elsewhere:
        read = f"reads only `{messages.camel(reads)}`" if reads else "reads no values list"
        yield _Problem(
            REQUEST_TENSOR_LIST,
            f"tensor `{name}` has its values in `{messages.camel(other)}`, but the runtime "
            f"{read} for {dtype}: the model gets none of them",
            at(other),
            f"put them in `{messages.camel(wanted_list)}` with dtype {wanted_dtype}",
        )
    if reads is None or (elsewhere and not values):
        return  # what the runtime reads is said above
    dims = list(tensor.tensor_shape.dims)
    yield from _check_dims(dims, field, key, name, at("tensor_shape"))
    count, needed = len(getattr(tensor, reads)), tensors.size(dims, reads)
    if count != needed:
        shape = f"its tensorShape {json.dumps(dims)}" if dims else "a scalar (no dims)"
        yield _Problem(
            REQUEST_TENSOR_SIZE,
            f"tensor `{name}` has {count} value{'s' if count != 1 else ''} in "
            f"`{messages.camel(reads)}` where {shape} needs {needed}: the runtime's "
            "reshape fails",
            at(reads),
        )
        return
    for index, value in enumerate(values):
        if isinstance(value, bytes):
            continue  # not UTF-8: a string field's bytes are the model's to read
        for problem in _check_leaf(value, field, (name,)):
            yield replace(problem, path=at(reads, index))


def _check_dims(
    dims: list[int], field: ContractField, key: str, name: str, path: tuple[str | int, ...]
) -> Iterator[_Problem]:
    shape = field.shape if isinstance(field.shape, list) else []
    if len(dims) != len(shape):
        rank = f"{len(dims)} dimension{'s' if len(dims) != 1 else ''}" if dims else "none"
        yield _Problem(
            REQUEST_SHAPE,
            f"tensor `{name}` has {rank} in its tensorShape where the contract's shape "
            f"{_shape(field)} has {len(shape) or 'none (a scalar)'}",
            path,
        )
        return
    for index, (size, wanted) in enumerate(zip(dims, shape, strict=True)):
        if wanted != -1 and size != wanted:
            yield _Problem(
                REQUEST_SHAPE,
                f"dimension {index + 1} of tensor `{name}` is {size} where the contract's "
                f"shape {_shape(field)} wants {wanted}",
                path,
            )


def _wanted(field: ContractField) -> str:
    dtype, values = spec.WIRE_TYPES[field.type]
    return f"dtype {dtype}, values in `{messages.camel(values)}`, shape {_shape(field)}"


def _message(key: str) -> str:
    return "response" if key == "outputs" else "request"


def _written_keys(value: Any) -> dict[str, dict[str, str]]:
    """Per tensor, each key as the JSON body spells it, by its protobuf field name."""
    mapping: Any = next(iter(value.values()), {}) if isinstance(value, dict) else {}
    if not isinstance(mapping, dict):
        return {}
    return {
        name: {messages.snake(spelled): spelled for spelled in tensor}
        for name, tensor in mapping.items()
        if isinstance(tensor, dict)
    }
