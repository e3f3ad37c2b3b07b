"""Names of the standard library that func_main.py takes when the runtime imports it, against
the Python the runtime runs (`standard_library.NAMES_ADDED` holds when each came).

What runs at import is read: the module's imports, and the expressions of its statements
and of its classes' bodies (decorators, defaults, assigned values, base classes,
annotations unless `from __future__ import annotations` postpones them). Function bodies
run later; blocks under `if`, `try`, `with` or a loop are left out, since the author may
have chosen there by version (`if sys.version_info >= (3, 8):`, `except ImportError:`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from ....diagnostics import Finding
from .annotations import dotted, function_annotations, imported_names, is_future_annotations
from .image_rules import NAME_NEEDS_NEWER_PYTHON
from .images import Image, if_import_fails
from .runtime import Code, Module, _at
from .standard_library import NAMES_ADDED

#: The top-level packages of the modules that gained names.
_GAINING = frozenset(module.partition(".")[0] for module in NAMES_ADDED)

#: What a failing name raises at import, by how the code takes it.
_RAISED = {ast.ImportFrom: "ImportError", ast.Import: "ModuleNotFoundError"}


class Taken(NamedTuple):
    """A name of the standard library that the code takes at import."""

    node: ast.AST  # the import or the attribute
    module: str
    name: str
    since: tuple[int, int]


def check_library_names(
    code: Code, python: tuple[int, int] | None, image: Image | None
) -> Iterator[Finding]:
    """Each name the code takes at import that the runtime's Python (`python`) lacks, at
    its first use."""
    if python is None:
        return
    shown = "{}.{}".format(*python)
    for taken in code.module.derived(_taken_at_import):
        if python >= taken.since:
            continue
        raised = _RAISED.get(type(taken.node), "AttributeError")
        since = "{}.{}".format(*taken.since)
        hint = (
            "import it from `typing_extensions`, adding that to the requirements, or choose "
            f"a runtime image of Python {since} or newer"
            if taken.module == "typing"
            else f"choose a runtime image of Python {since} or newer, or do without it"
        )
        yield _at(
            code,
            NAME_NEEDS_NEWER_PYTHON,
            taken.node,
            f"`{taken.module}.{taken.name}` is new in Python {since}: Python {shown}, the "
            f"runtime's, raises {raised} when it imports func_main" + if_import_fails(image),
            hint,
        )


def _taken_at_import(module: Module) -> list[Taken]:
    """The names of `NAMES_ADDED` the module takes at import, each at its first place in
    the source."""
    body = module.tree.body
    bound = {
        name: dotted_name
        for name, dotted_name in imported_names(body).items()
        if dotted_name.partition(".")[0] in _GAINING
    }  # (empty for most modules: no expression then needs reading)
    postponed = any(is_future_annotations(node) for node in body)
    found: dict[tuple[str, str], Taken] = {}
    statements = list(body)
    while statements:
        statement = statements.pop()
        if isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
            for alias in statement.names:
                _note(found, statement, f"{statement.module}.{alias.name}")
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                _note(found, statement, alias.name)
        elif isinstance(statement, ast.ClassDef):
            statements.extend(statement.body)
            for expression in _class_expressions(statement):
                _note_attributes(found, expression, bound)
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            for expression in _function_expressions(statement, postponed):
                _note_attributes(found, expression, bound)
        elif not isinstance(statement, _BLOCKS):
            evaluated: list[ast.AST | None] = [statement]
            if isinstance(statement, ast.AnnAssign) and postponed:
                evaluated = [statement.target, statement.value]
            for node in filter(None, evaluated):
                _note_attributes(found, node, bound)
    return sorted(found.values(), key=lambda taken: _place(taken.node))


#: Statements whose blocks may not run, or run guarded.
_BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While, ast.Match)
_BLOCKS += (ast.TryStar,) if hasattr(ast, "TryStar") else ()


def _note(found: dict[tuple[str, str], Taken], node: ast.AST, dotted: str) -> None:
    """Notes `dotted` (`typing.Literal`, `importlib.metadata.version`) where any of its
    modules lacks the next part in some Python."""
    parts = dotted.split(".")
    for end in range(1, len(parts)):
        module, name = ".".join(parts[:end]), parts[end]
        since = NAMES_ADDED.get(module, {}).get(name)
        if since is not None:
            key = (module, name)
            earlier = found.get(key)
            if earlier is None or _place(node) < _place(earlier.node):
                found[key] = Taken(node, module, name, since)
            return


def _place(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _note_attributes(
    found: dict[tuple[str, str], Taken], expression: ast.AST, bound: dict[str, str]
) -> None:
    """Notes each `module.name` in `expression` whose module the code imported, but in the
    bodies of lambdas (they run when called) and where a test chooses whether it runs
    (`typing.Literal if hasattr(typing, "Literal") else str`, `… and typing.Literal`)."""
    waiting = [expression] if bound else []
    while waiting:
        node = waiting.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.IfExp):
            waiting.append(node.test)
            continue
        if isinstance(node, ast.BoolOp):
            waiting.append(node.values[0])
            continue
        if isinstance(node, ast.Attribute) and (taken := dotted(node, bound)) is not None:
            _note(found, node, taken)
        waiting.extend(ast.iter_child_nodes(node))


def _class_expressions(statement: ast.ClassDef) -> list[ast.expr]:
    return [*statement.decorator_list, *statement.bases, *(k.value for k in statement.keywords)]


def _function_expressions(
    statement: ast.FunctionDef | ast.AsyncFunctionDef, postponed: bool
) -> list[ast.expr]:
    """What a `def` evaluates when it runs: decorators, defaults, and annotations unless
    they are postponed."""
    arguments = statement.args
    expressions = [*statement.decorator_list, *arguments.defaults]
    expressions += [default for default in arguments.kw_defaults if default is not None]
    return expressions + ([] if postponed else function_annotations(statement))
