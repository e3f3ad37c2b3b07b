"""What the models of the three kinds share: key spellings, rule errors, common types.

Field-local errors are raised inside pydantic as `PydanticCustomError`s whose type is the
rule id, so `Model.model_validate` alone already says which rule a value breaks; hydro's
validator maps them to positions. Cross-field rules, warnings and notes live in
`hydro_manifest.checks`, which sees the whole document.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
from collections.abc import Callable
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Strict
from pydantic.alias_generators import to_camel
from pydantic.fields import Field, FieldInfo
from pydantic_core import PydanticCustomError

from .. import spec
from ..diagnostics import Finding, Path, Target
from ..fixes.changes import Add, Change, rename
from ..rules import RULES, Rule
from ..suggest import closest, did_you_mean, suggestable
from .rules import EMPTY_VALUE, METADATA_VALUE, MODEL_REFERENCE


def violation(
    rule: Rule, message: str, hint: str | None = None, change: Change | None = None
) -> PydanticCustomError:
    """A validation error that names its rule (the error's type is the rule id), with the
    change that fixes it when the rule declares a fix."""
    context = {"message": message, "hint": hint, "change": change}
    return PydanticCustomError(rule.id, "{message}", context)


def to_kebab(name: str) -> str:
    return name.replace("_", "-")


def _spelled(alias_generator: Callable[[str], str]) -> ConfigDict:
    """Keys in one spelling, the Python name accepted too (as `hs` does; hydro's validator
    warns about it by validating with `by_name=False`), unknown keys refused."""
    return ConfigDict(
        extra="forbid",
        alias_generator=alias_generator,
        validate_by_alias=True,
        validate_by_name=True,
        serialize_by_alias=True,
        frozen=True,
        defer_build=True,  # each model is built when first used, not when imported
    )


class KebabModel(BaseModel):
    """Model and Application objects: kebab-case keys, as `hs` reads them (GEN-7)."""

    model_config = _spelled(to_kebab)


class CamelModel(BaseModel):
    """DeploymentConfiguration objects: camelCase keys, as Kubernetes spells them (GEN-7)."""

    model_config = _spelled(to_camel)


# ------------------------------------------------------------------ lookup by location


@functools.cache
def keys_of(model: type[BaseModel]) -> dict[str, tuple[str, FieldInfo]]:
    """Every key a model accepts, canonical and Python spelling, to (canonical, field)."""
    keys: dict[str, tuple[str, FieldInfo]] = {}
    for name, info in model.model_fields.items():
        canonical = info.alias or name
        keys[canonical] = (canonical, info)
        keys.setdefault(name, (canonical, info))
    return keys


def canonical_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _unwrap(annotation: Any) -> Any:
    """Strip `Annotated[...]` and `X | None` down to the type that holds values."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            arms = [a for a in get_args(annotation) if a is not type(None)]
            if len(arms) != 1:
                return annotation
            annotation = arms[0]
        else:
            return annotation


def _as_model(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class of the object at `loc` (a pydantic error location), if any."""
    annotation: Any = root
    for element in loc:
        model = _as_model(annotation)
        if model is not None:
            entry = keys_of(model).get(element) if isinstance(element, str) else None
            if entry is None:
                return None
            annotation = entry[1].annotation
            continue
        annotation = _unwrap(annotation)
        origin = get_origin(annotation)
        if origin is dict:
            annotation = get_args(annotation)[1]
        elif origin is list:
            annotation = get_args(annotation)[0]
        else:
            return None
    return _as_model(annotation)


# ------------------------------------------------------------------ common types


def _checked(check: Callable[[Any], Any]) -> AfterValidator:
    return AfterValidator(check)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise violation(EMPTY_VALUE, "this value is empty", "write the value or remove the key")
    return value


# ------------------------------------------------------------------ fields hs apply requires

#: The key, in a field's JSON Schema extras, of `hs_required`'s declaration.
HS_REQUIRED = "x-hs-required"


def hs_required(
    rule: Rule,
    message: str,
    hint: str,
    fill: tuple[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The one declaration of a field `hs apply` 3.0.3 requires although the docs or the
    platform could do without it (`json_schema_extra=`): the document stage reports it
    missing with `rule` (`missing_hs_fields`), and the JSON Schema lists it as required.
    Message and hint may name `{key}`, the missing key, and `{owner}`, the key of the
    object that lacks it. `fill` is where a fix finds the value to write: a sibling key,
    and the value for each of its values (None: no fix)."""
    declared: dict[str, Any] = {"rule": rule.id, "message": message, "hint": hint}
    if fill is not None:
        declared["fill"] = {"from": fill[0], "values": fill[1]}
    return {HS_REQUIRED: declared}


def missing_hs_fields(model: type[BaseModel], value: Any) -> list[Finding]:
    """The fields declared with `hs_required` that the document leaves out (or null),
    in the objects of `value` that are mappings."""
    found: list[Finding] = []
    _missing_in(model, value, (), found)
    return found


def _missing_in(model: type[BaseModel], value: Any, path: Path, found: list[Finding]) -> None:
    if not isinstance(value, dict):
        return
    for key, declared, below in _required_plan(model):
        child = value.get(key)
        if declared is not None and child is None:
            owner = str(path[-1]) if path else ""
            message, hint = (str(declared[part]).format(key=key, owner=owner) for part in _TEXTS)
            fill = declared.get("fill")
            written = fill["values"].get(str(value.get(fill["from"]))) if fill else None
            change = Add(key, written) if written else None
            rule = RULES[str(declared["rule"])]
            found.append(Finding(rule, message, (*path, key), hint, Target.PARENT, change=change))
        elif child is not None and below is not None:
            _missing_below(below, child, (*path, key), found)


_TEXTS = ("message", "hint")
#: How to reach the objects below a field that declare `hs_required` fields: a model, or
#: the items of a list or the values of a mapping, and below them.
_Descent = tuple[str, Any]


@functools.cache
def _required_plan(
    model: type[BaseModel],
) -> tuple[tuple[str, dict[str, Any] | None, _Descent | None], ...]:
    """A model's fields that declare `hs_required` or lead to one that does, worked out
    once per model: a lint walks thousands of documents through the same few classes."""
    plan = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        declared = extra.get(HS_REQUIRED)
        below = _descent(info.annotation)
        if isinstance(declared, dict) or below is not None:
            plan.append(
                (info.alias or name, declared if isinstance(declared, dict) else None, below)
            )
    return tuple(plan)


def _descent(annotation: Any) -> _Descent | None:
    annotation = _unwrap(annotation)
    model = _as_model(annotation)
    if model is not None:
        return ("model", model) if _required_plan(model) else None
    origin = get_origin(annotation)
    if origin in (list, dict):
        inner = _descent(get_args(annotation)[0 if origin is list else 1])
        return (origin.__name__, inner) if inner is not None else None
    return None


def _missing_below(descent: _Descent, value: Any, path: Path, found: list[Finding]) -> None:
    kind, inner = descent
    if kind == "model":
        _missing_in(inner, value, path, found)
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            _missing_below(inner, item, (*path, index), found)
    elif kind == "dict" and isinstance(value, dict):
        required = _leaves_required(inner)
        for key, item in value.items():
            if required and item.__class__ is dict and None not in map(item.get, required):
                continue  # (most contract fields: nothing is missing, nothing below)
            _missing_below(inner, item, (*path, key), found)


@functools.cache
def _leaves_required(descent: _Descent) -> tuple[str, ...]:
    """The keys a model of `descent` requires when it requires nothing deeper: a mapping
    that has them all lacks nothing. Empty when the test does not apply."""
    kind, inner = descent
    plan = _required_plan(inner) if kind == "model" else ()
    if not plan or any(below is not None for _, _, below in plan):
        return ()
    return tuple(key for key, _, _ in plan)


Integer = Annotated[int, Strict()]
Number = Annotated[float, Strict()]
#: Text that must say something: names, references.
Text = Annotated[str, _checked(_not_blank)]


def _metadata_value(value: Any) -> Any:
    if value is None or isinstance(value, dict | list):
        what = "null" if value is None else "a list" if isinstance(value, list) else "a mapping"
        raise violation(
            METADATA_VALUE,
            f"metadata values are text, numbers or booleans, not {what}",
            "flatten it into separate keys, or quote it as one string",
        )
    return value


MetadataValue = Annotated[str, BeforeValidator(_metadata_value)]
Metadata = dict[str, MetadataValue]

_MODEL_REFERENCE_HINT = "write `name:version` with the version number, e.g. `census:1`"


def _model_reference(reference: str) -> str:
    parts = reference.split(":")
    if len(parts) != 2:
        problem = "has no `:version`" if len(parts) == 1 else "has more than one `:`"
        raise violation(
            MODEL_REFERENCE, f"model reference '{reference}' {problem}", _MODEL_REFERENCE_HINT
        )
    name, version = parts
    if not name:
        raise violation(
            MODEL_REFERENCE,
            f"model reference '{reference}' has no model name",
            _MODEL_REFERENCE_HINT,
        )
    if not re.fullmatch(r"[0-9]+", version):
        raise violation(
            MODEL_REFERENCE,
            f"model version '{version}' in '{reference}' is not a number",
            "versions are the numbers the manager assigns on upload; tags such as `latest` "
            f"are not supported, e.g. `{name}:1`",
        )
    if not spec.MODEL_NAME_RE.fullmatch(name):
        raise violation(
            MODEL_REFERENCE,
            f"'{name}' cannot be the name of a model (model names are lowercase letters, "
            "digits, '-' and '_')",
            f"did you mean '{suggest_model_name(name)}:{version}'?",
        )
    return reference


#: The key, in a field's JSON Schema, of the kind of document its value names: what an
#: editor completes there and jumps to (the language server reads it).
REFERS_TO = "x-hydro-refers-to"


def refers_to(kind: str) -> dict[str, Any]:
    """`json_schema_extra=` of a field whose value is the name of a document of `kind`."""
    return {REFERS_TO: kind}


ModelReference = Annotated[
    str, _checked(_model_reference), Field(json_schema_extra=refers_to("Model"))
]


def suggest_model_name(name: str) -> str:
    """A valid model name close to `name`: latin lowercase, other characters as `-`."""
    other = f"[^{spec.MODEL_NAME_CHARACTERS}]+"
    return re.sub(other, "-", suggestable(name).lower()).strip("-") or "model"


@dataclasses.dataclass(frozen=True)
class Choices:
    """The values a text takes, listed in the JSON Schema (`enum`): what `hydro schema`
    tells editors, and what the language server completes."""

    values: tuple[str, ...]

    def __get_pydantic_json_schema__(self, core: Any, handler: Any) -> Any:
        schema = handler(core)
        schema["enum"] = list(self.values)
        return schema


@dataclasses.dataclass(frozen=True)
class _OneOf(AfterValidator):
    choices: Choices = Choices(())

    def __get_pydantic_json_schema__(self, core: Any, handler: Any) -> Any:
        return self.choices.__get_pydantic_json_schema__(core, handler)


def one_of(rule: Rule, choices: tuple[str, ...], what: str) -> AfterValidator:
    """A text that must be one of `choices`, with a suggestion when it is not (and the
    choices in the JSON Schema)."""

    def check(value: str) -> str:
        if value not in choices:
            matches = closest(value, choices)
            raise violation(
                rule,
                f"unknown {what} '{value}'",
                did_you_mean(value, choices, listing=f"valid {what}s", matches=matches),
                rename(matches),
            )
        return value

    return _OneOf(check, Choices(choices))


def at_least(rule: Rule, minimum: int, what: str) -> AfterValidator:
    def check(value: int) -> int:
        if value < minimum:
            raise violation(rule, f"{what} is {value}; it must be at least {minimum}")
        return value

    return AfterValidator(check)
