"""JSON Schema (draft 2020-12) of the three kinds, for editors and schema validators.

Generated from the pydantic models, with the platform's key spellings and the models'
descriptions (so an editor's hover explains a field), then adjusted to what `hs apply`
3.0.3 needs: fields it requires although the platform could do without them are
listed as required. One schema accepts any of the three kinds, chosen by `kind`.
"""

from __future__ import annotations

from typing import Any

from .kinds import KINDS, NAMES
from .kinds.base import HS_REQUIRED

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def schema(kind: str | None = None) -> dict[str, Any]:
    """The schema of one kind, or of any of the three (`oneOf`, by `kind`)."""
    if kind is not None:
        return {"$schema": DRAFT, **_kind_schema(kind)}
    definitions: dict[str, Any] = {}
    for name in NAMES:
        generated = _kind_schema(name)
        definitions.update(generated.pop("$defs", {}))
        definitions[name] = generated
    return {
        "$schema": DRAFT,
        "title": "Hydrosphere resource definition",
        "description": "A Model, Application or DeploymentConfiguration, as `hs apply` reads it.",
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": list(NAMES)}},
        "oneOf": [{"$ref": f"#/$defs/{name}"} for name in NAMES],
        "$defs": definitions,
    }


def _kind_schema(kind: str) -> dict[str, Any]:
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}'; valid kinds: {', '.join(NAMES)}")
    generated: dict[str, Any] = KINDS[kind].model.model_json_schema(by_alias=True)
    _require_hs_fields(generated)
    for definition in generated.get("$defs", {}).values():
        _require_hs_fields(definition)
    _numbers_as_text(generated)
    return generated


def _numbers_as_text(node: Any) -> None:
    """Where text is expected, a number whose text survives is text (`cpu: 2`, `PORT: 8080`):
    hydro accepts it, so the schema does. (A schema cannot see that `1.10` loses its zero.)"""
    if isinstance(node, dict):
        if node.get("type") == "string" and "const" not in node and "enum" not in node:
            node["type"] = ["string", "number"]
        for value in node.values():
            _numbers_as_text(value)
    elif isinstance(node, list):
        for value in node:
            _numbers_as_text(value)


def _require_hs_fields(definition: dict[str, Any]) -> None:
    """Fields marked HS_REQUIRED become required, and no longer accept null."""
    for key, prop in definition.get("properties", {}).items():
        if not prop.pop(HS_REQUIRED, False):
            continue
        required = definition.setdefault("required", [])
        if key not in required:
            required.append(key)
        prop.pop("default", None)
        options = prop.get("anyOf")
        if options is not None:
            kept = [o for o in options if o != {"type": "null"}]
            if len(kept) == 1:
                prop.pop("anyOf")
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
