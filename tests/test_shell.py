"""bashlex from hydro's cache of its parse tables: the same trees and errors as bashlex's
own import, whether the cache is new, kept, broken or cannot be written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

COMMANDS = [
    "pip install -r requirements.txt",
    "cd src && pip install --no-cache-dir . ; echo $(date) > built",
    "a | b || c & d",
    "for i in 1 2; do echo $i; done",
    "x='a b' && \"$x\" >> log 2>&1",
    "apt-get update && apt-get install -y jq && rm -rf /var/lib/apt/lists/*",
    "if [ -f setup.sh ]; then sh setup.sh; fi",
    "echo (",
    "cat <<EOF\nx\nEOF",
]
PARSE = f"""
import json, sys
sys.path.insert(0, {str(ROOT)!r})
if sys.argv[1] == "plain":
    import bashlex
else:
    from hydro_manifest.kinds.model.container.shell import bashlex as imported
    bashlex = imported()
trees = []
for command in {COMMANDS!r}:
    try:
        trees.append([tree.dump() for tree in bashlex.parse(command)])
    except (bashlex.errors.ParsingError, NotImplementedError) as error:
        trees.append(["error", str(error)])
print(json.dumps(trees))
"""


def _parse(how: str, cache: Path) -> list:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PARSE, how], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_cached_tables_parse_as_bashlex_does(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain = _parse("plain", cache)
    assert not (cache / "hydro").exists()
    assert _parse("cached", cache) == plain  # builds the tables and keeps them
    (kept,) = (cache / "hydro").glob("bashlex-tables-*.json")
    assert json.loads(kept.read_text())["version"] == 1
    assert _parse("cached", cache) == plain  # from the kept tables
    assert plain[COMMANDS.index("echo (")][0] == "error"  # errors are compared too


def test_a_broken_or_unwritable_cache_changes_nothing(tmp_path: Path) -> None:
    plain = _parse("plain", tmp_path / "unused")
    broken = tmp_path / "broken"
    _parse("cached", broken)
    (kept,) = (broken / "hydro").glob("bashlex-tables-*.json")
    kept.write_text('{"version": 1, "productions": [[0, "x"]]}')
    assert _parse("cached", broken) == plain
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    assert _parse("cached", blocked) == plain
