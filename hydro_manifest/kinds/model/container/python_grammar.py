"""Python source read with `ast`, as the Python that will import it reads it, and quietly.

The parser's warnings (`SyntaxWarning: invalid escape sequence` on Python 3.12 and later)
are about the user's code, not hydro's output: printed they would litter the report, and
under `-W error` or `PYTHONWARNINGS=error` they would turn into a false syntax error.
What importing rejects after parsing succeeded is `python_compile`'s.
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys
import tokenize
import warnings

#: The oldest grammar every Python hydro runs on can stand in for (`ast.parse`'s
#: `feature_version` goes no lower from Python 3.13 on).
OLDEST_GRAMMAR = (3, 7)


#: On Python 3.10 `ast.parse` crashes the process (C stack overflow while building the tree's
#: objects) on a chain of some 150,000 operators, which fits in a func_main.py hydro reads;
#: the compiler's symbol table raises RecursionError instead, from about 3,000 on, as every
#: Python from 3.6 to 3.12 does on import. Fewer characters than this cannot hold such a chain.
_CHAIN_GUARD_FROM = 6_000

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
            if python is not None and python < (3, 7) and _names_of_old(source):
                with contextlib.suppress(
                    SyntaxError, ValueError, RecursionError, MemoryError, tokenize.TokenError
                ):
                    return _parsed(_names_before_37(source), filename, version)
            construct = next((c for m, c in _NEWER.items() if error.msg.startswith(m)), None)
            if construct is not None and hasattr(ast, construct):
                _place_at_first(error, source, getattr(ast, construct))
            elif "codec can't decode" in error.msg and isinstance(source, bytes):
                _place_at_undecodable(error, source)
            raise
    return tree


#: `async` and `await` spelt as other names of as many bytes (`ast` counts columns in bytes).
_RENAMED = {"async": "asy\u00f1", "await": "awa\u00f1"}


def _names_of_old(source: str | bytes) -> bool:
    text = _text(source)
    return "async" in text or "await" in text


def _names_before_37(source: str | bytes) -> str:
    """The module with `async` and `await` renamed where Python 3.6 and older read them as
    names: outside the lines of an `async def` (`def fetch(async=False):`). From 3.7 they
    are keywords, and `ast` reads no older grammar. (An `async` before `def` stays.)"""
    text = _text(source)
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    renamed: list[tuple[int, int]] = []  # (line, column) of each name to rename
    depth, block, starting = 0, -1, False  # block: the depth of the `async def` being read
    for number, token in enumerate(tokens):
        if token.type == tokenize.INDENT:
            depth += 1
        elif token.type == tokenize.DEDENT:
            depth -= 1
        elif token.type == tokenize.NEWLINE:
            starting = True
        elif token.type not in (tokenize.NL, tokenize.COMMENT):
            if starting and block >= 0 and depth <= block:
                block = -1  # the line is no longer in the `async def`
            starting = False
            following = tokens[number + 1].string if number + 1 < len(tokens) else ""
            if token.string == "async" and following == "def" and block < 0:
                block = depth
            elif token.type == tokenize.NAME and token.string in _RENAMED and block < 0:
                renamed.append(token.start)
    lines = io.StringIO(text).readlines()  # (as `tokenize` read them: not at form feeds)
    for line, column in renamed:
        word = lines[line - 1][column : column + 5]
        lines[line - 1] = lines[line - 1][:column] + _RENAMED[word] + lines[line - 1][column + 5 :]
    return "".join(lines)


def newer_syntax(
    source: str | bytes, nodes: list[ast.AST], filename: str, python: tuple[int, int]
) -> None:
    """Raises at syntax newer than Python `python` that `ast` reads alike in every grammar
    (`nodes`: the module's tree, walked): decorators of any expression and `as` inside
    parentheses around a `with` statement's managers (3.9), a starred item in an
    unparenthesized `return` tuple (3.8), the expressions `_newer_expressions` finds,
    what f-strings hold from 3.8 and 3.12 on, and what Python 3.6 added to 3.5's grammar."""
    lines = _text(source).encode().splitlines(keepends=True)  # (`ast`'s columns count bytes)
    if python < (3, 6):
        _newer_than_35(lines, nodes, filename)
    if python < (3, 9):
        _only_dotted_decorators(nodes, filename)
        _as_in_parenthesized_with(source, nodes, filename)
    if python < (3, 8):
        _starred_returns(lines, nodes, filename)
    if python < (3, 11):
        _newer_expressions(lines, nodes, filename, python)
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
            raise error_at(message, filename, node.lineno + place[0] - 1, place[1])


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


def _starred_returns(lines: list[bytes], nodes: list[ast.AST], filename: str) -> None:
    """Before Python 3.8 a `return` or `yield` of a tuple with a starred item needs the
    tuple's parentheses (`return (*rows, total)`), which `ast`'s `feature_version` does
    not check (`lines`: the module's, as UTF-8)."""
    for node in nodes:
        if (
            isinstance(node, ast.Return | ast.Yield)
            and isinstance(node.value, ast.Tuple)
            and _first_starred(node.value.elts) is not None
            and not _parenthesized(lines, node.value)
        ):
            raise error_at(
                "a starred item in an unparenthesized tuple after `return` or `yield` is "
                "only supported in Python 3.8 and greater",
                filename,
                node.value.lineno,
                node.value.col_offset,
            )


def _newer_expressions(
    lines: list[bytes], nodes: list[ast.AST], filename: str, python: tuple[int, int]
) -> None:
    """Raises at the first expression newer than Python `python` that `ast` reads alike in
    every grammar: a starred item in an unparenthesized tuple after `for … in`, an
    unparenthesized `:=` as an item of a set (3.9) or as a subscript (3.10), a starred item
    in a subscript or in the annotation of `*args` (3.11, PEP 646)."""
    found: list[tuple[ast.AST, str, tuple[int, int]]] = []
    for node in nodes:
        if type(node) not in _HOLDING_NEWER:
            continue  # (most nodes: one look-up rather than five `isinstance`)
        if isinstance(node, ast.For | ast.AsyncFor) and isinstance(node.iter, ast.Tuple):
            starred = _first_starred(node.iter.elts)
            if starred is not None and not _parenthesized(lines, node.iter):
                what = "a starred item in an unparenthesized tuple after `for … in` is"
                found.append((starred, what, (3, 9)))
        elif isinstance(node, ast.Set):
            what = "an unparenthesized `:=` as an item of a set is"
            found += [(item, what, (3, 9)) for item in _bare_walruses(lines, node.elts, node)]
        elif isinstance(node, ast.SetComp):
            what = "an unparenthesized `:=` as a set comprehension's item is"
            found += [(item, what, (3, 9)) for item in _bare_walruses(lines, [node.elt], node)]
        elif isinstance(node, ast.Subscript):
            index = node.slice
            if isinstance(index, ast.Tuple) and _parenthesized(lines, index):
                continue
            items = index.elts if isinstance(index, ast.Tuple) else [index]
            what = "an unparenthesized `:=` in a subscript is"
            found += [(item, what, (3, 10)) for item in _bare_walruses(lines, items, node.value)]
            starred = _first_starred(items)
            if starred is not None:
                found.append((starred, "a starred item in a subscript is", (3, 11)))
        elif isinstance(node, ast.arg) and isinstance(node.annotation, ast.Starred):
            found.append((node.annotation, "a starred annotation (of `*args`) is", (3, 11)))
    newer = [(start_of(node), what, version) for node, what, version in found if python < version]
    if newer:
        (line, column), what, version = min(newer)
        message = "{} only supported in Python {}.{} and greater".format(what, *version)
        raise error_at(message, filename, line, column)


_HOLDING_NEWER = frozenset({ast.For, ast.AsyncFor, ast.Set, ast.SetComp, ast.Subscript, ast.arg})


def _first_starred(items: list[ast.expr]) -> ast.Starred | None:
    return next((item for item in items if isinstance(item, ast.Starred)), None)


def _bare_walruses(
    lines: list[bytes], items: list[ast.expr], before: ast.AST
) -> list[ast.NamedExpr]:
    """The `:=` among `items` without parentheses of their own; `before` precedes the first
    item: the set, or what a subscript subscripts."""
    bare = []
    after = start_of(before) if isinstance(before, ast.Set | ast.SetComp) else _end(before)
    for item in items:
        if isinstance(item, ast.NamedExpr) and not _opened_between(lines, after, item):
            bare.append(item)
        after = _end(item)
    return bare


def _end(node: ast.AST) -> tuple[int, int]:
    return node.end_lineno or 0, node.end_col_offset or 0  # type: ignore[attr-defined]


def _opened_between(lines: list[bytes], after: tuple[int, int], node: ast.expr) -> bool:
    """Whether a `(` opens between `after` (a line and a column in bytes) and `node`'s start.
    Where `ast` places an expression oddly (inside f-strings, before Python 3.12) it
    counts as opened: the expression is left alone."""
    between = _punctuation(lines, after, start_of(node))
    return between is None or b"(" in between


def _parenthesized(lines: list[bytes], node: ast.Tuple) -> bool:
    """Whether the tuple has parentheses of its own (`(*a, b)`, not `(a), *b`): more of them
    open before its first item than close after it (`ast` places an item inside its
    parentheses, and a tuple that has them around them). Where `ast` places it oddly, it
    counts as parenthesized: the tuple is left alone."""
    if not node.elts:
        return True
    first = node.elts[0]
    following = start_of(node.elts[1]) if len(node.elts) > 1 else _end(node)
    opening = _punctuation(lines, start_of(node), start_of(first))
    closing = _punctuation(lines, _end(first), following)
    if opening is None or closing is None:
        return True
    return opening.count(b"(") > closing.split(b",", 1)[0].count(b")")


def _between(lines: list[bytes], start: tuple[int, int], end: tuple[int, int]) -> bytes | None:
    """The source from `start` to `end` (None where `ast` placed them outside the lines)."""
    first, last = start[0] - 1, end[0] - 1
    if first < 0 or last >= len(lines) or first > last:
        return None
    if first == last:
        return lines[first][start[1] : end[1]]
    middle = b"".join(lines[first + 1 : last])
    return lines[first][start[1] :] + middle + lines[last][: end[1]]


def _source_of(lines: list[bytes], node: ast.AST) -> bytes:
    return _between(lines, start_of(node), _end(node)) or b""


#: What may stand between the items of an expression, besides spaces and comments.
_PUNCTUATION = b"()[{,\\"


def _punctuation(lines: list[bytes], start: tuple[int, int], end: tuple[int, int]) -> bytes | None:
    """The source between `start` and `end` (1-based lines, columns in bytes of `lines`, the
    module's as UTF-8) without spaces and comments, if only brackets and commas stand
    there (None if anything else does: no string, so a `#` starts a comment)."""
    between = _between(lines, start, end)
    if between is None:
        return None
    code = b"".join(line.split(b"#", 1)[0] for line in between.splitlines()).translate(
        None, b" \t\f"
    )
    return code if not code.translate(None, _PUNCTUATION) else None


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
            raise error_at(message, filename, *token.start)
        if token.type == start:
            quote = token.string.lstrip("bBfFrRuU")
            opened.append(quote if len(quote) == 3 else quote[0])
        elif token.type == end:
            opened.pop()


def _newer_than_35(lines: list[bytes], nodes: list[ast.AST], filename: str) -> None:
    """What Python 3.6 added to the grammar ("What's New In Python 3.6"), which hydro reads
    in 3.7's: f-strings (PEP 498), `_` in numbers (PEP 515), annotated variables (PEP 526),
    `yield` in an `async def` (PEP 525) and `async for` or `await` in a comprehension (PEP
    530). The runtime images of hydrosphere 2.1 to 2.3 built one of Python 3.5."""
    found: list[tuple[ast.AST, str]] = []
    for node in nodes:
        if isinstance(node, ast.JoinedStr):
            found.append((node, "f-strings are"))
        elif isinstance(node, ast.AnnAssign):
            found.append((node, "variable annotations are"))
        elif (
            isinstance(node, ast.Constant)
            and type(node.value) in (int, float, complex)
            and b"_" in _source_of(lines, node)
        ):
            found.append((node, "underscores in numeric literals are"))
        elif isinstance(node, ast.AsyncFunctionDef):
            found += [(y, "asynchronous generators are") for y in own_nodes(node, ast.Yield)]
        elif isinstance(node, COMPREHENSIONS) and (
            any(g.is_async for g in node.generators) or own_nodes(node, ast.Await)
        ):
            found.append((node, "asynchronous comprehensions are"))
    if found:
        node, what = min(found, key=lambda item: start_of(item[0]))
        message = f"{what} only supported in Python 3.6 and greater"
        raise error_at(message, filename, *start_of(node))


COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
#: What else has code of its own (a scope; from Python 3.12 comprehensions are inlined, but
#: their `await` and `async for` still belong to them).
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def own_nodes(scope: ast.AST, kinds: type[ast.AST] | tuple[type[ast.AST], ...]) -> list[ast.AST]:
    """The nodes of `kinds` in the code of `scope` (the module, a function, class, lambda or
    comprehension) itself: not inside a function, class or comprehension it holds, but in
    what such a one evaluates where it stands (decorators, defaults, a comprehension's
    first iterable)."""
    waiting = _own_code(scope)
    found = []
    while waiting:
        node = waiting.pop()
        if isinstance(node, kinds):
            found.append(node)
        if isinstance(node, COMPREHENSIONS):
            waiting.append(node.generators[0].iter)
        elif isinstance(node, SCOPES):
            inside = {id(child) for child in _own_code(node)}
            waiting.extend(c for c in ast.iter_child_nodes(node) if id(c) not in inside)
        else:
            waiting.extend(ast.iter_child_nodes(node))
    return found


def _own_code(scope: ast.AST) -> list[ast.AST]:
    """What runs in `scope` itself: a comprehension's parts but its first iterable, a body."""
    if isinstance(scope, COMPREHENSIONS):
        first, *others = scope.generators
        inside = [scope.key, scope.value] if isinstance(scope, ast.DictComp) else [scope.elt]
        return [first.target, *first.ifs, *others, *inside]
    body = scope.body  # type: ignore[attr-defined]
    return list(body) if isinstance(body, list) else [body]


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
        node, what = min(newer, key=lambda found: start_of(found[0]))
        message = f"{what} are only supported in Python 3.8 and greater"
        raise error_at(message, filename, *start_of(node))


_DECORATED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})


def _only_dotted_decorators(nodes: list[ast.AST], filename: str) -> None:
    """Before Python 3.9 (PEP 614) a decorator is a dotted name, or a call of one
    (`@app.route("/")`): `ast`'s `feature_version` does not check it."""
    others = [
        decorator
        for node in nodes
        if type(node) in _DECORATED
        for decorator in node.decorator_list  # type: ignore[attr-defined]
        if not _dotted_name(decorator.func if isinstance(decorator, ast.Call) else decorator)
    ]
    if others:
        message = (
            "a decorator other than a dotted name or a call of one is new in Python 3.9 (PEP 614)"
        )
        raise error_at(message, filename, *min(map(start_of, others)))


def error_at(message: str, filename: str, line: int, column: int) -> SyntaxError:
    """A SyntaxError as the parser raises them, at a 0-based `column`."""
    error = SyntaxError(message)
    error.filename, error.lineno, error.offset = filename, line, column + 1
    return error


def start_of(node: ast.AST) -> tuple[int, int]:
    """Where `node` starts: its line, and its column in bytes."""
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _text(source: str | bytes) -> str:
    return source.decode("utf-8", "replace") if isinstance(source, bytes) else source


def _dotted_name(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _deep_chain_guard(source: str | bytes, filename: str) -> None:
    """Raises RecursionError for a chain too deep to import (and for Python 3.10's
    `ast.parse` to survive). The compiler's symbol table checks depth before anything it
    raises SyntaxError for after parsing, and where parsing fails `ast.parse` fails before
    it builds objects: so a SyntaxError here is left to `ast.parse` and `compile_error` to
    report. (The symbol table alone: compiling a module of many alike functions takes
    time quadratic in their number.)"""
    import symtable

    with contextlib.suppress(SyntaxError, ValueError):
        symtable.symtable(source, filename, "exec")  # type: ignore[arg-type]


def _place_at_first(error: SyntaxError, source: str | bytes, construct: type[ast.AST]) -> None:
    """Moves `error` to the first `construct` of the module, read in hydro's grammar (if
    that grammar reads it: else the parser's place stands)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    nodes = [node for node in ast.walk(tree) if isinstance(node, construct)]
    if nodes:
        line, column = min(map(start_of, nodes))
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
