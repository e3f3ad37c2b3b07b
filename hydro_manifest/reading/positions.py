"""Positions: where a node of a composed document is in the file, and the node at a path.

Lines are counted as YAML counts them (`\n`, `\r\n`, `\r`, NEL, LS, PS), columns in
characters, both from 1, as every report shows them.
"""

from __future__ import annotations

import re

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import Path, PathElement, Span, Target
from .tags import MERGE


def span_of(node: Node) -> Span:
    """Where a node is, as a span of the original file."""
    start, end = node.start_mark, node.end_mark
    if end.line == start.line and end.column <= start.column:
        return Span(start.line + 1, start.column + 1, start.line + 1, start.column + 2)
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


#: What YAML counts as a line break, and so what libyaml's line numbers count.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def point(text: str, offset: int) -> Span:
    """A one-character span at a character offset of `text`, in lines as YAML counts them."""
    line, start = 0, 0
    for found in _LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, found.end()
    column = offset - start
    return Span(line + 1, column + 1, line + 1, column + 2)


def find_node(root: Node, path: Path) -> tuple[Node | None, Node]:
    """The key node and value node at `path`, or the deepest ones found on the way."""
    key: Node | None = None
    node = root
    for element in path:
        child = _child(node, element)
        if child is None:
            break
        key, node = child
    return key, node


def _child(node: Node, element: PathElement) -> tuple[Node | None, Node] | None:
    if isinstance(node, SequenceNode):
        if isinstance(element, int) and 0 <= element < len(node.value):
            return None, node.value[element]
        return None
    if not isinstance(node, MappingNode):
        return None
    merges = []
    for key, value in reversed(node.value):
        if isinstance(key, ScalarNode):
            if key.tag == MERGE:
                merges.append(value)
            elif key.value == element:
                return key, value
    for merged in reversed(merges):
        for source in merged.value if isinstance(merged, SequenceNode) else [merged]:
            found = _child(source, element)
            if found is not None:
                return found
    return None


def locate(root: Node, path: Path, target: Target) -> Span:
    """Where a finding at `path` points: a key, a value, or the mapping lacking a key."""
    if target is Target.PARENT:
        key, node = find_node(root, path[:-1])
        return span_of(key) if key is not None else _first_line(node)
    key, node = find_node(root, path)
    if target is Target.KEY and key is not None:
        return span_of(key)
    return span_of(node)


def _first_line(node: Node) -> Span:
    """A mapping spans many lines; point at its first key instead."""
    if isinstance(node, MappingNode) and node.value:
        return span_of(node.value[0][0])
    return span_of(node)


def text_span(node: Node, start: int, end: int) -> Span:
    """The characters [start, end) of a text value, where the file shows them: exact for a
    one-line plain or quoted scalar without escapes, the value itself otherwise."""
    if not isinstance(node, ScalarNode) or node.start_mark.line != node.end_mark.line:
        return span_of(node)
    quoted = 1 if node.style in ("'", '"') else 0
    width = node.end_mark.column - node.start_mark.column - 2 * quoted
    if width != len(node.value):  # escapes or folding: offsets would lie
        return span_of(node)
    line = node.start_mark.line + 1
    column = node.start_mark.column + 1 + quoted
    return Span(line, column + start, line, column + max(end, start + 1))
