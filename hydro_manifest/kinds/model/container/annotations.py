"""Annotations that Python evaluates when the runtime imports func_main.py, written in a form
only a newer Python than the runtime's evaluates.

A function's annotations are evaluated when its `def` runs, and a module's or class body's
variable annotations when the statement runs (the language reference, "Function
definitions" and "Annotated assignment statements"): for the module's own functions and
classes, that is at import. `list[float]` and `collections.abc.Sequence[int]` need Python
3.9 (PEP 585), `int | None` 3.10 (PEP 604); an older Python raises TypeError, and the
import fails with it. `from
__future__ import annotations` (PEP 563, Python 3.7) stops the evaluation, and is itself a
syntax error before 3.7.

Only what runs at import is read: the module's statements and its classes' bodies, not the
bodies of functions (their inner annotations are evaluated when they run), nor blocks
under `if TYPE_CHECKING:` or a test of `sys.version_info`. A `|` is judged where every
operand is a class of metaclass `type` (built-in, or the module's own `class A:`), `None`,
an object of `typing` or a generic of these: another class's metaclass may define `|`.
Only the standard library's classes of PEP 585 made generic are judged.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from ....diagnostics import Finding
from .image_rules import ANNOTATION_NEEDS_NEWER_PYTHON
from .images import Image, if_import_fails
from .runtime import Code, Module, _at

#: Built-in classes that `[…]` makes generic from Python 3.9 (PEP 585), with the `typing`
#: name to write instead.
_TYPING_NAMES = {"list": "List", "dict": "Dict", "tuple": "Tuple", "set": "Set",
                 "frozenset": "FrozenSet", "type": "Type"}  # fmt: skip
_GENERIC = frozenset(_TYPING_NAMES)
#: Standard-library classes that `[…]` makes generic from Python 3.9 (PEP 585), by module,
#: with the `typing` name to write instead.
_ABCS = ("Awaitable", "Coroutine", "AsyncIterable", "AsyncIterator", "AsyncGenerator",
         "Iterable", "Iterator", "Generator", "Reversible", "Container", "Collection",
         "Callable", "MutableSet", "Mapping", "MutableMapping", "Sequence", "MutableSequence",
         "ByteString", "MappingView", "KeysView", "ItemsView", "ValuesView")  # fmt: skip
_STANDARD_GENERIC = {
    "collections.abc": {**{name: name for name in _ABCS}, "Set": "AbstractSet"},
    "collections": {"deque": "Deque", "defaultdict": "DefaultDict", "OrderedDict": "OrderedDict",
                    "Counter": "Counter", "ChainMap": "ChainMap"},
    "re": {"Pattern": "Pattern", "Match": "Match"},
    "contextlib": {"AbstractContextManager": "ContextManager",
                   "AbstractAsyncContextManager": "AsyncContextManager"},
}  # fmt: skip
#: Built-in classes that `|` joins from Python 3.10 (PEP 604), besides `None`.
_CLASSES = _GENERIC | {"int", "float", "complex", "str", "bytes", "bytearray", "bool", "object"}
#: How long an annotation is quoted in a message.
_SHOWN = 60


class Newer(NamedTuple):
    """A part of an annotation that needs a newer Python than some runtimes have."""

    node: ast.AST
    needs: tuple[int, int]
    what: str  # what it does, to complete "… needs Python 3.x"
    instead: str  # what to write instead, beside the future import


class _Names(NamedTuple):
    """What the module's names stand for, as far as joining them with `|` goes."""

    classes: frozenset[str]  # classes whose metaclass is `type`: built-in or the module's own
    imported: dict[str, str]  # the module's top-level imports, dotted


def check_annotations(
    code: Code, python: tuple[int, int] | None, image: Image | None
) -> Iterator[Finding]:
    """Each annotation evaluated at import that the runtime's Python (`python`) cannot
    evaluate, at its first part that needs a newer one."""
    if python is None:
        return
    for parts in code.module.derived(_evaluated_at_import):
        part = next((part for part in parts if python < part.needs), None)
        if part is None:
            continue
        shown = _shown(part.node)
        version = "{}.{}".format(*python)
        if isinstance(part.node, ast.ImportFrom):
            failure = f"Python {version}, the runtime's, cannot compile func_main.py"
        else:
            failure = (
                f"Python {version}, the runtime's, evaluates it when it imports func_main "
                "and raises TypeError"
            )
        yield _at(
            code,
            ANNOTATION_NEEDS_NEWER_PYTHON,
            part.node,
            f"{shown} {part.what} needs Python {'{}.{}'.format(*part.needs)}: {failure}"
            + if_import_fails(image),
            part.instead,
        )


def _shown(node: ast.AST) -> str:
    """The part as the message quotes it, shortened; one too deep to write back (a union
    of a thousand terms) by its kind."""
    try:
        shown = ast.unparse(node)
    except RecursionError:
        return "a union too long to quote" if isinstance(node, ast.BinOp) else "a generic"
    return f"`{shown}`" if len(shown) <= _SHOWN else f"`{shown[: _SHOWN - 1]}…`"


def _evaluated_at_import(module: Module) -> list[list[Newer]]:
    """For each annotation evaluated at import, its parts that need a newer Python, in the
    order of the source."""
    body = module.tree.body
    future = next((node for node in body if is_future_annotations(node)), None)
    if future is not None:
        return [[Newer(future, (3, 7), "(postponed annotations, PEP 563)", _NO_FUTURE)]]
    own = set(module.top_level)  # a module that defines `list` or `int` means its own
    names = _names(module, own, imported_names(body))
    found = [_newer(annotation, own, names) for annotation in _annotations(body)]
    return [parts for parts in found if parts]


_NO_FUTURE = (
    "remove it and write annotations Python 3.6 evaluates (`typing.List[…]`), or choose a "
    "runtime image of Python 3.7 or newer"
)


def is_future_annotations(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
    )


def _annotations(body: list[ast.stmt]) -> Iterator[ast.expr]:
    """The annotations the statements evaluate when they run at import."""
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from function_annotations(statement)
        elif isinstance(statement, ast.ClassDef):
            yield from _annotations(statement.body)
        elif isinstance(statement, ast.AnnAssign):
            yield statement.annotation
        elif isinstance(statement, ast.If):
            names = {node.id for node in ast.walk(statement.test) if isinstance(node, ast.Name)}
            names |= {n.attr for n in ast.walk(statement.test) if isinstance(n, ast.Attribute)}
            if "version_info" in names:
                continue  # the author chose by version
            if "TYPE_CHECKING" not in names:
                yield from _annotations(statement.body)
            yield from _annotations(statement.orelse)
        elif isinstance(statement, ast.Try):
            for block in (statement.body, statement.orelse, statement.finalbody):
                yield from _annotations(block)
            for handler in statement.handlers:
                yield from _annotations(handler.body)
        elif isinstance(statement, ast.With | ast.For | ast.While):
            yield from _annotations(statement.body)
            yield from _annotations(getattr(statement, "orelse", []))


def function_annotations(statement: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    """The annotations a `def` evaluates when it runs (unless they are postponed)."""
    arguments = statement.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    found = [a.annotation for a in every if a.annotation is not None]
    return found + ([statement.returns] if statement.returns is not None else [])


def dotted(node: ast.AST, imported: dict[str, str]) -> str | None:
    """What a name or attribute chain stands for through the module's imports (`abc.Set`
    after `from collections import abc`: `collections.abc.Set`); None for other names."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in imported:
        return None
    return ".".join([imported[node.id], *reversed(parts)])


def imported_names(body: list[ast.stmt]) -> dict[str, str]:
    """What each name the module's top-level imports bind stands for, dotted: `abc` for
    `collections.abc` after `from collections import abc`."""
    names = {}
    for node in body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                names[bound] = alias.name if alias.asname else bound
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _standard_generic(node: ast.AST, imported: dict[str, str]) -> tuple[str, str] | None:
    """`Sequence[int]` after `from collections.abc import Sequence` (or
    `collections.abc.Sequence[int]`, `re.Pattern[str]`): the class, dotted, and its name in
    `typing`."""
    generic = dotted(node.value, imported) if isinstance(node, ast.Subscript) else None
    if generic is None:
        return None
    module, _, name = generic.rpartition(".")
    typing_name = _STANDARD_GENERIC.get(module, {}).get(name)
    return None if typing_name is None else (generic, typing_name)


def _newer(annotation: ast.expr, own: set[str], names: _Names) -> list[Newer]:
    """The parts of an annotation that need Python 3.9 or 3.10, in the order of the source
    (of `a | b | c`, the whole)."""
    parts = []
    joined = {
        id(side)
        for node in ast.walk(annotation)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)
        for side in (node.left, node.right)
    }
    for node in ast.walk(annotation):
        if _builtin_generic(node, own):
            assert isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
            parts.append(
                Newer(
                    node,
                    (3, 9),
                    f"(the built-in `{node.value.id}` made generic, PEP 585)",
                    "add `from __future__ import annotations` as the module's first "
                    f"statement, or write `typing.{_TYPING_NAMES[node.value.id]}[…]`",
                )
            )
        elif (standard := _standard_generic(node, names.imported)) is not None:
            parts.append(
                Newer(
                    node,
                    (3, 9),
                    f"(`{standard[0]}` made generic, PEP 585)",
                    "add `from __future__ import annotations` as the module's first "
                    f"statement, or write `typing.{standard[1]}[…]`",
                )
            )
        elif isinstance(node, ast.BinOp) and id(node) not in joined and _is_union(node, own, names):
            parts.append(
                Newer(
                    node,
                    (3, 10),
                    "(types joined with `|`, PEP 604)",
                    "add `from __future__ import annotations` as the module's first "
                    "statement, or write `typing.Optional[…]` or `typing.Union[…]`",
                )
            )
    return sorted(parts, key=_in_the_source)


def _in_the_source(part: Newer) -> tuple[int, int, tuple[int, int]]:
    """Where the part starts; of two that start alike (`list[int] | None`), the one the
    older Python fails on first."""
    return part.node.lineno, part.node.col_offset, part.needs  # type: ignore[attr-defined]


def _builtin_generic(node: ast.AST, own: set[str]) -> bool:
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id in _GENERIC
        and node.value.id not in own
    )


def _is_union(union: ast.expr, own: set[str], names: _Names) -> bool:
    """`a | b` of operands none of which Python 3.9 can join: built-in classes, the module's
    own plain classes, `None`, `typing`'s objects, generics of these and such unions.
    (Without recursion: a union may join a thousand terms.)"""
    waiting = [union]
    while waiting:
        node = waiting.pop()
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, ast.BitOr):
                return False
            waiting += (node.left, node.right)
        elif isinstance(node, ast.Constant):
            if node.value is not None:
                return False
        elif isinstance(node, ast.Subscript):
            if not (
                _builtin_generic(node, own)
                or _standard_generic(node, names.imported)
                or _cannot_join(node.value, names)
            ):
                return False
        elif not _cannot_join(node, names):
            return False
    return True


def _names(module: Module, own: set[str], imported: dict[str, str]) -> _Names:
    plain = {name for name, node in module.top_level.items() if _plain_class(node)}
    return _Names(frozenset((_CLASSES - own) | plain), imported)


def _plain_class(node: ast.AST) -> bool:
    """A class statement that makes a class of metaclass `type`: no decorator (it could
    return anything), no keywords, no base but `object`."""
    return (
        isinstance(node, ast.ClassDef)
        and not node.decorator_list
        and not node.keywords
        and all(isinstance(base, ast.Name) and base.id == "object" for base in node.bases)
    )


def _cannot_join(node: ast.AST, names: _Names) -> bool:
    """A class of metaclass `type` or an object of `typing`: before Python 3.10 neither
    defines `|` (PEP 604 added it to both)."""
    if isinstance(node, ast.Name) and node.id in names.classes:
        return True
    return (dotted(node, names.imported) or "").startswith("typing.")
