"""Document checks of `kind: DeploymentConfiguration`."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

from ... import spec
from ...diagnostics import Finding, Path, Target
from ...fixes.changes import Add, Replace
from ...suggest import did_you_mean
from ..values import Check, Document, is_integer, mapping, sequence
from . import kubernetes as k8s
from .rules import (
    CONFIGURATION_NAME_URL,
    ENV_MANAGER_OVERRIDE,
    ENV_NAME,
    HPA_MAX_REPLICAS,
    HPA_OWNS_REPLICAS,
    LABEL_KEY,
    MEMORY_MILLIBYTES,
    NODE_SELECTOR_TERMS,
    QUANTITY,
    REQUEST_ABOVE_LIMIT,
    RESOURCE_NAME,
    SELECTOR_VALUES,
    TOLERATION_EMPTY_KEY,
    TOLERATION_EXISTS_VALUE,
    TOLERATION_NULL_FIELD,
    TOLERATION_SECONDS,
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


def replica_bounds(doc: Document) -> Iterator[Finding]:
    hpa = mapping(doc.get("hpa"))
    low, high = hpa.get("minReplicas"), hpa.get("maxReplicas")
    if is_integer(low) and is_integer(high) and 1 <= high < low:
        yield Finding(
            HPA_MAX_REPLICAS,
            f"maxReplicas ({high}) is smaller than minReplicas ({low})",
            ("hpa", "maxReplicas"),
            f"set maxReplicas to at least {low}",
        )


def autoscaler_owns_replicas(doc: Document) -> Iterator[Finding]:
    if isinstance(doc.get("hpa"), dict) and "replicaCount" in mapping(doc.get("deployment")):
        yield Finding(
            HPA_OWNS_REPLICAS,
            "with `hpa`, the autoscaler decides the number of replicas; replicaCount only "
            "sets the start",
            ("deployment", "replicaCount"),
        )


def name_in_urls(doc: Document) -> Iterator[Finding]:
    name = doc.get("name")
    if isinstance(name, str) and name.strip() and not spec.URL_SAFE_NAME_RE.fullmatch(name):
        yield Finding(
            CONFIGURATION_NAME_URL,
            f"configuration name '{name}' has characters that break the manager's URL lookups",
            ("name",),
            "use letters, digits, '-', '_' and '.'",
        )


# ------------------------------------------------------------------ resources


class _Amount(NamedTuple):
    name: str
    text: str
    value: Decimal
    path: Path


def _quantities(doc: Document, section: str) -> Iterator[_Amount]:
    """The valid quantities of `limits` or `requests` (invalid ones are the models' HY507)."""
    resources = mapping(mapping(doc.get("container")).get("resources"))
    for name, raw in mapping(resources.get(section)).items():
        plain = isinstance(raw, str | int | float) and not isinstance(raw, bool)
        text = str(raw).strip()
        value = k8s.parse_quantity(text) if plain else None
        if isinstance(name, str) and value is not None and value >= 0:
            yield _Amount(name, text, value, ("container", "resources", section, name))


def resources(doc: Document) -> Iterator[Finding]:
    """Resource names, units that cannot be meant, and requests above their limits."""
    resources = mapping(mapping(doc.get("container")).get("resources"))
    for section in ("limits", "requests"):
        for name in mapping(resources.get(section)):
            problem = k8s.resource_name_problem(str(name))
            if problem is not None:
                yield Finding(
                    RESOURCE_NAME,
                    f"resource name '{name}' {problem}",
                    ("container", "resources", section, name),
                    did_you_mean(str(name), [], matches=k8s.suggest_resource(str(name))),
                    Target.KEY,
                )
        for amount in _quantities(doc, section):
            if amount.name in k8s.BYTE_RESOURCES and amount.text.endswith("m"):
                number = amount.text[:-1]
                yield Finding(
                    MEMORY_MILLIBYTES,
                    f"{amount.name} '{amount.text}' is {float(amount.value):g} bytes: `m` means "
                    "thousandths, not mega",
                    amount.path,
                    f"did you mean {number}Mi or {number}M?",
                    change=Replace(f"{number}Mi"),
                )
            if k8s.is_extended_resource(amount.name) and not k8s.is_whole(amount.value):
                yield Finding(
                    QUANTITY,
                    f"'{amount.text}' is not a whole number; extended resources such as "
                    f"{amount.name} are counted in whole units",
                    amount.path,
                )
    limits = {amount.name: amount for amount in _quantities(doc, "limits")}
    for request in _quantities(doc, "requests"):
        limit = limits.get(request.name)
        if k8s.is_extended_resource(request.name):
            if limit is None or limit.value != request.value:
                yield Finding(
                    REQUEST_ABOVE_LIMIT,
                    f"the request of {request.name} must equal its limit"
                    + ("" if limit is None else f" ({limit.text})"),
                    request.path,
                    f"add `{request.name}: {request.text}` to `limits`"
                    if limit is None
                    else "make the request and the limit the same",
                )
        elif limit is not None and request.value > limit.value:
            yield Finding(
                REQUEST_ABOVE_LIMIT,
                f"the {request.name} request is above its limit ({request.text} > {limit.text}); "
                "Kubernetes refuses the container",
                request.path,
                f"lower the request, or raise the limit to at least {request.text}",
            )


# ------------------------------------------------------------------ tolerations


def tolerations(doc: Document) -> Iterator[Finding]:
    for index, toleration in enumerate(sequence(mapping(doc.get("pod")).get("tolerations"))):
        if isinstance(toleration, dict):
            yield from _toleration(toleration, ("pod", "tolerations", index))


def _toleration(toleration: dict[str, Any], path: Path) -> Iterator[Finding]:
    operator = toleration.get("operator")
    key, value = toleration.get("key"), toleration.get("value")
    effect, seconds = toleration.get("effect"), toleration.get("tolerationSeconds")
    if key == "" and operator != "Exists":
        yield Finding(
            TOLERATION_EMPTY_KEY,
            'operator must be Exists when `key` is empty, which means "match every taint"',
            (*path, "key"),
            "name the taint's key, or use `operator: Exists`",
        )
    if operator == "Exists" and value not in (None, ""):
        yield Finding(
            TOLERATION_EXISTS_VALUE,
            "value must be empty when `operator` is 'Exists'",
            (*path, "value"),
            "remove the value, or use `operator: Equal`",
        )
    known_effect = effect in (None, "", *k8s.TOLERATION_EFFECTS)  # unknown ones: HY512
    if seconds is not None and effect != k8s.EVICTING_EFFECT and known_effect:
        shown = f"'{effect}'" if effect else "not set"
        yield Finding(
            TOLERATION_SECONDS,
            f"effect must be 'NoExecute' when `tolerationSeconds` is set (it is {shown}); "
            "Kubernetes refuses the servable",
            (*path, "effect") if effect else (*path, "tolerationSeconds"),
            "use `effect: NoExecute`, or remove `tolerationSeconds`",
            Target.VALUE if effect else Target.KEY,
            change=Replace(k8s.EVICTING_EFFECT)
            if effect
            else Add("effect", k8s.EVICTING_EFFECT)
            if "effect" not in toleration
            else None,
        )
    missing = [name for name in ("key", "tolerationSeconds") if name not in toleration]
    if operator in (None, "Equal") and "value" not in toleration:
        missing.append("value")
    for name in missing:
        hint = _NULL_FIELD_HINTS[name]
        if name == "tolerationSeconds" and effect != k8s.EVICTING_EFFECT:
            hint = _ONLY_NO_EXECUTE.format(effect=effect or "no effect")
        yield Finding(
            TOLERATION_NULL_FIELD,
            f"the toleration has no `{name}`; `hs apply` sends it as null, which the manager "
            "cannot read",
            (*path, name),
            hint,
            Target.PARENT,
        )


_NULL_FIELD_HINTS = {
    "key": "name the taint's key",
    "value": "give the taint's value, or use `operator: Exists`",
    "tolerationSeconds": "add `tolerationSeconds:`, how long pods stay once the taint is set",
}
#: Adding `tolerationSeconds` would trade the manager's error for Kubernetes' one.
_ONLY_NO_EXECUTE = (
    "through `hs apply` only a NoExecute toleration with `tolerationSeconds` can be uploaded "
    "(Kubernetes refuses `tolerationSeconds` with {effect}); if you upload with the SDK or "
    "the API, switch the `manager` layer off for this file"
)


# ------------------------------------------------------------------ affinity


def node_affinity(doc: Document) -> Iterator[Finding]:
    base: Path = ("pod", "affinity", "nodeAffinity")
    affinity = mapping(mapping(mapping(doc.get("pod")).get("affinity")).get("nodeAffinity"))
    required_key = "requiredDuringSchedulingIgnoredDuringExecution"
    required = affinity.get(required_key)
    if isinstance(required, dict):
        terms = required.get("nodeSelectorTerms")
        if terms == []:
            yield Finding(
                NODE_SELECTOR_TERMS,
                "must have at least one node selector term",
                (*base, required_key, "nodeSelectorTerms"),
                "add a term with `matchExpressions`, or remove the required affinity",
            )
        for index, term in enumerate(sequence(terms)):
            yield from _node_selector_term(term, (*base, required_key, "nodeSelectorTerms", index))
    preferred_key = "preferredDuringSchedulingIgnoredDuringExecution"
    for index, weighted in enumerate(sequence(affinity.get(preferred_key))):
        term = mapping(weighted).get("preference")
        yield from _node_selector_term(term, (*base, preferred_key, index, "preference"))


def _node_selector_term(term: Any, path: Path) -> Iterator[Finding]:
    term = mapping(term)
    for index, requirement in enumerate(sequence(term.get("matchExpressions"))):
        yield from _requirement_values(requirement, (*path, "matchExpressions", index))
    for index, requirement in enumerate(sequence(term.get("matchFields"))):
        yield from _field_requirement(requirement, (*path, "matchFields", index))


def _requirement_values(requirement: Any, path: Path) -> Iterator[Finding]:
    """`values` as the operator needs them (unknown operators are the models' HY517)."""
    requirement = mapping(requirement)
    operator, values = requirement.get("operator"), requirement.get("values")
    where = (*path, "values")
    if operator in k8s.OPERATORS_WITH_VALUES and not values:
        yield Finding(
            SELECTOR_VALUES,
            f"values must be non-empty when `operator` is '{operator}'",
            where,
            "list the values to match, e.g. `values: [ssd]`",
            Target.VALUE if "values" in requirement else Target.PARENT,
        )
    elif operator in k8s.OPERATORS_WITHOUT_VALUES and values:
        yield Finding(
            SELECTOR_VALUES,
            f"values must be empty when `operator` is '{operator}'",
            where,
            "remove `values`, or use `operator: In`",
        )
    elif operator in k8s.OPERATORS_WITH_ONE_INTEGER:
        items = sequence(values)
        if len(items) != 1 or not k8s.is_integer_text(str(items[0])):
            yield Finding(
                SELECTOR_VALUES,
                f"values must be a single integer when `operator` is '{operator}'",
                where,
                'write one number, e.g. `values: ["8"]`',
                Target.VALUE if "values" in requirement else Target.PARENT,
            )


def _field_requirement(requirement: Any, path: Path) -> Iterator[Finding]:
    requirement = mapping(requirement)
    key, operator = requirement.get("key"), requirement.get("operator")
    if isinstance(key, str) and key not in k8s.NODE_FIELD_KEYS:
        yield Finding(
            SELECTOR_VALUES,
            f"'{key}' is not a node field Kubernetes can select; matchFields supports "
            "only metadata.name",
            (*path, "key"),
            "select node labels with `matchExpressions` instead",
        )
    if isinstance(operator, str) and operator not in k8s.OPERATORS_WITH_VALUES:
        yield Finding(
            SELECTOR_VALUES,
            f"matchFields supports only the operators In and NotIn, not '{operator}'",
            (*path, "operator"),
        )
    elif len(sequence(requirement.get("values"))) != 1:
        yield Finding(
            SELECTOR_VALUES,
            "matchFields takes exactly one value with `In` or `NotIn`",
            (*path, "values"),
            "name one node",
            Target.VALUE if "values" in requirement else Target.PARENT,
        )


def pod_affinity(doc: Document) -> Iterator[Finding]:
    for path, term in _pod_affinity_terms(doc):
        selector = mapping(term.get("labelSelector"))
        for index, requirement in enumerate(sequence(selector.get("matchExpressions"))):
            yield from _requirement_values(
                requirement, (*path, "labelSelector", "matchExpressions", index)
            )
        yield from _label_keys(selector.get("matchLabels"), (*path, "labelSelector", "matchLabels"))


# ------------------------------------------------------------------ labels and env


def _label_keys(labels: Any, path: Path) -> Iterator[Finding]:
    for key in mapping(labels):
        problem = k8s.label_key_problem(str(key))
        if problem is not None:
            yield Finding(
                LABEL_KEY,
                f"label key '{key}' {problem}",
                (*path, key),
                k8s.label_hint(str(key)),
                Target.KEY,
            )


def node_selector(doc: Document) -> Iterator[Finding]:
    yield from _label_keys(mapping(doc.get("pod")).get("nodeSelector"), ("pod", "nodeSelector"))


def environment(doc: Document) -> Iterator[Finding]:
    for name in mapping(mapping(doc.get("container")).get("env")):
        path = ("container", "env", name)
        problem = k8s.env_name_problem(str(name))
        if problem is not None:
            yield Finding(
                ENV_NAME,
                f"environment variable name '{name}' {problem}",
                path,
                target=Target.KEY,
            )
        if name in k8s.MANAGER_ENV:
            yield Finding(
                ENV_MANAGER_OVERRIDE,
                f"the manager sets {name} on every servable and replaces this value",
                path,
                "remove it; read the port the manager gives instead",
                Target.KEY,
            )


CHECKS: tuple[Check, ...] = (
    replica_bounds,
    autoscaler_owns_replicas,
    name_in_urls,
    resources,
    tolerations,
    node_affinity,
    pod_affinity,
    node_selector,
    environment,
)
