"""Reading YAML with libyaml while keeping where every key and value came from.

PyYAML's composer (libyaml's `CSafeLoader` when available) turns the text into nodes that
carry start and end marks. Instead of PyYAML's constructor, `_Builder` walks those nodes
once, building plain Python values with YAML 1.1 semantics (what `hs apply` sees) and
reporting what a manifest must not contain: duplicate keys, non-text keys, tags outside
the core schema, runaway aliases. The nodes are kept, so any path into the value can be
turned back into a position (`reading.positions`) only when a finding needs one. The text
is made readable first (`reading.text`); syntax errors are explained by `reading.syntax`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import Finding, Path, PathElement, Related, Span, Target
from ..fixes.changes import Edits, Replace, quoted
from .positions import span_of
from .rules import (
    ALIAS_EXPANSION,
    DUPLICATE_KEY,
    EMPTY_DOCUMENT,
    NESTING_TOO_DEEP,
    NO_DOCUMENTS,
    NON_STRING_KEY,
    NUL_CHARACTER,
    QUOTE_IT,
    UNSUPPORTED_TAG,
    WRONG_TYPE,
)
from .syntax import syntax_finding
from .tags import BOOL, CORE, FLOAT, INT, MAP, MERGE, NULL, SEQ, STR, TIMESTAMP, VALUE
from .text import readable

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

#: The tag of short plain scalars seen so far: manifests repeat the same few hundred words
#: (`scalar`, `int64`, `numerical`, small numbers). Long and unique texts are not kept.
_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_TAGS_LIMIT = 20_000
_PLAIN_TAGS_LONGEST = 24


class _Loader(_BaseLoader):
    """libyaml's loader, with tag resolution memoized.

    libyaml composes in C but calls back into Python to resolve every scalar's tag (and to
    descend and ascend path resolvers, which manifests do not use): that is most of the
    time spent composing. The answers depend only on the scalar's text.
    """

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is not ScalarNode:
            return MAP if kind is MappingNode else SEQ
        if not implicit[0]:
            return STR
        tag = _PLAIN_TAGS.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(value) <= _PLAIN_TAGS_LONGEST and len(_PLAIN_TAGS) < _PLAIN_TAGS_LIMIT:
                _PLAIN_TAGS[value] = tag
        return tag

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


#: Nodes an alias may add to one document before it counts as an expansion bomb.
ALIAS_EXPANSION_LIMIT = 100_000
#: No manifest nests deeper; deeper input is generated or hostile.
MAX_DEPTH = 200
#: Above this bound on nesting, the file is scanned for depth before libyaml composes it
#: (its composer recurses in C and overflows the stack somewhere past 10,000 levels).
_COMPOSE_SAFE_DEPTH = 5_000

_constructor = SafeConstructor()
_CONSTRUCT_SCALAR = {
    INT: _constructor.construct_yaml_int,
    FLOAT: _constructor.construct_yaml_float,
    BOOL: _constructor.construct_yaml_bool,
    NULL: _constructor.construct_yaml_null,
    TIMESTAMP: _constructor.construct_yaml_timestamp,
}
_TYPE_WORDS = {
    INT: "an integer",
    FLOAT: "a number",
    BOOL: "a boolean",
    NULL: "null",
    TIMESTAMP: "a date",
}


@dataclass
class SourceDocument:
    """One YAML document of a file: its root node, its value and what loading found."""

    index: int
    node: Node
    value: Any
    line: int
    findings: list[Finding] = field(default_factory=list)


@dataclass
class SourceFile:
    """A decoded file, its documents, and findings that belong to no document."""

    text: str
    documents: list[SourceDocument]
    findings: list[Finding]


def is_plain(node: ScalarNode) -> bool:
    """True for an unquoted scalar (libyaml marks plain style `''`, pure PyYAML `None`)."""
    return not node.style


def yaml_type_word(node: ScalarNode) -> str:
    return _TYPE_WORDS.get(node.tag, "text")


def text_survives(value: Any, text: str) -> bool:
    """Whether turning a YAML 1.1 number back into text gives what the author wrote.

    `hs` converts numbers and booleans to text where it expects text (GEN-8), so `2` stays
    `2` but `1.10` becomes `1.1` and `yes` becomes `True`. Dates are refused outright.
    """
    return isinstance(value, int | float) and str(value) == text


# ------------------------------------------------------------------ loading


def load(text: str) -> SourceFile:
    """Compose every document of `text` and build its value; never raises on bad YAML."""
    documents: list[SourceDocument] = []
    decoded = text
    text, findings = readable(text)
    same_offsets = len(text) == len(decoded)  # no byte-order mark was left out
    too_deep = _find_too_deep(text) if _nesting_bound(text) > _COMPOSE_SAFE_DEPTH else None
    may_hold_nul = _NUL_ESCAPE.search(text) is not None
    loader = _Loader(text)
    try:
        index = 0
        while loader.check_node():
            if too_deep is not None and too_deep[0] == index:
                findings.append(_too_deep_finding(too_deep[1]))
                break
            node = loader.get_node()
            documents.append(_document(index, node, text, may_hold_nul, same_offsets))
            index += 1
    except yaml.YAMLError as error:
        findings.append(syntax_finding(error, text))
    finally:
        loader.dispose()
    if not documents and not findings:
        findings.append(
            Finding(
                NO_DOCUMENTS,
                "the file holds no YAML document" if text.strip() else "the file is empty",
                hint="a manifest starts with `kind:` and `name:`",
                span=Span(1, 1, 1, 2),
            )
        )
    return SourceFile(text, documents, findings)


def _document(
    index: int, node: Node, text: str, may_hold_nul: bool = False, same_offsets: bool = True
) -> SourceDocument:
    line = node.start_mark.line + 1
    if isinstance(node, ScalarNode) and node.tag == NULL and node.value == "" and is_plain(node):
        marker = _document_marker_line(text, node.start_mark.line)
        change = _line_removal(text, marker) if same_offsets else None
        return SourceDocument(
            index,
            node,
            None,
            marker + 1,
            [
                Finding(
                    EMPTY_DOCUMENT,
                    "empty document: this `---` starts a document with no content",
                    hint="remove the extra `---` (hs apply crashes on empty documents)",
                    span=Span(marker + 1, 1, marker + 1, 4),
                    change=change,
                )
            ],
        )
    builder = _Builder()
    try:
        value = builder.build(node)
    except _Stop as stop:
        builder.findings.append(stop.finding)
        value = None
    if may_hold_nul and value is not None:
        builder.findings.extend(_nul_characters(node))
    return SourceDocument(index, node, value, line, builder.findings)


#: The only way a NUL character gets into YAML: an escape in a double-quoted scalar (the
#: reader refuses a raw one). Only files with such an escape are walked for NULs.
_NUL_ESCAPE = re.compile(r"\\(?:0|x00|u0000|U00000000)")
#: Where a NUL character makes `hs apply` crash instead of the platform refusing it.
_PATH_KEYS = ("payload", "training-data")


def _nul_characters(root: Node) -> list[Finding]:
    """Every key and text holding a NUL character: no file system, database or container
    environment can take one (Python's `os` refuses it with "embedded null byte")."""
    found = []
    for path, scalar, target in scalars(root):
        if "\x00" not in scalar.value:
            continue
        if target is Target.KEY:
            where = "a key"
        elif path[:1] and path[0] in _PATH_KEYS:
            where = "a path: `hs apply` cannot open it"
        else:
            where = "a text: no part of the platform can store it"
        found.append(
            Finding(
                NUL_CHARACTER,
                f"a NUL character in {where}",
                path=path,
                hint="remove the escape that writes it (`\\0`, `\\x00` or `\\u0000`)",
                target=target,
                span=span_of(scalar),
            )
        )
    return found


def scalars(root: Node) -> Iterator[tuple[Path, ScalarNode, Target]]:
    """Every scalar of a document, key or value, with its path. Each collection is visited
    once, however many aliases refer to it."""
    seen: set[int] = set()
    stack: list[tuple[Path, Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, ScalarNode):
            yield path, node, Target.VALUE
        elif id(node) not in seen:
            seen.add(id(node))
            if isinstance(node, SequenceNode):
                stack.extend(((*path, i), item) for i, item in enumerate(node.value))
            elif isinstance(node, MappingNode):
                for key, value in node.value:
                    if isinstance(key, ScalarNode):
                        yield (*path, key.value), key, Target.KEY
                        stack.append(((*path, key.value), value))


def _line_removal(text: str, line: int) -> Edits | None:
    """Removing a 0-based line that holds only `---` (a comment after it stays)."""
    lines = text.split("\n")
    if line >= len(lines) or lines[line].strip() != "---":
        return None
    start = sum(len(before) + 1 for before in lines[:line])
    return Edits(((start, min(start + len(lines[line]) + 1, len(text)), ""),))


def _document_marker_line(text: str, line: int) -> int:
    """The 0-based line of the `---` that opened an empty document ending at `line`."""
    lines = text.split("\n")
    for number in range(min(line, len(lines) - 1), -1, -1):
        if lines[number].startswith("---"):
            return number
    return max(0, min(line, len(lines) - 1))


class _Stop(Exception):
    """Building a document cannot go on (alias bomb, recursion, depth)."""

    def __init__(self, finding: Finding):
        self.finding = finding


_IN_PROGRESS = object()


class _Builder:
    """Builds plain values from composed nodes, once per node, with YAML 1.1 semantics."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.path: list[PathElement] = []
        self.memo: dict[int, Any] = {}
        self.nodes = 0
        self.aliased = 0
        self.depth = 0

    def build(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            self.nodes += 1
            return self.scalar(node)
        key = id(node)
        seen = self.memo.get(key)
        if seen is not None:
            return self.reuse(node, seen)
        self.memo[key] = _IN_PROGRESS
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Stop(_too_deep_finding(node.start_mark, tuple(self.path)))
        before = self.nodes
        self.nodes += 1
        self.check_collection_tag(node)
        if isinstance(node, MappingNode):
            value: Any = self.mapping(node)
        else:
            value = self.sequence(cast(SequenceNode, node))
        self.depth -= 1
        self.memo[key] = (value, self.nodes - before)
        return value

    def reuse(self, node: Node, seen: Any) -> Any:
        """An alias: the value is shared, but its size counts against the expansion bound."""
        if seen is _IN_PROGRESS:
            raise _Stop(
                Finding(
                    ALIAS_EXPANSION,
                    "an alias refers to the block that contains it, so the document never ends",
                    path=tuple(self.path),
                    hint="an anchored block cannot use its own alias",
                    span=span_of(node),
                )
            )
        value, size = seen
        self.nodes += size
        self.aliased += size
        if self.aliased > ALIAS_EXPANSION_LIMIT:
            raise _Stop(
                Finding(
                    ALIAS_EXPANSION,
                    f"aliases of this anchored block expand the document to more than "
                    f"{ALIAS_EXPANSION_LIMIT:,} nodes",
                    path=tuple(self.path),
                    hint="this looks like a 'billion laughs' file; reuse blocks less deeply",
                    span=span_of(node),
                )
            )
        return value

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == STR:
            return node.value
        if tag == INT and len(node.value) < 19:  # a short plain decimal: no sign but `-`,
            text = node.value  # no leading 0 (YAML 1.1's octal), no `_` or `:`
            digits = text[1:] if text[:1] == "-" else text
            if digits.isascii() and digits.isdigit() and (digits == "0" or digits[0] != "0"):
                return int(text)
        construct = _CONSTRUCT_SCALAR.get(tag)
        if construct is None:
            self.unsupported_tag(node)
            return node.value
        try:
            return construct(node)
        except (ValueError, TypeError, OverflowError):
            self.findings.append(
                Finding(
                    QUOTE_IT if is_plain(node) else UNSUPPORTED_TAG,
                    f"`{node.value}` looks like {yaml_type_word(node)} to YAML 1.1 but is not a "
                    "valid one, so the YAML loader of `hs apply` crashes on it",
                    path=tuple(self.path),
                    hint=f"quote it: '{node.value}'",
                    span=span_of(node),
                    change=Replace(quoted(node.value)) if is_plain(node) else None,
                )
            )
            return node.value

    def unsupported_tag(self, node: Node) -> None:
        if node.tag == VALUE:
            message = (
                "a plain `=` is YAML 1.1's special `value` tag, which the YAML loader of "
                "`hs apply` cannot read"
            )
            hint = "quote it: '='"
        else:
            tag = node.tag.replace(CORE, "!!", 1) if node.tag.startswith(CORE) else node.tag
            message = f"tag `{tag}` is outside the YAML core schema; it is not read"
            hint = "remove the tag; manifests hold plain text, numbers, lists and mappings"
        self.findings.append(
            Finding(UNSUPPORTED_TAG, message, path=tuple(self.path), hint=hint, span=span_of(node))
        )

    def check_collection_tag(self, node: Node) -> None:
        if node.tag not in (MAP, SEQ):
            self.unsupported_tag(node)

    # The two loops below run for every node of every file: text scalars, most of them,
    # are taken without a call.

    def sequence(self, node: SequenceNode) -> list[Any]:
        items = []
        path = self.path
        for index, item in enumerate(node.value):
            if item.__class__ is ScalarNode and item.tag == STR:
                self.nodes += 1
                items.append(item.value)
                continue
            path.append(index)
            items.append(self.build(item))
            path.pop()
        return items

    def mapping(self, node: MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[Node] = []
        path = self.path
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode and key_node.tag == STR:
                key = key_node.value
            else:
                key = self.key(key_node)
                if key is None:
                    if key_node.tag == MERGE:
                        merges.append(value_node)
                    continue
            if key in result:
                self.duplicate(node, key, key_node)
            if value_node.__class__ is ScalarNode and value_node.tag == STR:
                self.nodes += 1
                result[key] = value_node.value
                continue
            path.append(key)
            result[key] = self.build(value_node)
            path.pop()
        for merged in merges:
            self.merge(result, merged)
        return result

    def key(self, node: Node) -> str | None:
        """The key as text, or None when the pair is a merge or cannot be used."""
        if isinstance(node, ScalarNode):
            if node.tag == STR:
                return str(node.value)
            if node.tag == MERGE:
                return None
            if node.tag != NULL:
                value = self.scalar(node)
                if not text_survives(value, node.value) and node.tag in _CONSTRUCT_SCALAR:
                    self.findings.append(
                        Finding(
                            QUOTE_IT,
                            f"key `{node.value}` is read by YAML 1.1 as {yaml_type_word(node)} "
                            f"({_shown(value)}), not as the text you wrote",
                            path=(*self.path, node.value),
                            hint=f"quote it: '{node.value}':",
                            target=Target.KEY,
                            span=span_of(node),
                            change=Replace(quoted(node.value)),
                        )
                    )
                return str(node.value)
            what = "an empty key" if node.value == "" else f"key `{node.value}` is null"
        else:
            what = "a list or mapping used as a key"
        self.findings.append(
            Finding(
                NON_STRING_KEY,
                f"{what}: keys must be text",
                path=tuple(self.path),
                hint="name the key, and quote it if it looks like a number or null",
                span=span_of(node),
            )
        )
        return None

    def duplicate(self, mapping: MappingNode, key: str, second: Node) -> None:
        first = next(k for k, _ in mapping.value if isinstance(k, ScalarNode) and k.value == key)
        self.findings.append(
            Finding(
                DUPLICATE_KEY,
                f"duplicate key `{key}`: first at line {first.start_mark.line + 1}, again at "
                f"line {second.start_mark.line + 1}; only the last value is kept",
                path=(*self.path, key),
                hint="rename or remove one of them",
                target=Target.KEY,
                span=span_of(second),
                related=(Related(None, span_of(first), f"`{key}` first set here"),),
            )
        )

    def merge(self, result: dict[str, Any], merged: Node) -> None:
        """`<<: *base` adds the keys of `base` that the mapping does not set itself."""
        sources = merged.value if isinstance(merged, SequenceNode) else [merged]
        for source in sources:
            value = self.build(source)
            if not isinstance(value, dict):
                self.findings.append(
                    Finding(
                        WRONG_TYPE,
                        "`<<` merges mappings only, and this is not one",
                        path=tuple(self.path),
                        hint="write `<<: *anchor` where the anchor names a mapping",
                        span=span_of(source),
                    )
                )
                continue
            for key, item in value.items():
                result.setdefault(key, item)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return repr(value)


def _too_deep_finding(mark: Any, path: Path | None = None) -> Finding:
    return Finding(
        NESTING_TOO_DEEP,
        f"the document nests more than {MAX_DEPTH} levels deep here",
        path=path or (),
        hint="no manifest nests this deep; is the file generated?",
        span=Span(mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2),
    )


def _nesting_bound(text: str) -> int:
    """A cheap upper bound of how deep any document of `text` nests.

    Every collection has an indicator of its own: a bracket for a flow one, a `-` for a
    block sequence, a `:` (or `?`) for a block mapping's key; a manifest holds a few
    hundred. Beyond that, flow collections need a bracket per level, and block ones a
    deeper indent or a `- ` on the same line, so twice the longest line bounds them.
    """
    if len(text) <= _COMPOSE_SAFE_DEPTH:
        return len(text)
    brackets = text.count("[") + text.count("{")
    indicators = brackets + text.count("-") + text.count(":") + text.count("?") + 1
    if indicators <= _COMPOSE_SAFE_DEPTH:
        return indicators
    longest = max(map(len, text.split("\n")))
    return min(indicators, brackets + 2 * longest + 2)


def _find_too_deep(text: str) -> tuple[int, Any] | None:
    """Scan the event stream (which never recurses) for a document nesting too deep."""
    loader = _Loader(text)
    depth = document = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return document, event.start_mark
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.DocumentEndEvent):
                document += 1
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" in str(error.problem):  # libyaml's own limit (1000)
            return document, error.problem_mark
        return None  # the composer reports the syntax error itself
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None
