"""Facts about the Hydrosphere resource-definition format, each stated once.

Everything else (pydantic models, rules, messages, `hydro rules`, JSON Schema) reads
these tables instead of repeating them. Sources: ../shared/seed/write-definitions.md
(the spec) and ../shared/reference/hydrosphere-rules.md (what each layer enforces).
"""

from __future__ import annotations

import re
from typing import Final

#: Kinds of older CLI releases, with what replaced them (GEN-4, section 8 of the catalog).
LEGACY_KINDS: dict[str, str] = {
    "DeploymentConfig": "DeploymentConfiguration",
    "HostSelector": "DeploymentConfiguration",
    "Runtime": "Model",
    "Environment": "DeploymentConfiguration",
    "Config": "DeploymentConfiguration",
}

#: Field types in the order of the spec, with a short meaning.
DOCUMENTED_TYPES: dict[str, str] = {
    "bool": "Boolean",
    "string": "String in bytes",
    "half": "16-bit half-precision floating-point",
    "float16": "16-bit half-precision floating-point",
    "float32": "32-bit single-precision floating-point",
    "double": "64-bit double-precision floating-point",
    "float64": "64-bit double-precision floating-point",
    "uint8": "8-bit unsigned integer",
    "uint16": "16-bit unsigned integer",
    "uint32": "32-bit unsigned integer",
    "uint64": "64-bit unsigned integer",
    "int8": "8-bit signed integer",
    "int16": "16-bit signed integer",
    "int32": "32-bit signed integer",
    "int64": "64-bit signed integer",
    "qint8": "Quantized 8-bit signed integer",
    "quint8": "Quantized 8-bit unsigned integer",
    "qint16": "Quantized 16-bit signed integer",
    "quint16": "Quantized 16-bit unsigned integer",
    "complex64": "64-bit single-precision complex",
    "complex128": "128-bit double-precision complex",
}

#: Names of one type: `hs` maps both to the same DataType (CON-6).
TYPE_SYNONYMS: dict[str, str] = {"half": "float16", "double": "float64"}

#: Types `hs` 3.0.3 accepts that the spec does not list (CON-6).
UNDOCUMENTED_CLI_TYPES: tuple[str, ...] = ("qint32",)

#: How each type travels over gRPC: its `DataType` (hs 3.0.3 `entities/contract.py`,
#: `NAME_TO_DTYPES`) and the `Tensor` list that carries its values (hydrosdk 3.0.3
#: `data/types.py`, `DTYPE_TO_FIELDNAME`). hydrosdk lists no list for the quantized types;
#: they travel in `int_val`, as in TensorFlow's tensor.proto these messages come from.
WIRE_TYPES: dict[str, tuple[str, str]] = {
    "bool": ("DT_BOOL", "bool_val"),
    "string": ("DT_STRING", "string_val"),
    "half": ("DT_HALF", "half_val"),
    "float16": ("DT_HALF", "half_val"),
    "float32": ("DT_FLOAT", "float_val"),
    "double": ("DT_DOUBLE", "double_val"),
    "float64": ("DT_DOUBLE", "double_val"),
    "uint8": ("DT_UINT8", "int_val"),
    "uint16": ("DT_UINT16", "int_val"),
    "uint32": ("DT_UINT32", "uint32_val"),
    "uint64": ("DT_UINT64", "uint64_val"),
    "int8": ("DT_INT8", "int_val"),
    "int16": ("DT_INT16", "int_val"),
    "int32": ("DT_INT32", "int_val"),
    "int64": ("DT_INT64", "int64_val"),
    "qint8": ("DT_QINT8", "int_val"),
    "quint8": ("DT_QUINT8", "int_val"),
    "qint16": ("DT_QINT16", "int_val"),
    "quint16": ("DT_QUINT16", "int_val"),
    "qint32": ("DT_QINT32", "int_val"),
    "complex64": ("DT_COMPLEX64", "scomplex_val"),
    "complex128": ("DT_COMPLEX128", "dcomplex_val"),
}

#: The profile a fix fills in for a field that has none: what monitoring suits the type.
PROFILE_FOR_TYPE: dict[str, str] = {
    name: "text" if name == "string" else "categorical" if name == "bool" else "numerical"
    for name in DOCUMENTED_TYPES
}

#: Common spellings from other ecosystems and what the user most likely meant.
TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "int": ("int32", "int64"),
    "integer": ("int32", "int64"),
    "long": ("int64",),
    "float": ("float32",),
    "single": ("float32",),
    "str": ("string",),
    "text": ("string",),
    "bytes": ("string",),
    "boolean": ("bool",),
    "complex": ("complex64", "complex128"),
    "bfloat16": ("float16",),
}

#: Profiles the spec documents (case-insensitive for `hs`; lowercase is canonical).
DOCUMENTED_PROFILES: dict[str, str] = {
    "text": "monitored with text-oriented algorithms",
    "image": "monitored with image-oriented algorithms",
    "numerical": "monitored with numerical-oriented algorithms",
    "categorical": "monitored with categorical-oriented algorithms",
}

#: DataProfileType names `hs` 3.0.3 accepts beyond the documented four (CON-8).
UNDOCUMENTED_CLI_PROFILES: tuple[str, ...] = (
    "none",
    "nominal",
    "ordinal",
    "continuous",
    "interval",
    "ratio",
    "video",
    "audio",
)

#: The manager's threshold operators (MOD-8) and the 2.x symbols that meant them.
METRIC_OPERATORS: tuple[str, ...] = ("Eq", "NotEq", "Greater", "Less", "GreaterEq", "LessEq")
METRIC_OPERATOR_SYMBOLS: dict[str, str] = {
    "==": "Eq",
    "=": "Eq",
    "!=": "NotEq",
    ">": "Greater",
    "<": "Less",
    ">=": "GreaterEq",
    "<=": "LessEq",
}

SCALAR_SHAPE: Final = "scalar"
DEFAULT_SIGNATURE_NAME = "predict"
DEFAULT_VARIANT_WEIGHT = 100
STAGE_WEIGHT_TOTAL = 100

#: Name rules of the manager (NAME-1, NAME-3, NAME-4).
MODEL_NAME_CHARACTERS = "a-z0-9_-"
APPLICATION_NAME_CHARACTERS = "a-zA-Z0-9_-"
MODEL_NAME_RE = re.compile(f"[{MODEL_NAME_CHARACTERS}]+")
APPLICATION_NAME_RE = re.compile(f"[{APPLICATION_NAME_CHARACTERS}]+")
RESERVED_DEPLOYMENT_CONFIGURATION_NAME = "hydrosphere_manager_default"
#: The manager names each servable `<model>-<version>-<adjective>-<noun>` (`_` becomes `-`;
#: manager `Servable.fullName`), and that name is a Kubernetes Service name: a DNS-1035
#: label of at most 63 characters (NAME-2).
SERVICE_NAME_MAX = 63
#: The adjective and noun are drawn uniformly from the manager's word lists
#: (`NameGenerator.haiku`); how many words of each length the two lists hold.
SERVABLE_ADJECTIVE_LENGTHS: dict[int, int] = {3: 6, 4: 17, 5: 20, 6: 24, 7: 8, 8: 16, 9: 8, 11: 1}
SERVABLE_NOUN_LENGTHS: dict[int, int] = {3: 6, 4: 26, 5: 25, 6: 19, 7: 10, 8: 8, 9: 7, 10: 1}
#: Versions count up from 1; names are checked for every version below 1000.
CHECKED_VERSION_DIGITS = 3
#: Docker repository components: alphanumerics joined by `_`, `__`, `.` or runs of `-`.
DOCKER_PATH_COMPONENT_RE = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
#: Characters that break the manager's URL lookups of a deployment configuration.
URL_SAFE_NAME_RE = re.compile(r"[A-Za-z0-9._~-]+")

#: Runtime references: `[registry[:port]/]path[:tag][@digest]` (MOD-2, docker-image-py).
RUNTIME_TAG_RE = re.compile(r"[\w][\w.-]{0,127}")
RUNTIME_DIGEST_RE = re.compile(
    r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
)
RUNTIME_DOMAIN_RE = re.compile(
    r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
    r"(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?"
)
RUNTIME_MAX_NAME_LENGTH = 255
FLOATING_TAGS: tuple[str, ...] = ("latest", "dev")

#: Model references in applications and metrics: `name:version` (NAME-5, NAME-6).
MODEL_REFERENCE_RE = re.compile(r"(?P<name>[^:]*):(?P<version>[^:]*)")

TRAINING_DATA_EXTENSION = ".csv"
S3_SCHEME = "s3://"
S3_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")

#: Runtimes whose model functions receive contract inputs as keyword arguments.
PYTHON_RUNTIME_MARKER = "python"

#: Keys of older formats that `hs` 3.x ignores, by the object they appear in, with what to
#: do instead. They are accepted with a warning (nothing the author meant is lost).
LEGACY_KEYS: dict[str, dict[str, str]] = {
    "Model": {
        "version": "`version` is ignored by hs 3.x; remove it",
        "model-type": "`model-type` is ignored by hs 3.x: the `runtime` image decides how the "
        "model runs; remove it",
    },
    "Application": {"version": "`version` is ignored by hs 3.x; remove it"},
    "DeploymentConfiguration": {"version": "`version` is ignored by hs 3.x; remove it"},
}

#: Keys of older dialects that meant something the 3.x format says differently, by the
#: object they appear in. They stay unknown keys (the platform drops them, and what the
#: author meant with them is lost), reported with this advice.
OLD_DIALECT_KEYS: dict[str, dict[str, str]] = {
    "Model": {
        "signature": "the 3.0 pre-release `signature:` is called `contract:` in 3.x",
        "source-path": "`source-path` was dropped; list the model's files under `payload`",
        "host-selector": "host selectors were replaced by DeploymentConfigurations, referenced "
        "from an Application with `deployment-config`",
        "type": "the 2.x `type` was replaced by `runtime`, a Docker image with a tag",
    },
    "Application": {
        "streaming": "Kafka streaming was removed in 3.x; this key is ignored",
    },
    "ContractField": {
        "fields": "nested fields are not supported by hs 3.x; flatten them into separate fields",
        "subfields": "nested fields are not supported by hs 3.x; flatten them into separate fields",
    },
}
