"""bashlex, the shell grammar, imported without rebuilding its parse tables every time,
and a command read with it.

bashlex generates the LALR tables of its grammar when it is imported (its copy of PLY
never reads them back): about 90 ms, most of a pre-commit run's time. The tables depend
only on bashlex's grammar, so hydro keeps them in the user's cache folder, keyed by the
grammar's source and the Python version, and builds bashlex's parser from them. Any
surprise (another bashlex layout, an unreadable or stale cache) falls back to a plain
import, which builds the tables as bashlex always does.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from ....cache import folder as cache_folder


def bashlex() -> ModuleType:
    """The bashlex package, imported once."""
    loaded = sys.modules.get("bashlex")
    if loaded is not None and hasattr(loaded, "parse"):
        return loaded
    try:
        return _with_cached_tables()
    except Exception:
        for name in [n for n in sys.modules if n == "bashlex" or n.startswith("bashlex.")]:
            del sys.modules[name]
        return importlib.import_module("bashlex")


def _with_cached_tables() -> ModuleType:
    """Import bashlex with `yacc.yacc` answering from the cache while its parser module
    runs: the package is registered bare, its `yacc` module imported and patched, then
    the package's own `__init__` executed."""
    spec = importlib.util.find_spec("bashlex")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        raise ImportError("bashlex is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    cache = _cache_file(folder)
    package = importlib.util.module_from_spec(spec)
    sys.modules["bashlex"] = package
    yacc: Any = importlib.import_module("bashlex.yacc")
    original = yacc.yacc

    def cached_yacc(*args: Any, **kwargs: Any) -> Any:
        module = sys.modules["bashlex.parser"]
        tables = _read(cache)
        if tables is None:
            parser = original(*args, module=module, **kwargs)
            _write(cache, parser)
            return parser
        return _parser(yacc, tables, vars(module))

    yacc.yacc = cached_yacc
    try:
        spec.loader.exec_module(package)
    finally:
        yacc.yacc = original
    return package


def _cache_file(folder: Path) -> Path | None:
    """Where the tables of this bashlex, on this Python, are kept (None: nowhere)."""
    digest = hashlib.sha256(sys.version.encode())
    for name in ("parser.py", "yacc.py"):
        digest.update((folder / name).read_bytes())
    kept = cache_folder()
    if not kept.is_absolute():
        return None
    return kept / f"bashlex-tables-{digest.hexdigest()[:16]}.json"


def _read(cache: Path | None) -> dict[str, Any] | None:
    if cache is None:
        return None
    try:
        tables = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return tables if isinstance(tables, dict) and tables.get("version") == 1 else None


def _write(cache: Path | None, parser: Any) -> None:
    """Keep the tables of a freshly built parser (whole, through a renamed temporary)."""
    if cache is None:
        return
    tables = {
        "version": 1,
        "productions": [
            [p.number, p.name, list(p.prod), list(p.prec), p.func, p.file, p.line]
            for p in parser.productions
        ],
        "action": {str(state): dict(moves) for state, moves in parser.action.items()},
        "goto": {str(state): dict(moves) for state, moves in parser.goto.items()},
    }
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(tables, stream)
        os.replace(temporary, cache)
    except OSError:
        return


def _parser(yacc: Any, tables: dict[str, Any], names: dict[str, Any]) -> Any:
    """bashlex's parser from kept tables, its productions bound to the parser module's
    functions, as `yacc.yacc` would return it."""
    productions = [
        yacc.Production(number, name, prod, tuple(prec), func, file, line)
        for number, name, prod, prec, func, file, line in tables["productions"]
    ]
    for production in productions:
        production.bind(names)
    built = SimpleNamespace(
        lr_productions=productions,
        lr_action={int(state): moves for state, moves in tables["action"].items()},
        lr_goto={int(state): moves for state, moves in tables["goto"].items()},
    )
    parser = yacc.LRParser(built, names.get("p_error"))
    yacc.parse = parser.parse
    return parser


#: Why a command too deeply nested is not followed, to complete "the command …".
TOO_DEEP = "nests deeper than hydro follows"


class Unfollowed(Exception):
    """Text the shell grammar does not follow, for a reason of its own (not a syntax error
    of the text's): what it runs is unknown. Its message completes "the command …"."""

    def __init__(self, why: str, hint: str | None = None) -> None:
        super().__init__(why)
        self.hint = hint  # (None: the caller's own)


@functools.lru_cache(maxsize=256)
def parse(command: str) -> list[Any] | Exception:
    """The command's syntax trees (bashlex; none for blanks and comments), why `/bin/sh`
    would not parse it, or `Unfollowed`. A tree of models mostly repeats a few commands,
    and the walk only reads the trees."""
    grammar = bashlex()  # its tables come from hydro's cache after the first run
    try:
        return list(grammar.parse(command))
    except (grammar.errors.ParsingError, NotImplementedError, IndexError) as error:
        return error
    except RecursionError:
        return Unfollowed(TOO_DEEP)
    except Exception as error:  # bashlex failing on text it has no node for
        return _without_commands(grammar, command, error)


def _without_commands(grammar: Any, command: str, error: Exception) -> list[Any] | Unfollowed:
    """No trees when the text is only blanks and comments (`/bin/sh` runs nothing, and
    bashlex has no node for that); otherwise the grammar's own failure."""
    try:
        tokens = grammar.tokenizer.tokenizer(command, grammar.state.parserstate())
        if all(t.ttype is grammar.tokenizer.tokentype.NEWLINE for t in tokens):
            return []
    except Exception:  # (the tokenizer fails on it too)
        pass
    return Unfollowed(
        f"is more than hydro's shell grammar follows (bashlex: {type(error).__name__})",
        "write it as plain commands, each on its own line, that hydro can follow",
    )
