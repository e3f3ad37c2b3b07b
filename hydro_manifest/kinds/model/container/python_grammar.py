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
import io
import sys
import tokenize
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
    `OLDEST_GRAMMAR` are read in it, newer ones than hydro's in hydro's own; what `ast` reads
    alike in every grammar is `newer_syntax`'s. Raises what `ast.parse` raises, a newer
    construct's error placed at its start.
    """
    version = None if python is None else min(max(python, OLDEST_GRAMMAR), sys.version_info[:2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if sys.version_info < (3, 11) and len(source) >= _CHAIN_GUARD_FROM:
            _deep_chain_guard(source, filename)
        try:
            tree = _parsed(source, filename, version)
        except SyntaxError as error:
            construct = next((c for m, c in _NEWER.items() if error.msg.startswith(m)), None)
            if construct is not None and hasattr(ast, construct):
                _place_at_first(error, source, getattr(ast, construct))
            elif "codec can't decode" in error.msg and isinstance(source, bytes):
                _place_at_undecodable(error, source)
            raise
    return tree


def newer_syntax(
    source: str | bytes, nodes: list[ast.AST], filename: str, python: tuple[int, int]
) -> None:
    """Raises at syntax newer than Python `python` that `ast` reads alike in every grammar
    (`nodes`: the module's tree, walked): decorators of any expression and `as` inside
    parentheses around a `with` statement's managers (3.9), a starred item in an
    unparenthesized `return` tuple (3.8), and what f-strings hold from 3.8 and 3.12 on."""
    if python < (3, 9):
        _only_dotted_decorators(nodes, filename)
        _as_in_parenthesized_with(source, nodes, filename)
    if python < (3, 8):
        _starred_returns(source, nodes, filename)
    if python < (3, 12):
        _fstring_novelties(source, nodes, filename, python)


def _parsed(source: str | bytes, filename: str, version: tuple[int, int] | None) -> ast.Module:
    """`ast.parse` in the grammar of `version`, but for parentheses around a `with`
    statement's context managers, which `ast` of Python 3.10 and 3.11 rejects in a grammar
    before 3.9 even where that grammar reads them (`_as_in_parenthesized_with`)."""
    try:
        return ast.parse(source, filename=filename, feature_version=version)
    except SyntaxError as error:
        if version is None or version >= (3, 9) or not error.msg.startswith(_PARENTHESIZED):
            raise
    tree = ast.parse(source, filename=filename, feature_version=(3, 9))
    if version < (3, 8):
        _no_newer_than_37(tree, filename)
    return tree


#: What `ast` of Python 3.10 and 3.11 says of `with (a, b):` in a grammar before 3.9.
_PARENTHESIZED = "Parenthesized context managers"


def _as_in_parenthesized_with(source: str | bytes, nodes: list[ast.AST], filename: str) -> None:
    """Raises at the first `as` inside the parentheses around a `with` statement's context
    managers (`with (open(a) as f, open(b) as g):`, Python 3.9). An older grammar reads
    `with (a, b):` as one context manager, a tuple: valid (it fails only when the statement
    runs); an `as` inside the parentheses it cannot read. Only the headers of statements
    that may hold one are read token by token."""
    lines: list[str] | None = None  # (split once, only for a module that has such a `with`)
    for node in nodes:
        if not isinstance(node, ast.With | ast.AsyncWith) or not any(
            item.optional_vars is not None for item in node.items
        ):
            continue
        lines = lines or io.StringIO(_text(source), newline=None).readlines()  # (Python's lines)
        first = node.body[0].lineno  # (the header's own line, for `with (a as b): pass`)
        header = "".join(lines[node.lineno - 1 : max(first - 1, node.lineno)])
        try:
            place = _as_inside(header)
        except (tokenize.TokenError, SyntaxError):
            continue  # (a header `ast` read is read token by token too)
        if place is not None:
            message = f"{_PARENTHESIZED} are only supported in Python 3.9 and greater"
            raise _error_at(message, filename, node.lineno + place[0] - 1, place[1])


def _as_inside(header: str) -> tuple[int, int] | None:
    """In a `with` statement's header, where the first `as` inside parentheses around all
    its context managers stands (1-based line, 0-based column), if one does."""
    tokens = list(tokenize.generate_tokens(io.StringIO(header).readline))
    opening = next((n + 1 for n, t in enumerate(tokens) if t.string == "with"), len(tokens))
    if opening >= len(tokens) or tokens[opening].string != "(":
        return None
    depth, inside = 0, None
    for number, token in enumerate(tokens[opening:], opening):
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
            if depth == 0:
                after = tokens[number + 1] if number + 1 < len(tokens) else None
                return inside if after is not None and after.string == ":" else None
        elif depth == 1 and token.string == "as" and inside is None:
            inside = token.start
    return None


def _starred_returns(source: str | bytes, nodes: list[ast.AST], filename: str) -> None:
    """Before Python 3.8 a `return` or `yield` of a tuple with a starred item needs the
    tuple's parentheses (`return (*rows, total)`), which `ast`'s `feature_version` does
    not check."""
    lines: list[bytes] | None = None  # (split once, only for a module that has such a tuple)
    for node in nodes:
        if (
            isinstance(node, ast.Return | ast.Yield)
            and isinstance(node.value, ast.Tuple)
            and any(isinstance(item, ast.Starred) for item in node.value.elts)
        ):
            lines = lines or _text(source).encode().splitlines(keepends=True)
            if not _parenthesized(lines, node.value):
                raise _error_at(
                    "a starred item in an unparenthesized tuple after `return` or `yield` is "
                    "only supported in Python 3.8 and greater",
                    filename,
                    node.value.lineno,
                    node.value.col_offset,
                )


def _parenthesized(lines: list[bytes], node: ast.expr) -> bool:
    """Whether the parentheses `node` starts with close at its end (`(*a, b)`, not
    `(a), *b`); `lines` are the module's, as UTF-8 (`ast`'s columns count bytes)."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    if lines[first][node.col_offset : node.col_offset + 1] != b"(":
        return False
    if first == last:
        segment = lines[first][node.col_offset : node.end_col_offset]
    else:
        middle = b"".join(lines[first + 1 : last])
        segment = lines[first][node.col_offset :] + middle + lines[last][: node.end_col_offset]
    try:
        readline = io.StringIO(segment.decode("utf-8", "replace")).readline
        tokens = [t for t in tokenize.generate_tokens(readline) if t.type == tokenize.OP]
    except (tokenize.TokenError, SyntaxError):
        return True  # (not read: left alone)
    depth = 0
    for number, token in enumerate(tokens):
        depth += token.string in "([{"
        depth -= token.string in ")]}"
        if depth == 0:
            return number == len(tokens) - 1
    return False


def _fstring_novelties(
    source: str | bytes, nodes: list[ast.AST], filename: str, python: tuple[int, int]
) -> None:
    """What an f-string may hold from Python 3.12 on (the same quotes inside, a backslash
    or a comment in an expression) and from 3.8 on (`{x=}`): `ast` of 3.12 and later reads
    them in every grammar, and only its tokens show them (f-strings are tokenized from 3.12
    on; hydro on 3.10 or 3.11 leaves them to its parser and `feature_version`)."""
    if sys.version_info < (3, 12) or not any(isinstance(n, ast.JoinedStr) for n in nodes):
        return
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(_text(source)).readline))
    except (tokenize.TokenError, SyntaxError):
        return
    opened: list[str] = []  # the quotes of the f-strings the token is in
    start, end = getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -1)
    for number, token in enumerate(tokens):
        newer = None
        if token.type in (start, tokenize.STRING) and opened:
            quote = token.string.lstrip("bBfFrRuU")
            if python < (3, 12) and any(quote.startswith(q) for q in opened):
                newer = ("the same quotes inside an f-string", (3, 12))
            elif python < (3, 12) and token.type == tokenize.STRING and "\\" in token.string:
                newer = ("a backslash in an f-string's expression", (3, 12))
        elif token.type == tokenize.COMMENT and opened and python < (3, 12):
            newer = ("a comment in an f-string's expression", (3, 12))
        elif (
            token.string == "="
            and opened
            and python < (3, 8)
            and number + 1 < len(tokens)
            and tokens[number + 1].string in ("}", "!", ":")
        ):
            newer = ("`=` in an f-string's replacement field", (3, 8))
        if newer is not None:
            message = "{} is only supported in Python {}.{} and greater".format(newer[0], *newer[1])
            raise _error_at(message, filename, *token.start)
        if token.type == start:
            quote = token.string.lstrip("bBfFrRuU")
            opened.append(quote if len(quote) == 3 else quote[0])
        elif token.type == end:
            opened.pop()


def _no_newer_than_37(tree: ast.Module, filename: str) -> None:
    """What Python 3.8's grammar added that `ast` of 3.9's grammar reads: `:=`, and
    parameters before `/`."""
    newer = [
        (
            node,
            "Assignment expressions"
            if isinstance(node, ast.NamedExpr)
            else "Positional-only parameters",
        )
        for node in ast.walk(tree)
        if isinstance(node, ast.NamedExpr)
        or (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            and node.args.posonlyargs
        )
    ]
    if newer:
        node, what = min(newer, key=lambda found: _place(found[0]))
        message = f"{what} are only supported in Python 3.8 and greater"
        raise _error_at(message, filename, *_place(node))


def _only_dotted_decorators(nodes: list[ast.AST], filename: str) -> None:
    """Before Python 3.9 (PEP 614) a decorator is a dotted name, or a call of one
    (`@app.route("/")`): `ast`'s `feature_version` does not check it."""
    others = [
        decorator
        for node in nodes
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for decorator in node.decorator_list
        if not _dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator)
    ]
    if others:
        message = (
            "a decorator other than a dotted name or a call of one is new in Python 3.9 (PEP 614)"
        )
        raise _error_at(message, filename, *min(map(_place, others)))


def _error_at(message: str, filename: str, line: int, column: int) -> SyntaxError:
    """A SyntaxError as the parser raises them, at a 0-based `column`."""
    error = SyntaxError(message)
    error.filename, error.lineno, error.offset = filename, line, column + 1
    return error


def _place(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _text(source: str | bytes) -> str:
    return source.decode("utf-8", "replace") if isinstance(source, bytes) else source


def _dotted_name(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def compile_error(
    tree: ast.Module,
    nodes: list[ast.AST],
    filename: str = "<unknown>",
    python: tuple[int, int] | None = None,
) -> SyntaxError | None:
    """What Python `python` (hydro's own when None) rejects when it compiles the module
    `tree` (`nodes`: it walked): `return` outside a function, a misplaced
    `from __future__` import, `nonlocal` with nothing to bind, a duplicate argument, ... All
    are SyntaxErrors at import that `ast.parse` lets through. Errors only some Pythons
    raise count for the Pythons that raise them; an error of hydro's compiler's own limits
    (recursion) is not the runtime's and is not reported."""
    if python is not None and python < (3, 8):
        error = _continue_in_finally(nodes, filename)
        if error is not None:
            return error
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:  # (the tree, not the source again: parsing many f-strings takes seconds)
            compile(tree, filename, "exec", dont_inherit=True)
        except SyntaxError as error:
            return error if _raised_by(error, python) else None
        except (ValueError, RecursionError, MemoryError):
            return None
    return None


def _deep_chain_guard(source: str | bytes, filename: str) -> None:
    """Raises RecursionError for a chain too deep to import (and for Python 3.10's
    `ast.parse` to survive). Compiling checks depth before anything it raises SyntaxError
    for after parsing, and where parsing fails `ast.parse` fails before it builds objects:
    so a SyntaxError here is left to `ast.parse` and `compile_error` to report."""
    with contextlib.suppress(SyntaxError, ValueError):
        compile(source, filename, "exec", dont_inherit=True)


def _raised_by(error: SyntaxError, python: tuple[int, int] | None) -> bool:
    if python is None:
        return True
    for start, (first, last) in _RAISED_BY.items():
        if error.msg.startswith(start):
            return (first is None or python >= first) and (last is None or python <= last)
    return True


def _continue_in_finally(nodes: list[ast.AST], filename: str) -> SyntaxError | None:
    """Before Python 3.8 a `continue` in a `finally` clause (not in a loop of its own) is a
    SyntaxError, which the newer compiler hydro runs does not raise."""
    found: list[ast.Continue] = []
    blocks = [node.finalbody for node in nodes if isinstance(node, ast.Try)]
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
    message = "'continue' not supported inside 'finally' clause"
    return _error_at(message, filename, *min(map(_place, found)))


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
        line, column = min(map(_place, nodes))
        error.lineno, error.offset = line, column + 1


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
