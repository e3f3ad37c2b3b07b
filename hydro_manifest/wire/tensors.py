"""Request and response bodies as a runtime receives them: `Tensor`s in a map by name.

A tensor carries its values flat, in the one list its `dtype` reads (`spec.WIRE_TYPES`),
and its dimensions in `tensor_shape` (none for a scalar): hydrosdk 3.0.3 reads
`getattr(tensor, DTYPE_TO_FIELDNAME[tensor.dtype])` and reshapes it by those dimensions
(`data/conversions.py`, `tensor_proto_to_np`). `half` values travel as the 16 bits of
each number, complex ones as (real, imaginary) pairs, strings as UTF-8 bytes.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import spec
from . import messages

if TYPE_CHECKING:
    from ..kinds import Model
    from ..kinds.model.contract import ContractField

#: DataType number to its name, and each DataType to the value list hydrosdk reads.
DTYPE_NAMES = {number: name for name, number in messages.DATA_TYPES.items()}
VALUE_LIST = {messages.DATA_TYPES[dtype]: values for dtype, values in spec.WIRE_TYPES.values()}
COMPLEX_LISTS = ("scomplex_val", "dcomplex_val")


def body_message(model: Model, body: dict[str, Any], *, outputs: bool = False) -> Any:
    """A JSON body (as `sample_request` makes it) as a `PredictRequest`, or for `outputs`
    a `PredictResponse`. Fields the contract does not have are left out."""
    fields = model.outputs if outputs else model.inputs
    message = (messages.PredictResponse if outputs else messages.PredictRequest)()
    tensors = message.outputs if outputs else message.inputs
    for name, value in body.items():
        if name in fields:
            tensors[name].CopyFrom(tensor(fields[name], value))
    return message


def tensor(field: ContractField, value: Any) -> Any:
    """One field's value as a `Tensor` of the field's type, dimensions taken from the
    value's nesting (an empty batch keeps the field's fixed sizes: `[0, 3]`)."""
    dtype, values = spec.WIRE_TYPES[field.type]
    shape = field.shape if isinstance(field.shape, list) else []
    result = messages.Tensor(dtype=messages.DATA_TYPES[dtype])
    result.tensor_shape.SetInParent()
    result.tensor_shape.dims.extend(_dimensions(value, shape))
    items = _flat(value, len(shape))
    if values in COMPLEX_LISTS:
        encoded = [part for item in items for part in (complex(item).real, complex(item).imag)]
    else:
        encoded = [_encode(values, item) for item in items]
    getattr(result, values).extend(encoded)
    return result


def values_of(message: Any) -> tuple[str | None, list[Any]]:
    """The list a tensor's dtype reads (None for a dtype without one) and its values as
    numbers, booleans and strings: `half` bits back to numbers, complex numbers as their
    two parts, strings decoded (bytes that are not UTF-8 stay bytes)."""
    name = VALUE_LIST.get(message.dtype)
    if name is None:
        return None, []
    raw = list(getattr(message, name))
    if name == "half_val":
        return name, [struct.unpack("<e", struct.pack("<H", bits & 0xFFFF))[0] for bits in raw]
    if name == "string_val":
        return name, [_text(item) for item in raw]
    return name, raw


def filled_lists(message: Any) -> list[str]:
    """The value lists of a tensor that hold something (`binary_val` included)."""
    names = [name for name, _, _ in messages.TENSOR_VALUES if len(getattr(message, name))]
    return [*names, *(["binary_val"] if message.binary_val else [])]


def size(dims: list[int], values: str | None) -> int:
    """How many values a tensor of these dimensions holds in its list (a scalar, no
    dimensions: one; complex numbers take two)."""
    return math.prod(dims) * (2 if values in COMPLEX_LISTS else 1)


def _dimensions(value: Any, shape: list[int]) -> list[int]:
    dims = []
    for fixed in shape:
        if isinstance(value, list):
            dims.append(len(value))
            value = value[0] if value else None
        else:
            dims.append(max(fixed, 0))
    return dims


def _flat(value: Any, rank: int) -> Iterator[Any]:
    if rank == 0:
        yield value
        return
    for item in value:
        yield from _flat(item, rank - 1)


def _encode(values: str, item: Any) -> Any:
    if values == "half_val":
        return struct.unpack("<H", struct.pack("<e", item))[0]
    if values == "string_val":
        return str(item).encode()
    return item


def _text(item: bytes) -> str | bytes:
    try:
        return item.decode()
    except UnicodeDecodeError:
        return item
