"""`kind: DeploymentConfiguration`: the Kubernetes settings servables are deployed with.

The nested objects follow the Kubernetes objects the docs link to, restricted to the keys
hydrosdk 3.0.3 sends (catalog DC-1 … DC-8); keys are camelCase.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from .. import registry as R
from .. import spec
from .base import CamelModel, Integer, at_least, violation


def _configuration_name(name: str) -> str:
    if not name.strip():
        raise violation(R.EMPTY_VALUE, "the configuration name is empty", "name the configuration")
    if name == spec.RESERVED_DEPLOYMENT_CONFIGURATION_NAME:
        raise violation(
            R.RESERVED_CONFIGURATION_NAME,
            f"'{name}' is the manager's built-in configuration and cannot be created",
            "choose another name; applications can still use the built-in one",
        )
    return name


def _cpu_utilization(percent: int) -> int:
    if percent < 1:
        raise violation(
            R.HPA_CPU_UTILIZATION, f"cpuUtilization is {percent}; the CPU target must be positive"
        )
    if percent > 100:
        raise violation(
            R.HPA_CPU_UTILIZATION_RANGE,
            f"cpuUtilization is {percent}; the docs allow 1 to 100 (percent of requested CPU)",
        )
    return percent


class HorizontalPodAutoscaler(CamelModel):
    """Autoscaling of a servable's pods."""

    min_replicas: Annotated[Integer, at_least(R.HPA_MIN_REPLICAS, 1, "minReplicas")] | None = Field(
        None, description="the fewest pods the autoscaler keeps; at least 1"
    )
    max_replicas: Annotated[Integer, at_least(R.HPA_MAX_REPLICAS, 1, "maxReplicas")] = Field(
        description="the most pods the autoscaler starts; at least minReplicas"
    )
    cpu_utilization: Annotated[Integer, AfterValidator(_cpu_utilization)] | None = Field(
        None, description="target average CPU use, in percent of the requested CPU (1 to 100)"
    )


class Deployment(CamelModel):
    """Deployment-level settings."""

    replica_count: Annotated[Integer, at_least(R.REPLICA_COUNT, 0, "replicaCount")] | None = Field(
        None, description="the number of pods (1 when omitted)"
    )


class ResourceRequirements(CamelModel):
    """Compute resources of the model container, as Kubernetes quantities."""

    limits: dict[str, str] | None = Field(
        None, description="the most of each resource the container may use, e.g. cpu: 500m"
    )
    requests: dict[str, str] | None = Field(
        None, description="the resources reserved for the container, e.g. memory: 2Gi"
    )


class Container(CamelModel):
    """Settings of the model's container."""

    resources: ResourceRequirements | None = Field(None, description="limits and requests")
    env: dict[str, str] | None = Field(
        None, description="environment variables, as a mapping of names to text values"
    )


class Toleration(CamelModel):
    """Lets pods be scheduled onto nodes with a matching taint."""

    key: str | None = Field(None, description="the taint key; empty with Exists matches all")
    operator: str | None = Field(None, description="Equal or Exists")
    value: str | None = Field(None, description="the taint value, for Equal")
    effect: str | None = Field(None, description="NoSchedule, PreferNoSchedule or NoExecute")
    toleration_seconds: Integer | None = Field(
        None, description="how long a NoExecute taint is tolerated"
    )


class NodeSelectorRequirement(CamelModel):
    key: str = Field(description="the node label (or field) key")
    operator: str = Field(description="In, NotIn, Exists, DoesNotExist, Gt or Lt")
    values: list[str] | None = Field(None, description="the values the operator compares with")


class NodeSelectorTerm(CamelModel):
    match_expressions: list[NodeSelectorRequirement] | None = None
    match_fields: list[NodeSelectorRequirement] | None = None


class NodeSelector(CamelModel):
    node_selector_terms: list[NodeSelectorTerm] = Field(
        description="the terms, any of which must match"
    )


class PreferredSchedulingTerm(CamelModel):
    weight: Integer = Field(description="1 to 100")
    preference: NodeSelectorTerm


class NodeAffinity(CamelModel):
    required_during_scheduling_ignored_during_execution: NodeSelector | None = None
    preferred_during_scheduling_ignored_during_execution: list[PreferredSchedulingTerm] | None = (
        None
    )


class LabelSelectorRequirement(CamelModel):
    key: str
    operator: str = Field(description="In, NotIn, Exists or DoesNotExist")
    values: list[str] | None = None


class LabelSelector(CamelModel):
    match_labels: dict[str, str] | None = None
    match_expressions: list[LabelSelectorRequirement] | None = None


class PodAffinityTerm(CamelModel):
    label_selector: LabelSelector | None = Field(
        None, description="the pods this term is about (hs 3.0.3 requires it)"
    )
    namespaces: list[str] | None = None
    topology_key: str = Field(description="the node label that defines 'the same place'")


class WeightedPodAffinityTerm(CamelModel):
    weight: Integer = Field(description="1 to 100")
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

    node_selector: dict[str, str] | None = Field(
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
