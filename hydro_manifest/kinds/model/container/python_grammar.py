"""Python source read with `ast`, as the Python that will import it reads it, and quietly.

The parser's warnings (`SyntaxWarning: invalid escape sequence` on Python 3.12 and later)
are about the user's code, not hydro's output: printed they would litter the report, and
under `-W error` or `PYTHONWARNINGS=error` they would turn into a false syntax error.
Compiling the source (`compile_error`) runs none of it: it finds what importing rejects
after parsing succeeded.
"""

from __future__ import annotations

import ast
import contextlib
import sys
import warnings
from collections.abc import Iterator

#: The oldest grammar every Python hydro runs on can stand in for (`ast.parse`'s
#: `feature_version` goes no lower from Python 3.13 on).
OLDEST_GRAMMAR = (3, 7)


#: On Python 3.10 `ast.parse` crashes the process (C stack overflow while building the tree's
#: objects) on a chain of some 150,000 operators, which fits in a func_main.py hydro reads;
#: compiling it raises RecursionError instead, from about 3,000 on, as every Python from
#: 3.6 to 3.12 does on import. Fewer characters than this cannot hold such a chain.
_CHAIN_GUARD_FROM = 6_000

#: Errors the compiler of only some Pythons raises (read in CPython 3.6 to 3.13): the
#: message's start, the first Python that raises it and the last (None: no bound).
_RAISED_BY: dict[str, tuple[tuple[int, int] | None, tuple[int, int] | None]] = {
    "'yield' inside": ((3, 8), None),  # a comprehension or generator expression
    "too many statically nested blocks": (None, (3, 12)),
}

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
    `OLDEST_GRAMMAR` are read in it, newer ones than hydro's in hydro's own; a decorator
    PEP 614 allowed is checked besides. Raises what `ast.parse` raises, a newer construct's
    error placed at its start.
    """
    version = None if python is None else min(max(python, OLDEST_GRAMMAR), sys.version_info[:2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if sys.version_info < (3, 11) and len(source) >= _CHAIN_GUARD_FROM:
            _deep_chain_guard(source, filename)
        try:
            tree = ast.parse(source, filename=filename, feature_version=version)
        except SyntaxError as error:
            construct = next((c for m, c in _NEWER.items() if error.msg.startswith(m)), None)
            if construct is not None and hasattr(ast, construct):
                _place_at_first(error, source, getattr(ast, construct))
            elif "codec can't decode" in error.msg and isinstance(source, bytes):
                _place_at_undecodable(error, source)
            raise
    if python is not None and python < (3, 9):
        _only_dotted_decorators(tree, filename)
    return tree


def _only_dotted_decorators(tree: ast.Module, filename: str) -> None:
    """Before Python 3.9 (PEP 614) a decorator is a dotted name, or a call of one
    (`@app.route("/")`): `ast`'s `feature_version` does not check it."""
    others = [
        decorator
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for decorator in node.decorator_list
        if not _dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator)
    ]
    if others:
        first = min(others, key=lambda node: (node.lineno, node.col_offset))
        error = SyntaxError(
            "a decorator other than a dotted name or a call of one is new in Python 3.9 (PEP 614)"
        )
        error.filename, error.lineno, error.offset = filename, first.lineno, first.col_offset + 1
        raise error


def _dotted_name(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def compile_error(
    source: str | bytes,
    tree: ast.Module,
    filename: str = "<unknown>",
    python: tuple[int, int] | None = None,
) -> SyntaxError | None:
    """What Python `python` (hydro's own when None) rejects when it compiles the module
    `tree` parsed from `source`: `return` outside a function, a misplaced
    `from __future__` import, `nonlocal` with nothing to bind, a duplicate argument, ... All
    are SyntaxErrors at import that `ast.parse` lets through. Errors only some Pythons
    raise count for the Pythons that raise them; an error of hydro's compiler's own limits
    (recursion) is not the runtime's and is not reported."""
    if python is not None and python < (3, 8):
        error = _continue_in_finally(tree, filename)
        if error is not None:
            return error
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            _compiled(source, filename)
        except SyntaxError as error:
            return error if _raised_by(error, python) else None
        except (ValueError, RecursionError, MemoryError):
            return None
    return None


def _compiled(source: str | bytes, filename: str) -> None:
    compile(source, filename, "exec", dont_inherit=True)


def _deep_chain_guard(source: str | bytes, filename: str) -> None:
    """Raises RecursionError for a chain too deep to import (and for Python 3.10's
    `ast.parse` to survive). Compiling checks depth before anything it raises SyntaxError
    for after parsing, and where parsing fails `ast.parse` fails before it builds objects:
    so a SyntaxError here is left to `ast.parse` and `compile_error` to report."""
    with contextlib.suppress(SyntaxError, ValueError):
        _compiled(source, filename)


def _raised_by(error: SyntaxError, python: tuple[int, int] | None) -> bool:
    if python is None:
        return True
    for start, (first, last) in _RAISED_BY.items():
        if error.msg.startswith(start):
            return (first is None or python >= first) and (last is None or python <= last)
    return True


def _continue_in_finally(tree: ast.Module, filename: str) -> SyntaxError | None:
    """Before Python 3.8 a `continue` in a `finally` clause (not in a loop of its own) is a
    SyntaxError, which the newer compiler hydro runs does not raise."""
    found: list[ast.Continue] = []
    blocks = [node.finalbody for node in ast.walk(tree) if isinstance(node, ast.Try)]
    while blocks:
        for statement in blocks.pop():
            if isinstance(statement, ast.Continue):
                found.append(statement)
            elif isinstance(statement, ast.For | ast.AsyncFor | ast.While):
                blocks.append(statement.orelse)  # `continue` in the body is the loop's own
            elif not isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                blocks.extend(_blocks_in(statement))
    if not found:
        return None
    first = min(found, key=lambda node: (node.lineno, node.col_offset))
    error = SyntaxError("'continue' not supported inside 'finally' clause")
    error.filename, error.lineno, error.offset = filename, first.lineno, first.col_offset + 1
    return error


def _blocks_in(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists directly in `statement` (an `if`'s branches, a `try`'s handlers)."""
    for _, value in ast.iter_fields(statement):
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
        elif isinstance(value, list):
            yield from (item.body for item in value if isinstance(item, ast.ExceptHandler))


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
