"""What the editor asks about a place in a manifest: hover, completion, definition and the
outline. Positions are 0-based lines and columns in characters (code points), as PyYAML
marks them; `server` converts them from and to the editor's units.

Keys, their meanings and the values a key takes come from the JSON Schema that `hydro
schema` writes (itself derived from the kinds' pydantic models); model and configuration
names, from the workspace's summaries.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import Diagnostic, Path
from ..kinds import KINDS
from ..kinds.base import REFERS_TO
from ..project import Named, Place, Summary, shape_text, signatures
from ..reading.loader import SourceDocument, SourceFile, load, scalars
from ..rules import find_rule
from .workspace import Workspace

#: Stands in for what is being typed, so that an unfinished line still composes.
_CURSOR = "hydro-completion-cursor"


@dataclass(frozen=True)
class At:
    """What is at a position of a document: the path to it, and whether it is a key."""

    document: SourceDocument
    path: Path
    on_key: bool
    node: Node


@dataclass(frozen=True)
class Choice:
    """One completion: what is inserted, what kind of thing it is, and what it means."""

    label: str
    is_key: bool
    detail: str | None = None
    documentation: str | None = None


@dataclass(frozen=True)
class Symbol:
    """A document of a file, for the outline: its kind and name, where it is, and where
    its name is."""

    name: str
    kind: str
    start: tuple[int, int]
    end: tuple[int, int]
    name_start: tuple[int, int]
    name_end: tuple[int, int]


# ------------------------------------------------------------------ where the cursor is


@functools.lru_cache(maxsize=8)
def _composed(text: str) -> SourceFile:
    """A buffer's documents: hover, definition, the outline and code actions ask about
    the same text again and again (a str's hash is computed once, so the key is cheap)."""
    return load(text)


def at(text: str, line: int, column: int) -> At | None:
    """The innermost node at a position, None outside every document."""
    for document in _composed(text).documents:
        if _contains(document.node, line, column):
            path, on_key, node = _descend(document.node, line, column, ())
            return At(document, path, on_key, node)
    return None


def _contains(node: Node, line: int, column: int) -> bool:
    """Whether the position is in the node: a collection ends before its end mark (where
    what follows it starts), a scalar at it (the cursor just after a word)."""
    start, end = node.start_mark, node.end_mark
    if (line, column) < (start.line, start.column):
        return False
    if isinstance(node, ScalarNode):
        return (line, column) <= (end.line, end.column)
    return (line, column) < (end.line, end.column)


def _descend(node: Node, line: int, column: int, path: Path) -> tuple[Path, bool, Node]:
    if isinstance(node, MappingNode):
        pairs = [(k, v) for k, v in node.value if isinstance(k, ScalarNode)]
        for key, _ in pairs:
            if _contains(key, line, column):
                return (*path, key.value), True, key
        for key, value in pairs:
            if _contains(value, line, column):
                return _descend(value, line, column, (*path, key.value))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            if _contains(item, line, column):
                return _descend(item, line, column, (*path, index))
    return path, False, node


def _kind(document: SourceDocument) -> str | None:
    value = document.value
    kind = value.get("kind") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) and kind in KINDS else None


def in_multiline_text(text: str, line: int) -> bool:
    """Whether `line` (0-based) continues a text begun on a line above (a block scalar
    such as `install-command: |`, or a quoted text of several lines): a comment written
    there would be part of the text."""
    for document in _composed(text).documents:
        for _, node, _ in scalars(document.node):
            start, end = node.start_mark, node.end_mark
            if start.line < line and (line < end.line or (line == end.line and end.column)):
                return True
    return False


# ------------------------------------------------------------------ the schema


@functools.cache
def _schema(kind: str) -> dict[str, Any]:
    from ..schema import schema

    return schema(kind)


def _branches(node: Any, root: dict[str, Any], depth: int = 0) -> Iterator[dict[str, Any]]:
    """A schema and the alternatives it allows ($ref, anyOf, oneOf, allOf) as one list."""
    if not isinstance(node, dict) or depth > 16:
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        yield from _branches(root.get("$defs", {}).get(ref[len("#/$defs/") :]), root, depth + 1)
    yield node
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(keyword, ()):
            yield from _branches(branch, root, depth + 1)


def schemas_at(kind: str, path: Path) -> list[dict[str, Any]]:
    """The schemas that may apply at `path` of a document of `kind`."""
    root = _schema(kind)
    current: list[dict[str, Any]] = [root]
    for element in path:
        following: list[dict[str, Any]] = []
        for node in current:
            for branch in _branches(node, root):
                if isinstance(element, str):
                    properties = branch.get("properties", {})
                    if element in properties:
                        following.append(properties[element])
                    elif isinstance(branch.get("additionalProperties"), dict):
                        following.append(branch["additionalProperties"])
                elif isinstance(branch.get("items"), dict):
                    following.append(branch["items"])
        current = following
    return [branch for node in current for branch in _branches(node, root)]


def _first(schemas: list[dict[str, Any]], keyword: str) -> Any:
    return next((s[keyword] for s in schemas if keyword in s), None)


def _properties(schemas: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for schema in schemas:
        for name, property_schema in schema.get("properties", {}).items():
            found.setdefault(name, property_schema)
    return found


def _values(schemas: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """The values a schema lists (enum, const, booleans), with what each means."""
    found: dict[str, str | None] = {}
    for schema in schemas:
        meanings = schema.get("enumDescriptions", [])
        for index, value in enumerate(schema.get("enum", ())):
            if isinstance(value, str | bool | int) and value != "":  # "" is no choice to offer
                text = _scalar_text(value)
                found.setdefault(text, meanings[index] if index < len(meanings) else None)
        if "const" in schema and isinstance(schema["const"], str | bool | int):
            found.setdefault(_scalar_text(schema["const"]), None)
        if schema.get("type") == "boolean":
            found.setdefault("true", None)
            found.setdefault("false", None)
    return list(found.items())


def _scalar_text(value: str | bool | int) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _refers_to(schemas: list[dict[str, Any]]) -> str | None:
    found = _first(schemas, REFERS_TO)
    return found if isinstance(found, str) else None


# ------------------------------------------------------------------ hover


def hover(
    path: str,
    text: str,
    line: int,
    column: int,
    workspace: Workspace,
    diagnostics: list[Diagnostic],
) -> str | None:
    """Markdown about the position: the rules of the diagnostics there, what the key means
    (or the value chosen), and the contract of the model a reference names."""
    here = {d.rule: d for d in diagnostics if _diagnostic_at(d, line, column)}  # each once
    parts = [_rule_text(d) for d in here.values()]
    found = at(text, line, column)
    if found is not None:
        kind = _kind(found.document)
        schemas = schemas_at(kind, found.path) if kind and found.path else []
        description = _first(schemas, "description")
        if found.on_key and description:
            parts.insert(0, f"**`{found.path[-1]}`**: {description}{_allowed(schemas)}")
        elif not found.on_key and isinstance(found.node, ScalarNode):
            meaning = dict(_values(schemas)).get(found.node.value)
            if meaning:
                parts.insert(0, f"**`{found.node.value}`**: {meaning}")
            target = _reference_at(workspace, path, found)
            if target is not None:
                parts.insert(0, _described(target))
    return "\n\n---\n\n".join(parts) or None


def _diagnostic_at(diagnostic: Diagnostic, line: int, column: int) -> bool:
    start = (diagnostic.line - 1, diagnostic.column - 1)
    end = (diagnostic.end_line - 1, diagnostic.end_column - 1)
    return start <= (line, column) <= end


def _rule_text(diagnostic: Diagnostic) -> str:
    rule = find_rule(diagnostic.rule)
    if rule is None:
        return f"**{diagnostic.rule}**: {diagnostic.message}"
    severity = diagnostic.severity.value  # as the configuration sets it
    return f"**{rule.id} {rule.name}** ({severity}): {rule.summary}\n\n{rule.explanation}"


def _allowed(schemas: list[dict[str, Any]]) -> str:
    values = [value for value, _ in _values(schemas)]
    if not values or len(values) > 24:
        return ""
    return "\n\nOne of: " + ", ".join(f"`{value}`" for value in values)


def _reference_at(workspace: Workspace, path: str, found: At) -> Summary | None:
    """The Model or DeploymentConfiguration a reference at the position names."""
    named = _named_at(workspace.summaries_of(path), found)
    if named is None:
        return None
    kind, name = named
    return workspace.named(kind, name)


def _named_at(summaries: list[Summary], found: At) -> tuple[str, str] | None:
    for summary in summaries:
        if summary.place.document != found.document.index:
            continue
        for named in _references(summary):
            if named[1].place.path == found.path:
                return named[0], named[1].name
    return None


def _references(summary: Summary) -> Iterator[tuple[str, Named]]:
    for named in summary.monitoring:
        yield "Model", named
    for stage in summary.stages:
        for variant in stage:
            yield "Model", variant.model
            if variant.configuration is not None:
                yield "DeploymentConfiguration", variant.configuration


def _described(target: Summary) -> str:
    """A referenced document: where it is, and a Model's contract."""
    heading = f"**{target.kind} `{target.name}`** ({target.place.where})"
    if target.kind != "Model":
        return heading
    signatures([target])
    signature = target.signature
    if signature is None:
        return heading
    rows = [
        f"| {direction} | `{field.name}` | {field.type or '?'} | {shape_text(field.shape)} "
        f"| {field.profile or ''} |"
        for direction, fields in (("in", signature.inputs), ("out", signature.outputs))
        for field in fields
    ]
    table = ["| | field | type | shape | profile |", "|---|---|---|---|---|", *rows]
    return "\n".join([heading, "", f"signature `{signature.name}`", "", *table])


# ------------------------------------------------------------------ definition


def definition(path: str, text: str, line: int, column: int, workspace: Workspace) -> Place | None:
    """Where the Model or DeploymentConfiguration named at the position is defined."""
    found = at(text, line, column)
    if found is None or found.on_key:
        return None
    target = _reference_at(workspace, path, found)
    return target.place if target is not None else None


# ------------------------------------------------------------------ outline


def symbols(text: str) -> list[Symbol]:
    """One symbol per manifest of the file: `Model census`, where it is and its name."""
    found = []
    for document in _composed(text).documents:
        node = document.node
        if not isinstance(node, MappingNode):
            continue
        keys = {k.value: v for k, v in node.value if isinstance(k, ScalarNode)}
        kind, name = keys.get("kind"), keys.get("name")
        kind_text = kind.value if isinstance(kind, ScalarNode) else "document"
        named = name if isinstance(name, ScalarNode) else node
        found.append(
            Symbol(
                name.value if isinstance(name, ScalarNode) and name.value else "(no name)",
                str(kind_text),
                (node.start_mark.line, node.start_mark.column),
                (node.end_mark.line, node.end_mark.column),
                (named.start_mark.line, named.start_mark.column),
                (named.end_mark.line, named.end_mark.column),
            )
        )
    return found


# ------------------------------------------------------------------ completion


def completion(text: str, line: int, column: int, workspace: Workspace) -> list[Choice]:
    """Keys valid at the position (those not written yet), or the values of the key the
    line starts: the schema's choices, and document names where the value refers to one."""
    lines = text.split("\n")
    if line >= len(lines):
        return []
    current = lines[line]
    before = current[:column]
    stripped = before.lstrip()
    indent = before[: len(before) - len(stripped)]
    dash = ""
    while stripped.startswith("- "):
        dash += "- "
        stripped = stripped[2:].lstrip()
    if ":" in stripped:
        key = stripped.split(":", 1)[0]
        placed = f"{indent}{dash}{key}: {_CURSOR}"
        return _value_choices(_with_line(lines, line, placed), line, len(placed) - 1, workspace)
    placed = f"{indent}{dash}{_CURSOR}: null"
    return _key_choices(_with_line(lines, line, placed), line, len(indent) + len(dash))


def _with_line(lines: list[str], number: int, replacement: str) -> str:
    return "\n".join([*lines[:number], replacement, *lines[number + 1 :]])


def _key_choices(text: str, line: int, column: int) -> list[Choice]:
    found = at(text, line, column)
    if found is None or not found.on_key:
        return []
    parent = found.path[:-1]
    kind = _kind(found.document)
    if kind is None:
        if parent:
            return []
        return [Choice("kind", True, "the kind of the document", ", ".join(KINDS))]
    holder = _node_at(found.document.node, parent)
    written = (
        {_spelling(k.value) for k, _ in holder.value if isinstance(k, ScalarNode)}
        if isinstance(holder, MappingNode)
        else set()
    )
    return [
        Choice(name, True, schema.get("title"), schema.get("description"))
        for name, schema in _properties(schemas_at(kind, parent)).items()
        if _spelling(name) not in written
    ]


def _spelling(key: object) -> str:
    """A key as every accepted spelling of it reads (`install-command`, `install_command`;
    `minReplicas`, `min_replicas`): a key written in one is not offered in another."""
    return str(key).replace("-", "").replace("_", "").lower()


def _value_choices(text: str, line: int, column: int, workspace: Workspace) -> list[Choice]:
    found = at(text, line, column)
    if found is None or found.on_key:
        return []
    kind = _kind(found.document)
    if found.path == ("kind",):
        return [Choice(name, False, kind.summary) for name, kind in KINDS.items()]
    if kind is None:
        return []
    schemas = schemas_at(kind, found.path)
    choices = [Choice(value, False, None, meaning) for value, meaning in _values(schemas)]
    refers_to = _refers_to(schemas)
    if refers_to == "Model":
        choices += [
            Choice(f"{name}:", False, "a Model of the workspace", "then its version number")
            for name in workspace.names("Model")
        ]
    elif refers_to is not None:
        choices += [Choice(name, False, f"a {refers_to}") for name in workspace.names(refers_to)]
    return choices


def _node_at(root: Node, path: Path) -> Node | None:
    node: Node | None = root
    for element in path:
        if isinstance(node, MappingNode) and isinstance(element, str):
            node = next(
                (v for k, v in node.value if isinstance(k, ScalarNode) and k.value == element),
                None,
            )
        elif isinstance(node, SequenceNode) and isinstance(element, int):
            node = node.value[element] if element < len(node.value) else None
        else:
            return None
    return node
