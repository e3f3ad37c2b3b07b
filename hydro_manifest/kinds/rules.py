"""Rules of what the kinds share: empty values, the fields `hs apply` requires (declared with
`kinds.base.hs_required`), metadata values and model references.

Each rule is declared here, beside the code of this folder that raises it.
"""

from __future__ import annotations

from ..rules import APPLICATION_EXAMPLE, CONFIGURATION_EXAMPLE, ERROR, L, rule

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
EMPTY_VALUE = rule(
    "HY108", "empty-value", L.MANAGER, ERROR,
    "a value is empty (null or blank) where text is required",
    """
`key:` with nothing after it, `~` and `null` are null in YAML; `""` is blank text. Names,
runtimes, references and field names cannot be empty: the platform rejects null
(`none is not an allowed value`) and cannot find or create a resource with an empty name.
""",
    bad=APPLICATION_EXAMPLE.replace("name: census-app", "name:"),
    good=APPLICATION_EXAMPLE,
)
MISSING_HS_FIELD = rule(
    "HY109", "missing-hs-field", L.HS_CLI, ERROR,
    "a field `hs apply` 3.0.3 requires, although the platform could do without it",
    """
`hs apply` 3.0.3 requires some fields that the docs call optional or that the manager
would default: a contract field's `shape`, `batch-size` in `monitoring-configuration`,
`minReplicas` in `hpa`, `limits` in `resources`, a toleration's `operator` (catalog
MOD-7, DC-2, DC-4, DC-7, CON-5). Without them it stops with `field required`. Teams that
upload through the SDK can switch the `hs-cli` layer off.
""",
    bad=CONFIGURATION_EXAMPLE.replace("  minReplicas: 1\n", ""),
    good=CONFIGURATION_EXAMPLE,
)
