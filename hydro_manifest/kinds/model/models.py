"""`kind: Model`: a model version to build and upload (spec: "kind: Model")."""

from __future__ import annotations

import functools
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
)

from ... import spec
from ...fixes.changes import Replace, plain_or_quoted
from ...suggest import closest, did_you_mean
from ..base import (
    Integer,
    KebabModel,
    Metadata,
    ModelReference,
    Number,
    Text,
    at_least,
    hs_required,
    suggest_model_name,
    violation,
)
from ..rules import EMPTY_VALUE, MISSING_HS_FIELD
from .contract import Contract, ContractField
from .rules import (
    BATCH_SIZE,
    INSTALL_COMMAND_EMPTY,
    METRIC_OPERATOR,
    MISSING_CONTRACT,
    MISSING_PAYLOAD,
    MODEL_NAME,
    MODEL_NAME_IMAGE,
    MODEL_NAME_SERVICE,
    PAYLOAD_ENTRY,
    RUNTIME_DIGEST_DROPPED,
    RUNTIME_REFERENCE,
    RUNTIME_TAG_MISSING,
    TRAINING_DATA,
)

# ------------------------------------------------------------------ names and runtime


def _model_name(name: str) -> str:
    if not name.strip():
        raise violation(EMPTY_VALUE, "the model name is empty", "name the model, e.g. census")
    if not spec.MODEL_NAME_RE.fullmatch(name):
        raise violation(
            MODEL_NAME,
            f"model name '{name}' may only contain lowercase letters, digits, '-' and '_'",
            f"did you mean '{suggest_model_name(name)}'?",
            Replace(plain_or_quoted(suggest_model_name(name))),
        )
    if not spec.DOCKER_PATH_COMPONENT_RE.fullmatch(name):
        raise violation(
            MODEL_NAME_IMAGE,
            f"model name '{name}' cannot name a Docker image: it starts or ends with "
            "'-' or '_', or joins words with '___' or '_-'",
            f"did you mean '{re.sub(r'[-_]+', '-', name).strip('-_') or 'model'}'?",
        )
    if not name[0].isalpha():
        raise violation(
            MODEL_NAME_SERVICE,
            f"model name '{name}' starts with a digit, so its Kubernetes service name is "
            "invalid and applications using it fail to deploy",
            "start the name with a letter",
        )
    if servable_name_overflow(len(name), 1)[0] == 1:
        raise violation(
            MODEL_NAME_SERVICE,
            f"model name is {len(name)} characters long: every servable name the manager "
            "builds from it (`<model>-<version>-<adjective>-<noun>`) is longer than the "
            f"{spec.SERVICE_NAME_MAX} characters of a Kubernetes Service name, so no "
            "application using it can deploy",
            f"shorten it to {LONGEST_DEPLOYABLE_NAME} characters or fewer; "
            f"{SAFE_NAME_LENGTH} or fewer fits every suffix",
        )
    return name


@functools.cache
def servable_name_overflow(name_length: int, version_digits: int) -> tuple[float, int]:
    """For a model name of this length and a version of this many digits: the share of the
    servable names the manager can draw that are too long for Kubernetes, and how many
    letters the adjective and noun may have together."""
    room = spec.SERVICE_NAME_MAX - name_length - version_digits - len("---")
    adjectives, nouns = spec.SERVABLE_ADJECTIVE_LENGTHS, spec.SERVABLE_NOUN_LENGTHS
    too_long = sum(
        a * n for la, a in adjectives.items() for ln, n in nouns.items() if la + ln > room
    )
    return too_long / (sum(adjectives.values()) * sum(nouns.values())), room


_SHORTEST_SUFFIX = min(spec.SERVABLE_ADJECTIVE_LENGTHS) + min(spec.SERVABLE_NOUN_LENGTHS)
_LONGEST_SUFFIX = max(spec.SERVABLE_ADJECTIVE_LENGTHS) + max(spec.SERVABLE_NOUN_LENGTHS)
#: The longest model name some servable of version 1 fits, and the longest every servable
#: of every checked version fits.
LONGEST_DEPLOYABLE_NAME = spec.SERVICE_NAME_MAX - 1 - len("---") - _SHORTEST_SUFFIX
SAFE_NAME_LENGTH = (
    spec.SERVICE_NAME_MAX - spec.CHECKED_VERSION_DIGITS - len("---") - _LONGEST_SUFFIX
)


ModelName = Annotated[str, AfterValidator(_model_name)]

_RUNTIME_HINT = "write `[registry/]name:tag`, e.g. hydrosphere/serving-runtime-python-3.7:3.0.0"


def split_image_reference(reference: str) -> tuple[str, str | None, str | None]:
    """`registry:5000/name:tag@digest` as (name, tag, digest); tag and digest may be None."""
    name, _, digest = reference.partition("@")
    last_slash = name.rfind("/")
    colon = name.find(":", last_slash + 1)
    if colon < 0:
        return name, None, digest or None
    return name[:colon], name[colon + 1 :], digest or None


def _runtime(reference: str) -> str:
    if not reference.strip():
        raise violation(EMPTY_VALUE, "the runtime is empty", _RUNTIME_HINT)
    if "$" in reference or "{" in reference or "__" in reference.rpartition(":")[2]:
        raise violation(
            RUNTIME_REFERENCE,
            f"runtime '{reference}' contains a template placeholder, not a real tag",
            "replace the placeholder with a released version, e.g. :3.0.0",
        )
    if reference.split() != [reference]:  # (not blank, checked above)
        raise violation(RUNTIME_REFERENCE, f"runtime '{reference}' contains spaces", _RUNTIME_HINT)
    name, tag, digest = split_image_reference(reference)
    if name != name.lower():
        raise violation(
            RUNTIME_REFERENCE,
            f"runtime image name '{name}' must be lowercase",
            f"did you mean '{reference.replace(name, name.lower(), 1)}'?",
        )
    components = name.split("/")
    if len(components) > 1 and (
        "." in components[0] or ":" in components[0] or components[0] == "localhost"
    ):
        domain, components = components[0], components[1:]
        if not spec.RUNTIME_DOMAIN_RE.fullmatch(domain):
            raise violation(
                RUNTIME_REFERENCE,
                f"runtime registry '{domain}' is not a valid host[:port]",
                _RUNTIME_HINT,
            )
    bad = next((c for c in components if not spec.DOCKER_PATH_COMPONENT_RE.fullmatch(c)), None)
    if bad is not None:
        raise violation(
            RUNTIME_REFERENCE,
            f"runtime image name part '{bad}' is invalid: use lowercase letters and digits "
            "joined by '.', '_', '__' or '-'",
            _RUNTIME_HINT,
        )
    if len(name) > spec.RUNTIME_MAX_NAME_LENGTH:
        raise violation(
            RUNTIME_REFERENCE,
            f"runtime image name is {len(name)} characters long; at most "
            f"{spec.RUNTIME_MAX_NAME_LENGTH} are allowed",
        )
    if digest is not None and not spec.RUNTIME_DIGEST_RE.fullmatch(digest):
        raise violation(
            RUNTIME_REFERENCE, f"runtime digest '{digest}' is not a valid digest", _RUNTIME_HINT
        )
    if tag is None:
        raise violation(
            RUNTIME_TAG_MISSING,
            f"runtime '{reference}' has no tag"
            + (" (a digest alone is rejected)" if digest else ""),
            f"pin a released version, e.g. '{name}:3.0.0'",
        )
    if not spec.RUNTIME_TAG_RE.fullmatch(tag):
        raise violation(
            RUNTIME_REFERENCE,
            f"runtime tag '{tag}' is invalid: tags are letters, digits, '_', '.' and '-', "
            "up to 128 characters, not starting with '.' or '-'",
            _RUNTIME_HINT,
        )
    if digest is not None:
        raise violation(
            RUNTIME_DIGEST_DROPPED,
            f"runtime '{reference}' has a tag and a digest; `hs apply` drops the digest",
            f"use the tag alone: '{name}:{tag}'",
        )
    return reference


Runtime = Annotated[str, AfterValidator(_runtime)]


def _payload_entry(entry: str) -> str:
    if not entry.strip():
        raise violation(PAYLOAD_ENTRY, "empty payload entry", "name a file or folder, or remove it")
    return entry


PayloadEntry = Annotated[str, AfterValidator(_payload_entry)]


def _install_command(command: str) -> str:
    if not command.strip():
        raise violation(
            INSTALL_COMMAND_EMPTY,
            "install-command is empty",
            "write the command or remove the key",
        )
    return command


InstallCommand = Annotated[str, AfterValidator(_install_command)]

_TRAINING_DATA_HINT = "use a CSV file: a path such as data/train.csv or s3://bucket/train.csv"


def _training_data(location: str) -> str:
    if not location.strip():
        raise violation(EMPTY_VALUE, "training-data is empty", _TRAINING_DATA_HINT)
    scheme, separator, rest = location.partition("://")
    if separator and scheme.lower() == "s3":
        bucket, _, key = rest.partition("/")
        if not spec.S3_BUCKET_RE.fullmatch(bucket):
            raise violation(
                TRAINING_DATA,
                f"'{bucket}' is not a valid S3 bucket name (3 to 63 lowercase letters, digits, "
                "'.' and '-')",
                _TRAINING_DATA_HINT,
            )
        if not key or key.endswith("/"):
            raise violation(
                TRAINING_DATA,
                f"'{location}' names a bucket or folder, not a CSV object",
                _TRAINING_DATA_HINT,
            )
    elif separator:
        raise violation(
            TRAINING_DATA,
            f"training data at {scheme}:// is not supported: only local files and s3:// are, and "
            f"`hs` would look for a local file named '{location}'",
            "copy the data to S3 or next to the manifest",
        )
    if not location.lower().endswith(spec.TRAINING_DATA_EXTENSION):
        raise violation(
            TRAINING_DATA,
            f"training data '{location}' is not a .csv file; only CSV is supported",
            _TRAINING_DATA_HINT,
        )
    return location


TrainingData = Annotated[str, AfterValidator(_training_data)]

# ------------------------------------------------------------------ monitoring


def _metric_operator(operator: str) -> str:
    if operator in spec.METRIC_OPERATORS:
        return operator
    symbol = spec.METRIC_OPERATOR_SYMBOLS.get(operator.strip())
    matches = [symbol] if symbol else closest(operator, spec.METRIC_OPERATORS)
    raise violation(
        METRIC_OPERATOR,
        f"unknown metric operator '{operator}'",
        did_you_mean(operator, spec.METRIC_OPERATORS, listing="valid operators", matches=matches),
        Replace(symbol) if symbol else None,  # a 2.x symbol means one operator; a typo, a guess
    )


MetricOperator = Annotated[
    str,
    AfterValidator(_metric_operator),
    Field(json_schema_extra={"enum": list(spec.METRIC_OPERATORS)}),
]


class MetricConfig(KebabModel):
    """How a metric model watches this model."""

    monitoring_model: ModelReference = Field(
        description="the metric model version, as name:version"
    )
    threshold: Number = Field(description="the value the metric is compared with")
    operator: MetricOperator = Field(
        description="the comparison: Eq, NotEq, Greater, Less, GreaterEq or LessEq"
    )


class Metric(KebabModel):
    """A custom metric: another model that scores this model's traffic."""

    name: Text = Field(description="the metric's name")
    config: MetricConfig = Field(description="the metric model, threshold and operator")


class MonitoringConfiguration(KebabModel):
    """How requests are batched for monitoring."""

    batch_size: Annotated[Integer, at_least(BATCH_SIZE, 1, "batch-size")] | None = Field(
        None,
        description="requests per monitoring batch (the manager's default is 100)",
        json_schema_extra=hs_required(
            MISSING_HS_FIELD,
            "missing `{key}`: `hs apply` 3.0.3 requires it in monitoring-configuration",
            "add `{key}: 100` (the manager's default), or remove the section",
        ),
    )


# ------------------------------------------------------------------ the kind


class Model(KebabModel):
    """A model version: runtime image, files, contract and optional monitoring."""

    kind: Literal["Model"]
    name: ModelName = Field(
        description="the model's name: lowercase letters, digits, - and _",
        json_schema_extra={"pattern": f"^{spec.MODEL_NAME_RE.pattern}$"},
    )
    runtime: Runtime = Field(description="the runtime Docker image, with a tag")
    payload: list[PayloadEntry] | None = Field(
        None,
        description="files and folders to add to the image, relative to this file",
        json_schema_extra=hs_required(
            MISSING_PAYLOAD,
            "missing `{key}`: `hs apply` 3.0.3 requires it (the docs say optional)",
            "list the model's files, e.g. `payload: [src/, requirements.txt]` (or `[]`)",
        ),
    )
    install_command: InstallCommand | None = Field(
        None, description="a command run while building the image, e.g. pip install"
    )
    training_data: TrainingData | None = Field(
        None, description="training data as a local .csv path or s3://bucket/key.csv"
    )
    metadata: Metadata | None = Field(None, description="text shown on the Hydrosphere UI")
    contract: Contract | None = Field(
        None,
        description="the model's inputs and outputs",
        json_schema_extra=hs_required(
            MISSING_CONTRACT,
            "missing `{key}`: `hs apply` 3.x requires the model's inputs and outputs",
            "add `{key}:` with `inputs:` and `outputs:`",
        ),
    )
    monitoring: list[Metric] | None = Field(None, description="custom metrics")
    monitoring_configuration: MonitoringConfiguration | None = Field(
        None, description="monitoring settings"
    )

    @property
    def signature_name(self) -> str:
        name = self.contract.name if self.contract else None
        return name or spec.DEFAULT_SIGNATURE_NAME

    @property
    def inputs(self) -> dict[str, ContractField]:
        """The contract's inputs (none without a contract, which `hs apply` refuses)."""
        return self.contract.inputs if self.contract else {}

    @property
    def outputs(self) -> dict[str, ContractField]:
        """The contract's outputs."""
        return self.contract.outputs if self.contract else {}
