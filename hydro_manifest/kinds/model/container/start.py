"""The model's code as the runtime image starts it: in the runtime's own folder, with the
user's folders after the runtime's packages on `sys.path` (`images` holds the facts).

start.sh runs `cd <start folder>` and `python3 main.py` (hsp@3.0.3 `start.sh:3-4`), and
`main.py` never changes folder; the runtime then appends /model, /model/files/src and
/model/files/src/lib to `sys.path` (hsp@3.0.3 `grpc_service.py:30-38`). So a relative path
the code opens resolves in the runtime's folder, and a module of the payload named like
one of the runtime's own is found after it, or not at all.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import cast

from ....diagnostics import Finding
from .image_rules import (
    MODULE_SHADOWED,
    RELATIVE_IMPORT,
    RELATIVE_PATH,
    SYSTEM_LIBRARY_MISSING,
)
from .images import Image, if_import_fails
from .layout import FILES, Container
from .runtime import Code, Module, _at, search_of

#: Calls that take a file's path first: `open` and the loaders of the usual libraries.
_OPENERS = {"open"}
_LOADERS = {"load", "load_model", "load_weights", "read_csv", "read_parquet", "read_json",
            "read_pickle", "read_table", "read_excel", "read_feather", "loadtxt", "genfromtxt",
            "imread", "fromfile"}  # fmt: skip
#: Modules whose `load` takes text or an open file, not a path.
_NOT_PATHS = {"json", "yaml", "pickle", "marshal", "ast", "toml", "tomllib", "ujson", "orjson"}


def check_start(
    code: Code, container: Container, image: Image, distributions: set[str] | None
) -> Iterator[Finding]:
    """What fails when the runtime starts the code: relative paths, shadowed modules, and
    system libraries the image lacks (`distributions`: what the install command installs,
    None when not all of it is known)."""
    yield from _relative_paths(code, container, image)
    yield from _relative_imports(code, image)
    yield from _shadowed(code, container, image)
    yield from _libraries(code, image, distributions)


def _relative_imports(code: Code, image: Image) -> Iterator[Finding]:
    for node in code.module.derived(_relative):
        when = (
            "when the function runs"
            if id(node) in code.module.in_functions
            else "when the runtime imports func_main" + if_import_fails(image)
        )
        names = ", ".join(alias.name for alias in node.names)
        written = f"from {'.' * node.level}{node.module or ''} import {names}"
        absolute = f"from {node.module} import {names}" if node.module else f"import {names}"
        yield _at(
            code,
            RELATIVE_IMPORT,
            node,
            f"`{written}` is a relative import, and the runtime imports func_main as a "
            f"top-level module, in no package ({image.import_failure.source}): ImportError "
            f"(attempted relative import with no known parent package) {when}",
            f"import it by its own name, `{absolute}`: the payload's src/ is on sys.path",
        )


#: Exceptions whose handler takes a failing import in its stride.
_CATCHING_IMPORTS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _relative(module: Module) -> list[ast.ImportFrom]:
    """The relative imports, but those in a `try` whose handler catches ImportError."""
    guarded = {
        id(inner)
        for node in module.nodes
        if isinstance(node, ast.Try) and any(map(_catches_imports, node.handlers))
        for statement in node.body
        for inner in ast.walk(statement)
    }
    found = [
        node
        for node in module.nodes
        if isinstance(node, ast.ImportFrom) and node.level > 0 and id(node) not in guarded
    ]
    return sorted(found, key=lambda node: (node.lineno, node.col_offset))


def _catches_imports(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    if caught is None:
        return True
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(isinstance(name, ast.Name) and name.id in _CATCHING_IMPORTS for name in names)


#: Imports whose wheels load a system library the slim images lack: the library, whether
#: the image has it, and the way out.
_OPENCV = {"opencv-python", "opencv-contrib-python"}


def _libraries(code: Code, image: Image, distributions: set[str] | None) -> Iterator[Finding]:
    installed = {d.lower().replace("_", "-") for d in distributions or ()}
    for node, name in code.module.imports:
        if name == "lightgbm" and "lightgbm" in installed and not image.libgomp.value:
            yield _at(
                code,
                SYSTEM_LIBRARY_MISSING,
                node,
                "lightgbm's wheels load the system's OpenMP library, libgomp.so.1, which "
                f"this runtime image may lack ({image.libgomp.source}): the import may "
                "fail with `OSError: libgomp.so.1: cannot open shared object file`"
                + if_import_fails(image),
                "use a runtime tag that installs libgomp1 (3.0.0-alpha.1 or older), or a "
                "custom runtime FROM this image that installs it",
            )
        elif name == "cv2" and installed & _OPENCV:
            yield _at(
                code,
                SYSTEM_LIBRARY_MISSING,
                node,
                "opencv-python loads libGL.so.1, which the slim runtime images may lack: "
                "the import may fail with `ImportError: libGL.so.1: cannot open shared "
                "object file`" + if_import_fails(image),
                "install opencv-python-headless instead (the same cv2, without the GUI libraries)",
            )


def _relative_paths(code: Code, container: Container, image: Image) -> Iterator[Finding]:
    folder = image.start_folder.value
    for node, path in code.module.derived(_opened):
        when = (
            "when the function runs"
            if id(node) in code.module.in_functions
            else "when the runtime imports func_main" + if_import_fails(image)
        )
        shipped = container.find(f"{FILES}/{path}") is not None
        hint = (
            f"write `{FILES}/{path}`, where the payload puts it"
            if shipped
            else "build the path from the module's folder: "
            f"`os.path.join(os.path.dirname(__file__), {path!r})`"
        )
        yield _at(
            code,
            RELATIVE_PATH,
            node.args[0],
            f"`{path}` is relative, and the runtime starts the code in {folder} "
            f"({image.start_folder.source}), not in {FILES}: FileNotFoundError {when}",
            hint,
        )


def _opened(module: Module) -> list[tuple[ast.Call, str]]:
    """The calls that open a relative path written as text, with the path."""
    found = []
    for node in module.nodes:
        path = _opened_path(node)
        if path is not None:
            found.append((cast(ast.Call, node), path))
    return found


def _opened_path(node: ast.AST) -> str | None:
    """The relative path a call opens, when it is written as text (`open("model.pkl")`)."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    if isinstance(func, ast.Name):
        opens = func.id in _OPENERS
    elif isinstance(func, ast.Attribute):
        receiver = func.value.id if isinstance(func.value, ast.Name) else None
        opens = func.attr in _LOADERS | _OPENERS and receiver not in _NOT_PATHS
    else:
        return None
    first = node.args[0]
    if not opens or not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    path = first.value
    if not path or path.startswith(("/", "~", "$")) or "://" in path or "\n" in path:
        return None
    return path if ("." in path or "/" in path) and len(path) < 256 else None


def _shadowed(code: Code, container: Container, image: Image) -> Iterator[Finding]:
    shadows = image.shadows.value
    assert isinstance(shadows, frozenset)
    for node, name in code.module.imports:
        if name in shadows and container.has_module(name, search_of(image)):
            yield _at(
                code,
                MODULE_SHADOWED,
                node,
                f"the payload's module `{name}` may never be imported: the runtime has "
                f"one of that name, found first on sys.path ({image.shadows.source})"
                + if_import_fails(image),
                f"rename the payload's `{name}` (and its imports)",
            )
