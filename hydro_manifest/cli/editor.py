"""For editors: `lsp` (the language server) and `schema` (the manifests' JSON Schema)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..kinds import NAMES as KINDS
from ..suggest import did_you_mean
from .options import (
    OutputFile,
)
from .running import (
    echo_or_write,
    usage_error,
)


def lsp() -> None:
    """Serve editors as a language server over standard input and output: diagnostics as
    you type, fixes, hover, completion and go to definition. Needs the lsp extra: pip
    install 'hydro-manifest[lsp]'."""
    import gc

    from ..lsp import EXTRA

    gc.enable()  # (a server runs for hours: the cycles its requests leave are collected)

    try:
        from ..lsp.server import serve
    except ImportError as error:
        message = f"the language server needs pygls and lsprotocol: {EXTRA} ({error})"
        raise usage_error(message) from None
    serve()


def schema(
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="Model, Application or DeploymentConfiguration [default: all]."
        ),
    ] = None,
    output_file: OutputFile = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of the manifests, for editors and validators."""
    import json

    from ..schema import schema as build

    if kind is not None and kind not in KINDS:
        hint = did_you_mean(kind, KINDS, listing="valid kinds")
        raise usage_error(f"unknown kind '{kind}'" + (f"; {hint}" if hint else ""))
    echo_or_write(json.dumps(build(kind), indent=2, ensure_ascii=False) + "\n", output_file)
