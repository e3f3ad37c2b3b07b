"""Python source read with `ast`, as the Python that will import it reads it, and quietly.

The parser's warnings (`SyntaxWarning: invalid escape sequence` on Python 3.12 and later)
are about the user's code, not hydro's output: printed they would litter the report, and
under `-W error` or `PYTHONWARNINGS=error` they would turn into a false syntax error.
"""

from __future__ import annotations

import ast
import sys
import warnings

#: The oldest grammar every Python hydro runs on can stand in for (`ast.parse`'s
#: `feature_version` goes no lower from Python 3.13 on).
OLDEST_GRAMMAR = (3, 7)


#: The construct (`ast` class name) each of the parser's "… are only supported in Python
#: 3.x" errors names: the parser notices a `match` only after its block, and the finding
#: should point at the `match`.
_NEWER = {
    "Assignment expressions": "NamedExpr",
    "Pattern matching": "Match",
    "Exception groups": "TryStar",
    "Type statement": "TypeAlias",
}


def syntax_tree(
    source: str | bytes, filename: str = "<unknown>", python: tuple[int, int] | None = None
) -> ast.Module:
    """The module's tree, in the grammar of Python `python` (hydro's own when None).

    `ast` rejects what is newer than that grammar where it knows the feature (`:=` before
    3.8, `match` before 3.10, …): best effort, as its documentation says. Pythons older than
    `OLDEST_GRAMMAR` are read in it, newer ones than hydro's in hydro's own. Raises what
    `ast.parse` raises, a newer construct's error placed at its start.
    """
    version = None if python is None else min(max(python, OLDEST_GRAMMAR), sys.version_info[:2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source, filename=filename, feature_version=version)
        except SyntaxError as error:
            construct = next((c for m, c in _NEWER.items() if error.msg.startswith(m)), None)
            if construct is not None and hasattr(ast, construct):
                _place_at_first(error, source, getattr(ast, construct))
            elif "codec can't decode" in error.msg and isinstance(source, bytes):
                _place_at_undecodable(error, source)
            raise


def _place_at_first(error: SyntaxError, source: str | bytes, construct: type[ast.AST]) -> None:
    """Moves `error` to the first `construct` of the module, read in hydro's grammar (if
    that grammar reads it: else the parser's place stands)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    nodes = [node for node in ast.walk(tree) if isinstance(node, construct)]
    if nodes:
        first = min(nodes, key=lambda node: (node.lineno, node.col_offset))  # type: ignore[attr-defined]
        error.lineno, error.offset = first.lineno, first.col_offset + 1  # type: ignore[attr-defined]


def _place_at_undecodable(error: SyntaxError, source: bytes) -> None:
    """Moves `error` (a string literal that is not UTF-8) to the byte that is not, on the
    line the parser names: each Python version places it elsewhere in the literal."""
    lines = source.split(b"\n")
    if not error.lineno or error.lineno > len(lines):
        return
    try:
        lines[error.lineno - 1].decode("utf-8")
    except UnicodeDecodeError as undecodable:
        error.offset = undecodable.start + 1  # a column in bytes, as `ast` counts them
