"""The tags of the YAML 1.1 core schema, as libyaml resolves them: the types `hs apply`
reads a scalar or collection as."""

from __future__ import annotations

CORE = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (CORE + t for t in ("str", "int", "float", "bool", "null"))
TIMESTAMP, MERGE, VALUE = CORE + "timestamp", CORE + "merge", CORE + "value"
MAP, SEQ = CORE + "map", CORE + "seq"
