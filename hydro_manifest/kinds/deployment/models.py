"""`kind: DeploymentConfiguration`: the Kubernetes settings servables are deployed with.

The nested objects follow the Kubernetes objects the docs link to, restricted to the keys
hydrosdk 3.0.3 sends (catalog DC-1 … DC-8); keys are camelCase.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from ... import spec
from ...fixes.changes import PairsToMapping, rename
from ...rules import Rule
from ...suggest import closest, did_you_mean
from ..base import CamelModel, Choices, Integer, at_least, hs_required, one_of, violation
from ..rules import EMPTY_VALUE, MISSING_HS_FIELD
from . import kubernetes as k8s
from .rules import (
    AFFINITY_WEIGHT,
    ENV_LIST,
    HPA_CPU_UTILIZATION,
    HPA_CPU_UTILIZATION_RANGE,
    HPA_MAX_REPLICAS,
    HPA_MIN_REPLICAS,
    LABEL_KEY,
    LABEL_VALUE,
    NAMESPACE_NAME,
    QUANTITY,
    REPLICA_COUNT,
    RESERVED_CONFIGURATION_NAME,
    SELECTOR_OPERATOR,
    TOLERATION_EFFECT,
    TOLERATION_OPERATOR,
    TOPOLOGY_KEY,
)


def _hs_required(owner: str, hint: str) -> dict[str, Any]:
    """A key `hs apply` 3.0.3 requires in `owner`, although Kubernetes would default it."""
    return hs_required(
        MISSING_HS_FIELD, f"missing `{{key}}` in {owner}: `hs apply` 3.0.3 requires it", hint
    )


def _configuration_name(name: str) -> str:
    if not name.strip():
        raise violation(EMPTY_VALUE, "the configuration name is empty", "name the configuration")
    if name == spec.RESERVED_DEPLOYMENT_CONFIGURATION_NAME:
        raise violation(
            RESERVED_CONFIGURATION_NAME,
            f"'{name}' is the manager's built-in configuration and cannot be created",
            "choose another name; applications can still use the built-in one",
        )
    return name


def _cpu_utilization(percent: int) -> int:
    if percent < 1:
        raise violation(
            HPA_CPU_UTILIZATION, f"cpuUtilization is {percent}; the CPU target must be positive"
        )
    if percent > 100:
        raise violation(
            HPA_CPU_UTILIZATION_RANGE,
            f"cpuUtilization is {percent}; the docs allow 1 to 100 (percent of requested CPU)",
        )
    return percent


class HorizontalPodAutoscaler(CamelModel):
    """Autoscaling of a servable's pods."""

    min_replicas: Annotated[Integer, at_least(HPA_MIN_REPLICAS, 1, "minReplicas")] | None = Field(
        None,
        description="the fewest pods the autoscaler keeps; at least 1",
        json_schema_extra=_hs_required("hpa", "add `{key}: 1`"),
    )
    max_replicas: Annotated[Integer, at_least(HPA_MAX_REPLICAS, 1, "maxReplicas")] = Field(
        description="the most pods the autoscaler starts; at least minReplicas"
    )
    cpu_utilization: Annotated[Integer, AfterValidator(_cpu_utilization)] | None = Field(
        None, description="target average CPU use, in percent of the requested CPU (1 to 100)"
    )


class Deployment(CamelModel):
    """Deployment-level settings."""

    replica_count: Annotated[Integer, at_least(REPLICA_COUNT, 0, "replicaCount")] | None = Field(
        None, description="the number of pods (1 when omitted)"
    )


def _quantity(text: str) -> str:
    value = k8s.parse_quantity(text)
    if value is None:
        suggestions = k8s.quantity_suggestions(text)
        hint = (
            "did you mean " + " or ".join(suggestions) + "?"
            if suggestions
            else "write a number with an optional unit, e.g. 500m, 2, 512Mi, 4G"
        )
        raise violation(QUANTITY, f"'{text}' is not a Kubernetes quantity", hint)
    if value < 0:
        raise violation(QUANTITY, f"'{text}' is negative; amounts must be at least 0")
    return text


def _grammar(
    rule: Rule,
    problem: Callable[[str], str | None],
    what: str,
    hint: Callable[[str], str | None] | None = None,
) -> AfterValidator:
    """A text that must follow one of Kubernetes' grammars (see `hydro_manifest.kubernetes`)."""

    def check(value: str) -> str:
        found = problem(value)
        if found is not None:
            raise violation(rule, f"{what} '{value}' {found}", hint(value) if hint else None)
        return value

    return AfterValidator(check)


def _env_mapping(value: Any) -> Any:
    if isinstance(value, list):
        # Values may be secrets, and reports are read more widely than the repository:
        # the hint names the keys only.
        names = [
            item["name"]
            for item in value
            if isinstance(item, dict) and isinstance(item.get("name"), str)
        ]
        example = "{" + ", ".join(f"{n}: ..." for n in names) + "}" if names else "{NAME: ...}"
        raise violation(
            ENV_LIST,
            "`env` is written as a list of name/value pairs, as in a Kubernetes pod spec; a "
            "DeploymentConfiguration takes a mapping of names to values, and `hs` silently "
            "mangles the list",
            f"write it as a mapping of each name to its value: `env: {example}`",
            PairsToMapping("name", "value"),
        )
    return value


def _weight(weight: int) -> int:
    low, high = k8s.WEIGHT_RANGE
    if not low <= weight <= high:
        raise violation(AFFINITY_WEIGHT, f"weight is {weight}; it must be {low} to {high}")
    return weight


def _topology_key(key: str) -> str:
    if not key:
        raise violation(
            TOPOLOGY_KEY,
            "topologyKey is empty",
            "name a node label, e.g. kubernetes.io/hostname or topology.kubernetes.io/zone",
        )
    problem = k8s.label_key_problem(key)
    if problem is not None:
        raise violation(TOPOLOGY_KEY, f"topologyKey '{key}' {problem}")
    return key


Quantity = Annotated[str, AfterValidator(_quantity)]
LabelKey = Annotated[str, _grammar(LABEL_KEY, k8s.label_key_problem, "label key", k8s.label_hint)]
LabelValue = Annotated[
    str, _grammar(LABEL_VALUE, k8s.label_value_problem, "label value", k8s.label_hint)
]
Weight = Annotated[Integer, AfterValidator(_weight)]
Namespace = Annotated[str, _grammar(NAMESPACE_NAME, k8s.dns_label_problem, "namespace")]


def _toleration_key_problem(key: str) -> str | None:
    """An empty key is a valid key here: with Exists it matches every taint."""
    return None if key == "" else k8s.label_key_problem(key)


def _effect(effect: str) -> str:
    if effect and effect not in k8s.TOLERATION_EFFECTS:
        matches = closest(effect, k8s.TOLERATION_EFFECTS)
        raise violation(
            TOLERATION_EFFECT,
            f"unknown toleration effect '{effect}'",
            did_you_mean(effect, k8s.TOLERATION_EFFECTS, listing="valid effects", matches=matches),
            rename(matches),
        )
    return effect


TolerationKey = Annotated[str, _grammar(LABEL_KEY, _toleration_key_problem, "key", k8s.label_hint)]


class ResourceRequirements(CamelModel):
    """Compute resources of the model container, as Kubernetes quantities."""

    limits: dict[str, Quantity] | None = Field(
        None,
        description="the most of each resource the container may use, e.g. cpu: 500m",
        json_schema_extra=_hs_required(
            "resources",
            "add `{key}:` with cpu and memory, e.g. `{key}: {{cpu: 500m, memory: 1Gi}}`",
        ),
    )
    requests: dict[str, Quantity] | None = Field(
        None, description="the resources reserved for the container, e.g. memory: 2Gi"
    )


class Container(CamelModel):
    """Settings of the model's container."""

    resources: ResourceRequirements | None = Field(None, description="limits and requests")
    env: Annotated[dict[str, str] | None, BeforeValidator(_env_mapping)] = Field(
        None, description="environment variables, as a mapping of names to text values"
    )


class Toleration(CamelModel):
    """Lets pods be scheduled onto nodes with a matching taint."""

    key: TolerationKey | None = Field(
        None, description="the taint key; empty with Exists matches all"
    )
    operator: (
        Annotated[str, one_of(TOLERATION_OPERATOR, k8s.TOLERATION_OPERATORS, "operator")] | None
    ) = Field(
        None,
        description="Equal or Exists",
        json_schema_extra=_hs_required(
            "the toleration", "add `{key}: Equal` (with a value) or `{key}: Exists`"
        ),
    )
    value: LabelValue | None = Field(None, description="the taint value, for Equal")
    effect: (
        Annotated[str, AfterValidator(_effect), Choices((*k8s.TOLERATION_EFFECTS, ""))] | None
    ) = Field(None, description="NoSchedule, PreferNoSchedule or NoExecute; empty for all")
    toleration_seconds: Integer | None = Field(
        None, description="how long a NoExecute taint is tolerated"
    )


class NodeSelectorRequirement(CamelModel):
    key: LabelKey = Field(description="the node label (or field) key")
    operator: Annotated[str, one_of(SELECTOR_OPERATOR, k8s.NODE_SELECTOR_OPERATORS, "operator")] = (
        Field(description="In, NotIn, Exists, DoesNotExist, Gt or Lt")
    )
    values: list[str] | None = Field(None, description="the values the operator compares with")


class NodeSelectorTerm(CamelModel):
    match_expressions: list[NodeSelectorRequirement] | None = None
    match_fields: list[NodeSelectorRequirement] | None = None


class NodeSelector(CamelModel):
    node_selector_terms: list[NodeSelectorTerm] = Field(
        description="the terms, any of which must match"
    )


class PreferredSchedulingTerm(CamelModel):
    weight: Weight = Field(description="1 to 100")
    preference: NodeSelectorTerm


class NodeAffinity(CamelModel):
    required_during_scheduling_ignored_during_execution: NodeSelector | None = None
    preferred_during_scheduling_ignored_during_execution: list[PreferredSchedulingTerm] | None = (
        None
    )


class LabelSelectorRequirement(CamelModel):
    key: LabelKey
    operator: Annotated[
        str, one_of(SELECTOR_OPERATOR, k8s.LABEL_SELECTOR_OPERATORS, "operator")
    ] = Field(description="In, NotIn, Exists or DoesNotExist")
    values: list[str] | None = None


class LabelSelector(CamelModel):
    match_labels: dict[str, LabelValue] | None = None
    match_expressions: list[LabelSelectorRequirement] | None = None


class PodAffinityTerm(CamelModel):
    label_selector: LabelSelector | None = Field(
        None,
        description="the pods this term is about (hs 3.0.3 requires it)",
        json_schema_extra=_hs_required(
            "the pod affinity term", "add a `{key}` with matchLabels or matchExpressions"
        ),
    )
    namespaces: list[Namespace] | None = None
    topology_key: Annotated[str, AfterValidator(_topology_key)] = Field(
        description="the node label that defines 'the same place'"
    )


class WeightedPodAffinityTerm(CamelModel):
    weight: Weight = Field(description="1 to 100")
    pod_affinity_term: PodAffinityTerm


class PodAffinity(CamelModel):
    required_during_scheduling_ignored_during_execution: list[PodAffinityTerm] | None = None
    preferred_during_scheduling_ignored_during_execution: list[WeightedPodAffinityTerm] | None = (
        None
    )


class Affinity(CamelModel):
    node_affinity: NodeAffinity | None = None
    pod_affinity: PodAffinity | None = None
    pod_anti_affinity: PodAffinity | None = None


class Pod(CamelModel):
    """Pod-level scheduling settings."""

    node_selector: dict[str, LabelValue] | None = Field(
        None, description="node labels a node must have to run the pod"
    )
    tolerations: list[Toleration] | None = None
    affinity: Affinity | None = None


class DeploymentConfiguration(CamelModel):
    """Kubernetes settings for servables: autoscaling, replicas, container and pod."""

    kind: Literal["DeploymentConfiguration"]
    name: Annotated[str, AfterValidator(_configuration_name)] = Field(
        description="the name applications refer to with `deployment-config`"
    )
    hpa: HorizontalPodAutoscaler | None = None
    deployment: Deployment | None = None
    container: Container | None = None
    pod: Pod | None = None
