"""Rules of what the kinds share: metadata values and model references.

Each rule is declared here, beside the code of this folder that raises it.
"""

from __future__ import annotations

from ..rules import APPLICATION_EXAMPLE, ERROR, L, rule

METADATA_VALUE = rule(
    "HY213", "metadata-value", L.HS_CLI, ERROR,
    "a `metadata` value that is not text, a number or a boolean",
    """
`metadata` maps keys to simple values. Lists, mappings and null are rejected by `hs apply`
(`str type expected`, MOD-6); numbers are sent as text. Flatten nested values into
separate keys or quote them as one string.
""",
    bad=APPLICATION_EXAMPLE.replace("name: census-app", "name: census-app\nmetadata:\n  authors: [ana, bo]"),
    good=APPLICATION_EXAMPLE.replace("name: census-app", "name: census-app\nmetadata:\n  authors: ana, bo"),
)
MODEL_REFERENCE = rule(
    "HY401", "model-reference", L.HS_CLI, ERROR,
    "a model reference that is not `name:version`",
    """
Applications and metrics refer to model versions as `name:version`, with exactly one `:`
and an integer version (NAME-5, NAME-6): `hs` splits on the colon and converts the
version with `int()`. Tags such as `latest` are not versions.
""",
    bad=APPLICATION_EXAMPLE.replace("census:1", "census:latest"),
    good=APPLICATION_EXAMPLE,
)
