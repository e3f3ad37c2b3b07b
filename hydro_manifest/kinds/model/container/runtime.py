"""The Python runtime: `func_main.py` as the runtime imports and calls it, read with `ast`.

hydro-serving-python (`src/grpc_service.py`) puts `/model`, `/model/files/src` and
`/model/files/src/lib` on `sys.path`, imports `func_main`, takes the function named by the
contract's signature and calls it as `function(**inputs)`, one array per input, expecting a
mapping of output names back. The module is parsed, never imported or run.
"""

from __future__ import annotations

import ast
import functools
import keyword
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from .... import spec
from ....diagnostics import Finding, Span, Target
from ....diagnostics import Path as DocumentPath
from ....reading.rules import FILE_TOO_LARGE, OUTSIDE_ROOT, READ_ERROR
from ....root import Probe, Root
from ....suggest import closest, did_you_mean
from ...values import mapping
from ..rules import FIELD_NAME
from . import standard_library
from .images import IMPORT_PATH_3, Image, if_import_fails
from .layout import FILES, Container
from .python_compile import compile_error
from .python_grammar import newer_syntax, syntax_tree
from .rules import (
    FUNC_MAIN_MISSING,
    FUNC_MAIN_SYNTAX,
    IMPORT_MISSING,
    MODEL_FILE_MISSING,
    SIGNATURE_FUNCTION,
    SIGNATURE_OUTPUTS,
    SIGNATURE_PARAMETERS,
)

#: The module the runtime imports.
MODULE = "func_main"


def search_of(image: Image | None) -> tuple[str, ...]:
    """The folders the runtime finds the payload's modules in, in `sys.path` order: the
    image's, or 3.x's for a tag hydro has no facts for."""
    return cast(tuple[str, ...], (image.import_path if image else IMPORT_PATH_3).value)


def candidates(search: tuple[str, ...]) -> list[str]:
    """Where the module may be, in the order the runtime's import looks."""
    return [p for f in search for p in (f"{f}/{MODULE}.py", f"{f}/{MODULE}/__init__.py")]


#: A func_main.py larger than this is reported, not parsed.
READ_LIMIT = 2 * 1024 * 1024
#: Packages the Python runtime image installs itself (hydro-serving-python pyproject.toml).
RUNTIME_PACKAGES = frozenset({"grpc", "grpc_health", "hydrosdk", "hydro_serving_grpc", "numpy",
                              "pandas", "docker", "pytest", "google"})  # fmt: skip
#: Distributions whose import name differs from their name (normalized, lowercase).
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "sklearn": ("scikit-learn",),
    "yaml": ("pyyaml",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "PIL": ("pillow",),
    "skimage": ("scikit-image",),
    "bs4": ("beautifulsoup4",),
    "dateutil": ("python-dateutil",),
    "google": ("protobuf",),
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-gpu"),
    "torch": ("torch",),
    "xgboost": ("xgboost",),
    "lightgbm": ("lightgbm",),
    "catboost": ("catboost",),
    "dotenv": ("python-dotenv",),
    "jwt": ("pyjwt",),
    "Crypto": ("pycryptodome",),
    "attr": ("attrs",),
    "magic": ("python-magic",),
}


@dataclass(frozen=True)
class Contract:
    """What the runtime passes and expects: the signature's name, inputs and outputs."""

    signature: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


def contract_of(doc: dict[str, object]) -> Contract:
    contract = mapping(doc.get("contract"))
    name = contract.get("name")
    return Contract(
        name if isinstance(name, str) and name else spec.DEFAULT_SIGNATURE_NAME,
        tuple(mapping(contract.get("inputs"))),  # (keys are text: reading.loader)
        tuple(mapping(contract.get("outputs"))),
    )


def is_python_runtime(runtime: object) -> bool:
    """Hydrosphere's Python runtimes: `…/serving-runtime-python-3.x:tag`."""
    if not isinstance(runtime, str):
        return False
    name = runtime.partition("@")[0].rsplit("/", 1)[-1].partition(":")[0]
    return name.startswith("serving-runtime-python")


def is_hydrosphere_runtime(runtime: object) -> bool:
    return isinstance(runtime, str) and runtime.split("/")[0] == "hydrosphere"


def field_names(doc: dict[str, object]) -> Iterator[Finding]:
    """The guess, when the function's parameters cannot be seen (file checks off, or the
    function is assigned or imported), that fields which are not Python identifiers cannot
    be keyword arguments (HY315)."""
    contract = mapping(doc.get("contract"))
    for section in ("inputs", "outputs"):
        for name in mapping(contract.get(section)):
            if name and not (str(name).isidentifier() and not keyword.iskeyword(name)):
                better = "".join(c if c.isalnum() else "_" for c in str(name)).lower().strip("_")
                yield Finding(
                    FIELD_NAME,
                    f"field name '{name}' is not a Python identifier; the Python runtime passes "
                    "inputs as keyword arguments",
                    ("contract", section, name),
                    f"rename it (e.g. '{better}'), or make the function accept **kwargs",
                    Target.KEY,
                )


def find_func_main(container: Container, search: tuple[str, ...]) -> tuple[str, str] | None:
    """The module the runtime would import: its place in the container and on disk."""
    for candidate in candidates(search):
        found = container.find(candidate)
        if found is not None:
            return candidate, found
    return None


def missing_func_main(
    container: Container, payload_path: DocumentPath, search: tuple[str, ...]
) -> Finding:
    beside = container.beside_manifest(f"{FILES}/src/{MODULE}.py")
    if beside is not None:
        hint = "add `src/` to `payload`: src/func_main.py is beside the manifest, not shipped"
    else:
        hint = "write src/func_main.py with the signature's function, and list `src/` in `payload`"
    return Finding(
        FUNC_MAIN_MISSING,
        f"the Python runtime imports `func_main` from {_either(search)}, and the payload "
        "ships it in none of them",
        payload_path,
        hint,
        Target.KEY,
    )


def _either(folders: tuple[str, ...], word: str = "or") -> str:
    return f"{', '.join(folders[:-1])} {word} {folders[-1]}" if len(folders) > 1 else folders[0]


def func_main_outside(root: Root, entry: DocumentPath) -> Finding:
    """func_main.py is a link out of the root, in the payload `entry`: not read."""
    return Finding(
        OUTSIDE_ROOT,
        "func_main.py in this entry is a symbolic link that leads outside the repository "
        "root: hydro does not read it",
        entry,
        f"the root is {root.folder}; keep the model's code in the repository",
    )


T = TypeVar("T")


class Module:
    """A func_main.py parsed, with what the checks read of it, each worked out once: the
    Models of a repository often ship the same module, and only its container differs."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self._returns: dict[int, list[ast.Return]] = {}
        self._derived: dict[Callable[[Module], Any], Any] = {}

    @functools.cached_property
    def nodes(self) -> list[ast.AST]:
        return list(ast.walk(self.tree))

    @functools.cached_property
    def top_level(self) -> dict[str, ast.AST]:
        """The names the module defines at its top: functions, classes, assignments,
        imports."""
        names: dict[str, ast.AST] = {}
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names[node.name] = node
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        names[target.id] = node
            elif isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    names[(alias.asname or alias.name).split(".")[0]] = node
        return names

    @functools.cached_property
    def imports(self) -> list[tuple[ast.stmt, str]]:
        """Each top-level import statement with the top-level module it imports."""
        return [
            (node, imported.split(".")[0])
            for node in self.tree.body
            for imported in _imported(node)
        ]

    @functools.cached_property
    def model_paths(self) -> list[tuple[ast.Constant, str]]:
        """Whole paths under /model/files/ written as text constants. Parts of a path built
        at run time (an f-string, `+`, `%`, `.format`) are not whole paths."""
        parts = {id(p) for node in self.nodes for p in _built_from(node)}
        return [
            (node, node.value)
            for node in self.nodes
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in parts
            and node.value.startswith(FILES + "/")
            and not {"{", "*", "%"} & set(node.value)
            and posixpath.normpath(node.value) != FILES
        ]

    @functools.cached_property
    def in_functions(self) -> set[int]:
        """The nodes that run when a function is called, not at import."""
        return {
            id(inner)
            for outer in self.nodes
            if isinstance(outer, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            for inner in ast.walk(outer)
        }

    def derived(self, fact: Callable[[Module], T]) -> T:
        """`fact(self)`, worked out once: what another check reads of the module."""
        if fact not in self._derived:
            self._derived[fact] = fact(self)
        return cast(T, self._derived[fact])

    def returns(self, function: ast.AST) -> list[ast.Return]:
        """The returns of a function, not of the functions and classes inside it."""
        found = self._returns.get(id(function))
        if found is None:
            found = self._returns[id(function)] = list(_own_returns(function))
        return found


@dataclass
class Code:
    """func_main.py as one Model ships it: the module, and how findings name the file."""

    module: Module
    name: str  # the file as the report names it


#: Modules parsed, by their text and the Python whose grammar read them.
_MODULES: dict[tuple[bytes, tuple[int, int] | None], Module] = {}
_MODULES_LIMIT = 256


def parse(host: str, name: str, root: Root, python: tuple[int, int] | None) -> Code | Finding:
    """The module's syntax tree, or why there is none: the runtime's Python (`python`,
    hydro's own when unknown) cannot parse or compile it, and its import fails alike, or it
    is larger than hydro parses (file-too-large, HY014)."""
    source = root.read(host, READ_LIMIT)
    if isinstance(source, Probe) and source.size is not None:
        return Finding(
            FILE_TOO_LARGE,
            f"func_main.py is {source.size // 1024} KiB; hydro parses modules up to "
            f"{READ_LIMIT // 1024 // 1024} MiB, so its code is not checked",
            hint="is the model's data inlined in the code? ship it as a file in `payload`",
            span=Span(1, 1, 1, 2),
            file=name,
        )
    if isinstance(source, Probe):
        return Finding(
            READ_ERROR,
            f"func_main.py cannot be read ({source.reason or source.kind.value})",
            span=Span(1, 1, 1, 2),
            file=name,
        )
    known = _MODULES.get((source, python))
    if known is not None:
        return Code(known, name)
    who = "Python" if python is None else "Python {}.{}, the runtime's,".format(*python)
    try:
        module = Module(syntax_tree(source, name, python))
        if python is not None:
            newer_syntax(source, module.nodes, name, python)
        rejected = compile_error(module.tree, module.nodes, name, python)
        if rejected is not None:
            return _syntax_error(rejected, f"{who} cannot compile", name)
    except SyntaxError as error:
        return _syntax_error(error, f"{who} cannot parse", name)
    except (ValueError, RecursionError, MemoryError) as error:
        return Finding(
            FUNC_MAIN_SYNTAX,
            f"{who} cannot parse func_main.py: {error}",
            span=Span(1, 1, 1, 2),
            file=name,
        )
    if len(_MODULES) < _MODULES_LIMIT:
        _MODULES[source, python] = module
    return Code(module, name)


def _syntax_error(error: SyntaxError, failing: str, name: str) -> Finding:
    line, column = error.lineno or 1, error.offset or 1
    return Finding(
        FUNC_MAIN_SYNTAX,
        f"{failing} func_main.py: {error.msg}",
        hint="the runtime fails to import the module; fix the code at this place",
        span=Span(line, column, line, column + 1),
        file=name,
    )


def check_code(
    code: Code,
    doc: dict[str, object],
    container: Container,
) -> Iterator[Finding]:
    """Everything the runtime would fail on that the module shows, but its imports
    (`missing_imports`)."""
    contract = contract_of(doc)
    function = code.module.top_level.get(contract.signature)
    if function is None:
        yield _no_function(code, contract)
    elif isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        yield from _parameters(code, function, contract)
        yield from _returns(code, function, contract)
    else:
        yield from field_names(doc)  # assigned or imported: what it takes is not visible
    yield from _model_files(code, container)


def _span(code: Code, node: ast.AST) -> Span:
    line = getattr(node, "lineno", 1)
    column = getattr(node, "col_offset", 0) + 1
    end_line = getattr(node, "end_lineno", None) or line
    end_column = (getattr(node, "end_col_offset", None) or column) + 1
    if end_line == line and end_column <= column:
        end_column = column + 1
    return Span(line, column, end_line, end_column)


def _at(code: Code, rule: object, node: ast.AST, message: str, hint: str | None = None) -> Finding:
    return Finding(rule, message, hint=hint, span=_span(code, node), file=code.name)  # type: ignore[arg-type]


def _no_function(code: Code, contract: Contract) -> Finding:
    functions = [
        name
        for name, node in code.module.top_level.items()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    hint = did_you_mean(contract.signature, functions) or (
        f"define `def {contract.signature}(...)` at the top of the module"
    )
    return Finding(
        SIGNATURE_FUNCTION,
        f"func_main.py has no `{contract.signature}`, the function the contract's signature "
        f"names: the runtime fails to start ({code.name})",
        ("contract", "name"),
        hint,
        Target.VALUE,
    )


def _parameters(
    code: Code,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    contract: Contract,
) -> Iterator[Finding]:
    arguments = function.args
    if arguments.kwarg is not None or _unreadable(contract.inputs):
        return
    keywords = [a.arg for a in (*arguments.args, *arguments.kwonlyargs)]
    shown = f"{function.name}({', '.join(a.arg for a in _all(arguments))})"
    for name in contract.inputs:
        if name not in keywords:
            near = closest(name, [k for k in keywords if k not in contract.inputs], limit=1)
            if not name.isidentifier():
                reason = "only `**kwargs` can take it: it is not a Python identifier"
                hint = "take `**inputs`"
            else:
                reason = f"it is not one of the parameters of {shown}"
                hint = f"rename `{near[0]}` to `{name}`" if near else f"add `{name}` as a parameter"
            yield Finding(
                SIGNATURE_PARAMETERS,
                f"the runtime passes the input '{name}' as a keyword argument and {reason}",
                ("contract", "inputs", name),
                hint,
                Target.KEY,
            )
    positional = [*arguments.posonlyargs, *arguments.args]
    required = positional[: len(positional) - len(arguments.defaults)]
    required += [
        a for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d is None
    ]
    for argument in required:
        if argument.arg not in contract.inputs:
            inputs = ", ".join(contract.inputs) or "none"
            unused = [i for i in contract.inputs if i not in keywords and i.isidentifier()]
            near = closest(argument.arg, unused, limit=1)
            yield _at(
                code,
                SIGNATURE_PARAMETERS,
                argument,
                f"parameter `{argument.arg}` of {shown} has no default and is not a contract "
                f"input, so every request fails (the inputs: {inputs})",
                f"did you mean `{near[0]}`?"
                if near
                else "rename it to an input, or give it a default",
            )


def _unreadable(fields: tuple[str, ...]) -> bool:
    """A field name with a NUL was reported (HY016); the other names are not judged by it."""
    return any("\x00" in name for name in fields)


def _all(arguments: ast.arguments) -> list[ast.arg]:
    found = [*arguments.posonlyargs, *arguments.args]
    if arguments.vararg is not None:
        found.append(arguments.vararg)
    return [*found, *arguments.kwonlyargs]


def _returns(
    code: Code, function: ast.FunctionDef | ast.AsyncFunctionDef, contract: Contract
) -> Iterator[Finding]:
    returns = code.module.returns(function)
    if not returns or not contract.outputs or _unreadable(contract.outputs):
        return
    keys: list[tuple[ast.Return, list[str]]] = []
    for node in returns:
        value = node.value
        if not isinstance(value, ast.Dict) or not all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys
        ):
            return  # not every return is a dictionary written out: say nothing
        keys.append((node, [str(k.value) for k in value.keys if isinstance(k, ast.Constant)]))
    for node, returned in keys:
        missing = [o for o in contract.outputs if o not in returned]
        if not missing:
            continue  # extra keys pass: neither the runtime nor the gateway checks them
        extra = [k for k in returned if k not in contract.outputs]
        outputs = "outputs " if len(missing) > 1 else "output "
        hint = (
            f"rename '{extra[0]}' to '{missing[0]}'"
            if len(missing) == 1 and len(extra) == 1
            else f"return a key for each output: {_listed(contract.outputs)}"
        )
        yield _at(
            code,
            SIGNATURE_OUTPUTS,
            node,
            f"{function.name}() returns a mapping without the {outputs}{_listed(missing)}: the "
            "runtime passes it on unchecked, and the gateway fails every such response with "
            "MissingField (hydro-serving-gateway Predictor.scala:37-41, Contract.scala:94-101)",
            hint,
        )


def _listed(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _own_returns(function: ast.AST) -> Iterator[ast.Return]:
    """The returns of a function, not of the functions and classes inside it."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))


def _model_files(code: Code, container: Container) -> Iterator[Finding]:
    """Whole paths under /model/files/ that the payload does not ship."""
    for node, path in code.module.model_paths:
        if (
            container.find(path) is None
            and not container.is_folder(path)
            and not container.unresolved_around(path)  # its entry is missing (HY216)
        ):
            relative = path[len(FILES) + 1 :]
            yield _at(
                code,
                MODEL_FILE_MISSING,
                node,
                f"the code reads {path}, which the payload does not ship",
                f"add `{relative}` to `payload`"
                if container.beside_manifest(path)
                else f"ship it as `{relative}` in `payload`, or fix the path",
            )


def _built_from(node: ast.AST) -> list[ast.AST]:
    """The constants a node builds a text from at run time."""
    if isinstance(node, ast.JoinedStr):
        return list(node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return [node.left, node.right]
    if isinstance(node, ast.Attribute) and node.attr == "format":
        return [node.value]
    return []


def missing_imports(
    code: Code,
    container: Container,
    distributions: set[str] | None,
    image: Image | None,
    python: tuple[int, int] | None,
) -> list[tuple[str, Finding]]:
    """Top-level imports nothing provides, each with its warning: not in the standard
    library of the runtime's Python (`python`), not installed, not shipped. `distributions`:
    what the install command installs, None when it installs what hydro cannot follow (then
    imports are not judged)."""
    if distributions is None:
        return []
    installed = {_normal(d) for d in distributions}
    search = search_of(image)
    found = []
    for node, name in code.module.imports:
        if (
            standard_library.has_module(name, python)
            or name in RUNTIME_PACKAGES
            or name == MODULE
            or _normal(name) in installed
            or any(_normal(d) in installed for d in IMPORT_NAMES.get(name, ()))
            or container.has_module(name, search)  # (the one that reads the disk: last)
        ):
            continue
        elsewhere = container.module_elsewhere(name, search, search_of(None))
        if elsewhere is not None:
            why = (
                f"the payload ships it at {elsewhere}, and the runtime looks for modules "
                f"in {_either(search, 'and')} only"
            )
            hint = "ship it beside func_main.py, under the payload's src/"
        elif (joined := standard_library.joined_in(name)) is not None and python is not None:
            why = (
                "it is in the standard library from Python {}.{} on, not in Python {}.{}, the "
                "runtime's, and no requirement the install command installs provides it"
            ).format(*joined, *python)
            hint = (
                "choose a runtime image of Python {}.{} or newer, or install a backport and "
                "import that instead, under its own name".format(*joined)
            )
        else:
            why = "no requirement the install command installs provides it, nor the payload's src/"
            hint = (
                "add it to the requirements (pip's name for it may differ), or check that the "
                "runtime image has it"
            )
        warning = _at(
            code,
            IMPORT_MISSING,
            node,
            f"`{name}` may be missing when the runtime imports func_main: {why}"
            + if_import_fails(image),
            hint,
        )
        found.append((name, warning))
    return found


def _imported(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def _normal(name: str) -> str:
    """A distribution or module name as pip compares them (PEP 503)."""
    return "-".join(name.replace("_", "-").replace(".", "-").lower().split("-"))
