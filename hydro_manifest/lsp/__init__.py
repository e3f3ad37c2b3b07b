"""The language server (`hydro lsp`): hydro's findings, fixes, hover, completion and
navigation in the editor.

The server needs the `lsp` extra (`pip install 'hydro-manifest[lsp]'`: pygls and
lsprotocol); the rest of hydro never imports it. `workspace` (what is checked, kept up to
date one file at a time) and `features` (what the editor asks about a position) do not
depend on the protocol; `server` speaks it.
"""

from __future__ import annotations

EXTRA = "pip install 'hydro-manifest[lsp]'"
