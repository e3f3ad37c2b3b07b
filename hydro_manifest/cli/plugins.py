"""hydro uses no pydantic plugins, and says so before pydantic builds its first model.

pydantic looks for plugins when it builds a model, through `importlib.metadata`, which
imports `email`, `socket` and more and reads every installed package's metadata, even
when PYDANTIC_DISABLE_PLUGINS says there are none; it then answers "no plugins". Importing
this module (the CLI does it first) sets that variable and gives pydantic's loader's
answer without those imports. The library leaves plugins to its users.
"""

from __future__ import annotations

import os
import sys
import types

os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
if os.environ["PYDANTIC_DISABLE_PLUGINS"] in ("__all__", "1", "true"):
    _loader = types.ModuleType("pydantic.plugin._loader")
    _loader.get_plugins = tuple  # type: ignore[attr-defined]  # no plugins: ()
    sys.modules.setdefault("pydantic.plugin._loader", _loader)
