"""From a change to text edits, computed from the composed nodes' positions.

Each edit touches the smallest span that makes the change: a scalar's own characters, a
pair's own lines, a `, key: value` inside braces. A change that cannot be made that way
(the value comes from an alias or a merge, a comment would be lost, the text does not
show the value where the node says) gives no edits: the finding is then not fixable.
Offsets are characters of the text YAML read; `FileText` turns them into byte offsets
and line/column positions of the original file.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import Edit, Finding, Fix, Path, Target
from ..rules import FixKind
from .changes import Add, Change, Edits, PairsToMapping, Remove, Replace, plain_or_quoted

TextEdit = tuple[int, int, str]


@dataclass
class FileText:
    """A file's decoded text, and whether a UTF-8 byte-order mark preceded it: enough to
    place edits in the file's bytes."""

    text: str
    bom: bool = False
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def fix_of(
        self, finding: Finding, root: Node | None = None, path: Path | None = None
    ) -> Fix | None:
        """The fix of a finding placed in this file (`path`: its path as the file spells
        it), when its rule declares one and its change can be made here."""
        if finding.change is None or finding.rule.fix is None:
            return None
        safe = finding.rule.fix is FixKind.SAFE
        where = finding.path if path is None else path
        return self.fix(finding.change, safe, root, where, finding.target)

    def fix(
        self,
        change: Change,
        safe: bool,
        root: Node | None = None,
        path: Path = (),
        target: Target = Target.VALUE,
    ) -> Fix | None:
        """The fix a change makes here, or None when it cannot be made by edits alone."""
        if isinstance(change, Edits):
            found: list[TextEdit] | None = list(change.edits)
        elif root is None or "\ufeff" in self.text:
            # A byte-order mark inside the text is left out before YAML reads it, so the
            # nodes' offsets are not the text's: that mark is fixed first (HY017).
            found = None
        else:
            found = _edits(change, root, path, target, self.text)
        if not found:
            return None
        return Fix(safe, tuple(self._edit(*edit) for edit in sorted(found)))

    def _edit(self, start: int, end: int, text: str) -> Edit:
        line, column = self._position(start)
        end_line, end_column = self._position(end)
        return Edit(self._byte(start), self._byte(end), text, line, column, end_line, end_column)

    def _byte(self, offset: int) -> int:
        if offset < 0:  # the byte-order mark
            return 0
        prefix = self.text[:offset]
        size = len(prefix) if prefix.isascii() else len(prefix.encode("utf-8", "surrogateescape"))
        return size + (3 if self.bom else 0)

    def _position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of an offset, as reports count them."""
        if not self._line_starts:
            self._line_starts = [0]
            self._line_starts.extend(i + 1 for i, c in enumerate(self.text) if c == "\n")
        offset = max(offset, 0)
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


# ------------------------------------------------------------------ nodes to edits


def _edits(
    change: Change, root: Node, path: Path, target: Target, text: str
) -> list[TextEdit] | None:
    if isinstance(change, Add):
        entry = _entry(root, path[:-1]) if path else (None, None, root)
        if entry is None or not isinstance(entry[2], MappingNode):
            return None
        return _add(entry[2], change.key, change.text, text)
    entry = _entry(root, path)
    if entry is None:
        return None
    parent, key, value = entry
    if isinstance(change, Replace):
        node = key if target is Target.KEY else value
        return _replace(node, change.text, text) if node is not None else None
    if isinstance(change, Remove):
        return _remove(parent, key, value, text) if parent is not None else None
    if isinstance(change, PairsToMapping):
        return _pairs_to_mapping(key, value, change, text)
    return None


def _entry(root: Node, path: Path) -> tuple[Node | None, Node | None, Node] | None:
    """The parent, key node and value node at `path`, written in the document itself (not
    reached through a merge `<<`)."""
    parent: Node | None = None
    key: Node | None = None
    node = root
    for element in path:
        parent = node
        if isinstance(node, SequenceNode) and isinstance(element, int):
            if not 0 <= element < len(node.value):
                return None
            key, node = None, node.value[element]
        elif isinstance(node, MappingNode):
            pair = next(
                ((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == element),
                None,
            )
            if pair is None:
                return None
            key, node = pair
        else:
            return None
    return parent, key, node


def _replace(node: Node, replacement: str, text: str) -> list[TextEdit] | None:
    if not _shows(node, text):
        return None
    return [(node.start_mark.index, node.end_mark.index, replacement)]


def _shows(node: Node, text: str) -> bool:
    """Whether the text at the node's span is the node itself, on one line (not an anchor,
    an alias of it elsewhere, a block scalar): a plain or quoted scalar, or `[…]`/`{…}`."""
    shown = text[node.start_mark.index : node.end_mark.index]
    if "\n" in shown or not shown:
        return False
    if isinstance(node, MappingNode | SequenceNode):
        return bool(node.flow_style) and shown[0] + shown[-1] in ("[]", "{}")
    if not isinstance(node, ScalarNode):
        return False
    if node.style in ("'", '"'):
        return shown[0] == node.style and shown[-1] == node.style
    return not node.style and shown == node.value


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_end(text: str, offset: int) -> int:
    """The offset after the line break that ends the line holding `offset` (or the end)."""
    found = text.find("\n", offset)
    return len(text) if found < 0 else found + 1


def _newline(text: str, offset: int) -> str:
    """The line break the file uses around `offset`."""
    found = text.find("\n", offset)
    if found < 0:
        found = text.rfind("\n")
    return "\r\n" if found > 0 and text[found - 1] == "\r" else "\n"


def _content_end(node: Node, text: str) -> int:
    """Where a node's own characters end: a block collection's span runs on to the next
    token, over blank lines and comments that are not its own."""
    if isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(node, MappingNode) else last, text)
    start, end = node.start_mark.index, node.end_mark.index
    return start + len(text[start:end].rstrip())


def _rest_is_blank(text: str, start: int) -> bool:
    """Whether the line from `start` on holds only spaces and a comment."""
    rest = text[start : _line_end(text, start)].strip()
    return not rest or rest.startswith("#")


def _remove(parent: Node, key: Node | None, value: Node, text: str) -> list[TextEdit] | None:
    """Remove a pair (or a list item) with its own lines in block style, with its comma
    in flow style."""
    first = key if key is not None else value
    start, end = first.start_mark.index, _content_end(value, text)
    if getattr(parent, "flow_style", False):
        return [_without_comma(start, end, text)]
    before = text[_line_start(text, start) : start]
    if key is None:  # a block list item: `- value`
        if before.strip() != "-":
            return None
    elif before.strip():  # the first key of a list item (`- name: x`): not on a line of its own
        return None
    if not _rest_is_blank(text, end):
        return None
    line_end = _line_end(text, end)
    comment = text[end:line_end].strip()
    if comment and _line_start(text, start) == _line_start(text, end):
        # a pair on one line with a comment after it: the comment stays, on its own line
        indent = " " * (start - _line_start(text, start))
        return [(_line_start(text, start), line_end, f"{indent}{comment}{_newline(text, end)}")]
    return [(_line_start(text, start), line_end, "")]


def _without_comma(start: int, end: int, text: str) -> TextEdit:
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after < len(text) and text[after] == ",":
        after += 1
        while after < len(text) and text[after] in " \t":
            after += 1
        return (start, after, "")
    before = start
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    if before > 0 and text[before - 1] == ",":
        return (before - 1, end, "")
    return (start, end, "")


def _add(mapping: MappingNode, key: str, value: str, text: str) -> list[TextEdit] | None:
    pair = f"{key}: {value}"
    if mapping.flow_style:
        close = mapping.end_mark.index - 1
        if text[close : close + 1] != "}":
            return None
        at = close
        while at > 0 and text[at - 1] in " \t":
            at -= 1
        return [(at, at, f", {pair}" if mapping.value else pair)]
    if not mapping.value:
        return None
    first_key = mapping.value[0][0]
    indent = first_key.start_mark.column
    end = _content_end(mapping.value[-1][1], text)
    if not _rest_is_blank(text, end):
        return None
    newline = _newline(text, end)
    at = _line_end(text, end)
    lead = "" if at > 0 and text[at - 1] == "\n" else newline  # the last line had no break
    return [(at, at, f"{lead}{' ' * indent}{pair}{newline}")]


def _pairs_to_mapping(
    key: Node | None, items: Node, change: PairsToMapping, text: str
) -> list[TextEdit] | None:
    """`[{name: A, value: "1"}]` as `{A: "1"}`, or a block list as block pairs, keeping
    each value as written. Items with anything else (`valueFrom`) are not converted."""
    if not isinstance(items, SequenceNode) or not items.value:
        return None
    pairs = []
    for item in items.value:
        if not isinstance(item, MappingNode):
            return None
        fields = {k.value: v for k, v in item.value if isinstance(k, ScalarNode)}
        name, shown = fields.get(change.key), fields.get(change.value)
        if set(fields) - {change.key, change.value} or not isinstance(name, ScalarNode):
            return None
        if shown is None:
            written = "''"
        elif isinstance(shown, ScalarNode) and _shows(shown, text):
            written = text[shown.start_mark.index : shown.end_mark.index]
        else:
            return None
        pairs.append(f"{plain_or_quoted(name.value)}: {written}")
    start, end = items.start_mark.index, _content_end(items, text)
    if "#" in text[start:end]:
        return None  # a comment among the items would be lost
    if items.flow_style:
        return [(start, items.end_mark.index, "{" + ", ".join(pairs) + "}")]
    if not _rest_is_blank(text, end) or key is None:
        return None
    indent = max(items.start_mark.column, key.start_mark.column + 2)
    newline = _newline(text, start)
    block = "".join(f"{' ' * indent}{pair}{newline}" for pair in pairs)
    return [(_line_start(text, start), _line_end(text, end), block)]
