"""A Model's `contract`: its fields' shapes, types and profiles (spec: "contract").

A field written as one validated before is that field again, without validating it anew:
a repository's models repeat the same few, and the fields are most of a manifest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    PlainValidator,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from ... import spec
from ...fixes.changes import rename
from ...suggest import closest, did_you_mean, spoken
from ..base import KebabModel, hs_required, violation
from ..rules import EMPTY_VALUE, MISSING_HS_FIELD
from .rules import (
    EMPTY_FIELDS,
    FIELD_SHAPE,
    MISSING_PROFILE,
    SHAPE_DIMENSION,
    SHAPE_WILDCARD,
    SIGNATURE_NAME,
    UNDOCUMENTED_PROFILE,
    UNDOCUMENTED_TYPE,
    UNKNOWN_PROFILE,
    UNKNOWN_TYPE,
)

ShapeValue = Literal["scalar"] | list[int]


def _shape(shape: Any) -> ShapeValue:
    if shape == spec.SCALAR_SHAPE:
        return spec.SCALAR_SHAPE
    hint = "write `scalar` or a list of integers such as [-1, 28, 28]"
    if isinstance(shape, str):
        raise violation(
            FIELD_SHAPE,
            f"shape '{shape}' is neither `scalar` nor a list of integers; `hs` would silently "
            "treat it as a scalar",
            "did you mean a list (remove the quotes)?" if shape.lstrip().startswith("[") else hint,
        )
    if isinstance(shape, int | float) and not isinstance(shape, bool):
        raise violation(
            FIELD_SHAPE,
            f"shape {shape} is a bare number; `hs` would silently treat it as a scalar",
            f"did you mean [{shape}]?",
        )
    if not isinstance(shape, list):
        raise violation(FIELD_SHAPE, "shape is neither `scalar` nor a list of integers", hint)
    for index, dim in enumerate(shape):
        if isinstance(dim, bool) or not isinstance(dim, int):
            raise violation(
                FIELD_SHAPE,
                f"dimension {index + 1} of the shape ({dim!r}) is not an integer",
                "dimensions are whole numbers, or -1 first for any number of entities",
            )
    for index, dim in enumerate(shape):
        if dim == -1 and index > 0:
            raise violation(
                SHAPE_WILDCARD,
                f"-1 is dimension {index + 1} of the shape; the docs allow it only first",
                "only the first dimension may be -1 (any number of entities); give the size",
            )
        if dim == 0 or dim < -1:
            raise violation(
                SHAPE_DIMENSION,
                f"dimension {index + 1} of the shape is {dim}; dimensions are positive sizes or "
                "-1 first",
            )
    return shape


Shape = Annotated[ShapeValue, PlainValidator(_shape, json_schema_input_type=ShapeValue)]

_CLI_TYPES = (*spec.DOCUMENTED_TYPES, *spec.UNDOCUMENTED_CLI_TYPES)


def _data_type(name: str) -> str:
    if name in spec.DOCUMENTED_TYPES:
        return name
    if name in spec.UNDOCUMENTED_CLI_TYPES:
        raise violation(
            UNDOCUMENTED_TYPE,
            f"type '{name}' is accepted by `hs` 3.0.3 but not documented",
            did_you_mean(name, spec.DOCUMENTED_TYPES, listing="documented types"),
        )
    key = name.lower().removeprefix("dt_")
    matches = list(spec.TYPE_ALIASES.get(key, ())) or closest(key, _CLI_TYPES)
    raise violation(
        UNKNOWN_TYPE,
        f"unknown type '{name}'",
        did_you_mean(name, spec.DOCUMENTED_TYPES, listing="valid types", matches=matches),
        rename([m for m in matches if m in spec.DOCUMENTED_TYPES]) if len(matches) == 1 else None,
    )


DataType = Annotated[
    str,
    AfterValidator(_data_type),
    Field(
        json_schema_extra={
            "enum": list(spec.DOCUMENTED_TYPES),
            "enumDescriptions": list(spec.DOCUMENTED_TYPES.values()),
        }
    ),
]


def _any_case(words: Iterable[str]) -> str:
    """A regular expression (ECMA-262, no inline flags) matching `words` in any case."""
    spelled = ("".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in w) for w in words)
    return "^(?:" + "|".join(spelled) + ")$"


def _profile(name: str) -> str:
    lower = name.lower()
    if lower in spec.DOCUMENTED_PROFILES:
        return name
    if lower in spec.UNDOCUMENTED_CLI_PROFILES:
        raise violation(
            UNDOCUMENTED_PROFILE,
            f"profile '{name}' is accepted by `hs` 3.0.3 but not documented",
            did_you_mean(lower, spec.DOCUMENTED_PROFILES, listing="documented profiles"),
        )
    matches = closest(lower, spec.DOCUMENTED_PROFILES)
    raise violation(
        UNKNOWN_PROFILE,
        f"unknown profile '{name}'",
        did_you_mean(lower, spec.DOCUMENTED_PROFILES, listing="valid profiles", matches=matches),
        rename(matches),
    )


Profile = Annotated[
    str,
    AfterValidator(_profile),
    Field(
        json_schema_extra={
            # Any case is accepted (with a warning); completion offers the lowercase ones.
            "anyOf": [
                {
                    "enum": list(spec.DOCUMENTED_PROFILES),
                    "enumDescriptions": list(spec.DOCUMENTED_PROFILES.values()),
                },
                {"pattern": _any_case(spec.DOCUMENTED_PROFILES)},
            ]
        }
    ),
]


def _signature_name(name: str) -> str:
    if not name.strip():
        raise violation(
            SIGNATURE_NAME,
            "the contract name is blank",
            f"write the signature name, or remove the key to use '{spec.DEFAULT_SIGNATURE_NAME}'",
        )
    return name


def _field_name(name: str) -> str:
    if not name.strip():
        raise violation(EMPTY_VALUE, "a contract field has an empty name", "name the field")
    return name


def _some_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if not fields:
        raise violation(
            EMPTY_FIELDS,
            "no fields declared here; a contract needs at least one input and one output",
        )
    return fields


_DOCUMENTED_PROFILES = spoken(spec.DOCUMENTED_PROFILES)


class ContractField(KebabModel):
    """One input or output of a model: a tensor's shape, type and monitoring profile."""

    shape: Shape | None = Field(
        None,
        description="`scalar`, or a list of dimensions where only the first may be -1",
        json_schema_extra=hs_required(
            MISSING_HS_FIELD,
            "field '{owner}' has no `{key}`; `hs apply` 3.0.3 requires it",
            "add `shape: scalar` or a list of dimensions",
        ),
    )
    type: DataType = Field(description="the data type, e.g. float32, int64, string, bool")
    profile: Profile | None = Field(
        None,
        description=f"how the field is monitored: {_DOCUMENTED_PROFILES}",
        json_schema_extra=hs_required(
            MISSING_PROFILE,
            "field '{owner}' has no `{key}`; `hs apply` 3.0.3 requires it (the docs say optional)",
            f"add a profile: {_DOCUMENTED_PROFILES}",
            fill=("type", spec.PROFILE_FOR_TYPE),
        ),
    )


#: Contract fields validated without an error, by what is written in them: a repository's
#: models repeat the same few (`shape: scalar, type: double, profile: numerical`), and
#: the fields are most of a manifest. Instances are frozen, so documents may share one.
_VALID_FIELDS: dict[tuple[Any, ...], ContractField] = {}
_VALID_FIELDS_LIMIT = 20_000


def _validated_once(fields: Any, handler: ValidatorFunctionWrapHandler) -> dict[str, Any]:
    """Inputs or outputs whose every field is written as one validated before are those
    fields again; any other is validated whole (and its valid fields remembered)."""
    if fields.__class__ is dict and fields:
        found = {}
        for name, definition in fields.items():
            key = _field_key(definition)
            known = _VALID_FIELDS.get(key) if key is not None else None
            if known is None or name.__class__ is not str or not name.strip():
                break
            found[name] = known
        else:
            return found
    validated: dict[str, Any] = handler(fields)
    for name, definition in fields.items():
        key = _field_key(definition)
        if key is not None and len(_VALID_FIELDS) < _VALID_FIELDS_LIMIT:
            _VALID_FIELDS.setdefault(key, validated[name])
    return validated


def _field_key(definition: Any) -> tuple[Any, ...] | None:
    """What a field's validation depends on, when its values are text (or missing) and a
    shape of whole numbers: `1` and `true`, or `1` and `1.0`, are equal to Python. A key
    other than the three fails validation, and is never remembered."""
    if definition.__class__ is not dict:
        return None
    kind, profile, shape = (
        definition.get("type"),
        definition.get("profile"),
        definition.get("shape"),
    )
    if kind.__class__ is not str or not (profile is None or profile.__class__ is str):
        return None
    if shape.__class__ is list:
        shape = tuple(shape)
        if not all(d.__class__ is int for d in shape):
            return None
    elif not (shape is None or shape.__class__ is str):
        return None
    return (tuple(definition), kind, profile, shape)


Fields = Annotated[
    dict[Annotated[str, AfterValidator(_field_name)], ContractField],
    AfterValidator(_some_fields),
    WrapValidator(_validated_once),
]


class Contract(KebabModel):
    """The signature of a model: what it takes and what it returns."""

    name: Annotated[str, AfterValidator(_signature_name)] | None = Field(
        None, description="the signature the runtime calls; `predict` when omitted"
    )
    inputs: Fields = Field(description="the model's inputs: field name to field")
    outputs: Fields = Field(description="the model's outputs: field name to field")
