"""`kind: Application`: one model (`singular`) or a pipeline of stages (`pipeline`)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from ... import spec
from ...suggest import suggestable
from ..base import (
    Integer,
    KebabModel,
    Metadata,
    ModelReference,
    Text,
    at_least,
    refers_to,
    violation,
)
from ..rules import EMPTY_VALUE
from .rules import APPLICATION_NAME, EMPTY_STAGE, PIPELINE_STAGE, VARIANT_WEIGHT


def _application_name(name: str) -> str:
    if not name.strip():
        raise violation(EMPTY_VALUE, "the application name is empty", "name the application")
    if not spec.APPLICATION_NAME_RE.fullmatch(name):
        other = f"[^{spec.APPLICATION_NAME_CHARACTERS}]+"
        better = re.sub(other, "-", suggestable(name)).strip("-") or "app"
        raise violation(
            APPLICATION_NAME,
            f"application name '{name}' may only contain latin letters, digits, '-' and '_'",
            f"did you mean '{better}'?",
        )
    return name


ApplicationName = Annotated[str, AfterValidator(_application_name)]
Weight = Annotated[Integer, at_least(VARIANT_WEIGHT, 0, "the weight")]


class ModelVariant(KebabModel):
    """A model version in a pipeline stage, with its share of the stage's traffic."""

    model: ModelReference = Field(description="the model version, as name:version")
    weight: Weight = Field(
        spec.DEFAULT_VARIANT_WEIGHT,
        description="percent of the stage's traffic; the weights of a stage add up to 100",
    )
    deployment_config: Text | None = Field(
        None,
        description="the DeploymentConfiguration to deploy this variant with",
        json_schema_extra=refers_to("DeploymentConfiguration"),
    )


class Singular(KebabModel):
    """An application of exactly one model version."""

    model: ModelReference = Field(description="the model version, as name:version")
    deployment_config: Text | None = Field(
        None,
        description="the DeploymentConfiguration to deploy the model with",
        json_schema_extra=refers_to("DeploymentConfiguration"),
    )


def _stage(stage: Any) -> Any:
    if isinstance(stage, dict):
        raise violation(
            PIPELINE_STAGE,
            "this stage is a single variant, not a list of variants",
            "each stage is a list: write `- - model: name:1` (two dashes)",
        )
    if stage == []:
        raise violation(EMPTY_STAGE, "this pipeline stage is empty", "add a `- model: name:1`")
    return stage


Stage = Annotated[list[ModelVariant], BeforeValidator(_stage)]


class Application(KebabModel):
    """An application: exactly one of `singular` and `pipeline`."""

    kind: Literal["Application"]
    name: ApplicationName = Field(
        description="latin letters, digits, - and _",
        json_schema_extra={"pattern": f"^{spec.APPLICATION_NAME_RE.pattern}$"},
    )
    singular: Singular | None = Field(None, description="a single-model application")
    pipeline: list[Stage] | None = Field(
        None, description="stages run in order; each stage is a list of weighted variants"
    )
    metadata: Metadata | None = Field(None, description="text shown on the Hydrosphere UI")
