"""What Python's compiler rejects in a module that parsed, as the runtime's Python would.

Importing compiles the module: `return` outside a function, a misplaced `from __future__`
import, `nonlocal` with nothing to bind, a duplicate argument... are SyntaxErrors at
import that `ast.parse` lets through. Compiling the tree runs none of it.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator

from .python_grammar import COMPREHENSIONS, SCOPES, error_at, own_nodes, start_of

#: Errors the compiler of only some Pythons raises (read in CPython 3.6 to 3.13): the
#: message's start, the first Python that raises it and the last (None: no bound).
_RAISED_BY: dict[str, tuple[tuple[int, int] | None, tuple[int, int] | None]] = {
    "'yield' inside": ((3, 8), None),  # a comprehension or generator expression
    "too many statically nested blocks": (None, (3, 12)),
}

#: How many code objects (functions, lambdas, classes, comprehensions) a module compiled
#: holds at most: CPython before 3.12 takes time quadratic in the number of alike ones
#: (`y = lambda: 1` 16,000 times: 5 s on 3.11; 3,000: 0.2 s), and a func_main.py of 2 MiB
#: can hold 150,000.
_COMPILED_UP_TO = 3_000
_CODE_OBJECTS = frozenset(SCOPES + COMPREHENSIONS)


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
    (recursion) is not the runtime's and is not reported. A module of more functions,
    lambdas, classes and comprehensions than `_COMPILED_UP_TO` is not compiled (the errors
    read from the tree are still found)."""
    if python is not None and python < (3, 11):
        error = _async_comprehension_nested(tree, nodes, filename, python)
        if python < (3, 8):
            error = error or _continue_in_finally(nodes, filename)
            error = error or _annotated_global(tree, nodes, filename)
        if error is not None:
            return error
    if sum(type(node) in _CODE_OBJECTS for node in nodes) > _COMPILED_UP_TO:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:  # (the tree, not the source again: parsing many f-strings takes seconds)
            compile(tree, filename, "exec", dont_inherit=True)
        except SyntaxError as error:
            return error if _raised_by(error, python) else None
        except (ValueError, RecursionError, MemoryError):
            return None
    return None


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
    return error_at(message, filename, *min(map(start_of, found)))


def _async_comprehension_nested(
    tree: ast.Module, nodes: list[ast.AST], filename: str, python: tuple[int, int]
) -> SyntaxError | None:
    """Before Python 3.11 an asynchronous comprehension (an `async for` or an `await` in it)
    compiles in an asynchronous function or in a comprehension asynchronous itself, not in
    another comprehension (`[[y async for y in x] for x in xs]`); the newer compiler hydro
    runs allows it. Before 3.7 the same holds for a generator expression, which 3.7 let stand
    anywhere."""
    if not any(
        type(node) is ast.Await or (type(node) is ast.comprehension and node.is_async)
        for node in nodes
    ):
        return None
    scopes = [tree, *(node for node in nodes if isinstance(node, SCOPES + COMPREHENSIONS))]
    failing = [
        comprehension
        for scope in scopes
        if not _asynchronous(scope)
        for comprehension in own_nodes(scope, COMPREHENSIONS)
        if _asynchronous(comprehension)
        and (
            python < (3, 7)
            or (
                isinstance(scope, COMPREHENSIONS)
                and not isinstance(comprehension, ast.GeneratorExp)
            )
        )
    ]
    if not failing:
        return None
    message = "asynchronous comprehension outside of an asynchronous function"
    if python >= (3, 7):
        message += (
            " (it stands in a comprehension that is not asynchronous: Python 3.11 allows that)"
        )
    return error_at(message, filename, *min(map(start_of, failing)))


def _asynchronous(scope: ast.AST) -> bool:
    if isinstance(scope, COMPREHENSIONS):
        return any(g.is_async for g in scope.generators) or bool(own_nodes(scope, ast.Await))
    return isinstance(scope, ast.AsyncFunctionDef)


def _annotated_global(tree: ast.Module, nodes: list[ast.AST], filename: str) -> SyntaxError | None:
    """Before Python 3.8 an annotated assignment at the module's level to a name a `global`
    statement before it declared (in any function) is a SyntaxError (`x: int = 1` after
    `def f(): global x`), which the newer compiler hydro runs does not raise."""
    declared = {
        name: start_of(node)
        for node in reversed(nodes)  # (the first place of each name wins)
        if isinstance(node, ast.Global)
        for name in node.names
    }
    if not declared:
        return None
    found = [
        statement
        for statement in _module_level(tree.body)
        if isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and statement.target.id in declared
        and declared[statement.target.id] < start_of(statement)
    ]
    if not found:
        return None
    first = min(found, key=start_of)
    assert isinstance(first.target, ast.Name)
    message = f"annotated name '{first.target.id}' can't be global"
    return error_at(message, filename, *start_of(first))


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of the module's own scope: in its blocks, not in functions or classes."""
    waiting = list(body)
    while waiting:
        statement = waiting.pop()
        yield statement
        if not isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for block in _blocks_in(statement):
                waiting.extend(block)


def _blocks_in(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists directly in `statement` (an `if`'s branches, a `try`'s handlers)."""
    for _, value in ast.iter_fields(statement):
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
        elif isinstance(value, list):
            yield from (item.body for item in value if isinstance(item, ast.ExceptHandler))
