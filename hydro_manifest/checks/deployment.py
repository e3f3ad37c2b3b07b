"""Document checks of `kind: DeploymentConfiguration`."""

from __future__ import annotations

from collections.abc import Iterator

from .. import registry as R
from .. import spec
from ..diagnostics import Finding, Path, Target
from . import Check, Document, is_integer, mapping, sequence


def _required(path: Path, what: str, hint: str) -> Finding:
    return Finding(
        R.MISSING_HS_FIELD,
        f"missing `{path[-1]}` in {what}: `hs apply` 3.0.3 requires it",
        path,
        hint,
        Target.PARENT,
    )


def _pod_affinity_terms(doc: Document) -> Iterator[tuple[Path, dict[str, object]]]:
    affinity = mapping(mapping(doc.get("pod")).get("affinity"))
    for kind in ("podAffinity", "podAntiAffinity"):
        rules = mapping(affinity.get(kind))
        base = ("pod", "affinity", kind)
        required = "requiredDuringSchedulingIgnoredDuringExecution"
        for index, term in enumerate(sequence(rules.get(required))):
            yield (*base, required, index), mapping(term)
        preferred = "preferredDuringSchedulingIgnoredDuringExecution"
        for index, weighted in enumerate(sequence(rules.get(preferred))):
            term = mapping(weighted).get("podAffinityTerm")
            yield (*base, preferred, index, "podAffinityTerm"), mapping(term)


def required_by_hs(doc: Document) -> Iterator[Finding]:
    """Fields `hs apply` 3.0.3 requires although Kubernetes would default them."""
    hpa = doc.get("hpa")
    if isinstance(hpa, dict) and hpa.get("minReplicas") is None:
        yield _required(("hpa", "minReplicas"), "hpa", "add `minReplicas: 1`")
    resources = mapping(doc.get("container")).get("resources")
    if isinstance(resources, dict) and resources.get("limits") is None:
        yield _required(
            ("container", "resources", "limits"),
            "resources",
            "add `limits:` with cpu and memory, e.g. `limits: {cpu: 500m, memory: 1Gi}`",
        )
    for index, toleration in enumerate(sequence(mapping(doc.get("pod")).get("tolerations"))):
        if isinstance(toleration, dict) and toleration.get("operator") is None:
            yield _required(
                ("pod", "tolerations", index, "operator"),
                "the toleration",
                "add `operator: Equal` (with a value) or `operator: Exists`",
            )
    for path, term in _pod_affinity_terms(doc):
        if term and term.get("labelSelector") is None:
            yield _required(
                (*path, "labelSelector"),
                "the pod affinity term",
                "add a `labelSelector` with matchLabels or matchExpressions",
            )


def replica_bounds(doc: Document) -> Iterator[Finding]:
    hpa = mapping(doc.get("hpa"))
    low, high = hpa.get("minReplicas"), hpa.get("maxReplicas")
    if is_integer(low) and is_integer(high) and 1 <= high < low:
        yield Finding(
            R.HPA_MAX_REPLICAS,
            f"maxReplicas ({high}) is smaller than minReplicas ({low})",
            ("hpa", "maxReplicas"),
            f"set maxReplicas to at least {low}",
        )


def autoscaler_owns_replicas(doc: Document) -> Iterator[Finding]:
    if isinstance(doc.get("hpa"), dict) and "replicaCount" in mapping(doc.get("deployment")):
        yield Finding(
            R.HPA_OWNS_REPLICAS,
            "with `hpa`, the autoscaler decides the number of replicas; replicaCount only "
            "sets the start",
            ("deployment", "replicaCount"),
        )


def name_in_urls(doc: Document) -> Iterator[Finding]:
    name = doc.get("name")
    if isinstance(name, str) and name.strip() and not spec.URL_SAFE_NAME_RE.fullmatch(name):
        yield Finding(
            R.CONFIGURATION_NAME_URL,
            f"configuration name '{name}' has characters that break the manager's URL lookups",
            ("name",),
            "use letters, digits, '-', '_' and '.'",
        )


CHECKS: tuple[Check, ...] = (
    required_by_hs,
    replica_bounds,
    autoscaler_owns_replicas,
    name_in_urls,
)
