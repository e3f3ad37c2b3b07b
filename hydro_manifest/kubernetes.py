"""Kubernetes' own grammars and enums, for the objects of a DeploymentConfiguration.

The facts are Kubernetes' (k8s.io/apimachinery validation, resource.Quantity, core/v1
ValidateTolerations and ValidateAffinity); the messages say what Kubernetes would say.
Each validator returns the problem as text, or None when the value is fine, so that both
the models (values) and the checks (keys, combinations) can use it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Final

from .suggest import closest

TOLERATION_OPERATORS: Final = ("Equal", "Exists")
TOLERATION_EFFECTS: Final = ("NoSchedule", "PreferNoSchedule", "NoExecute")
#: The effect that `tolerationSeconds` needs.
EVICTING_EFFECT: Final = "NoExecute"
NODE_SELECTOR_OPERATORS: Final = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
LABEL_SELECTOR_OPERATORS: Final = ("In", "NotIn", "Exists", "DoesNotExist")
#: Operators that take a non-empty list of values, none, or exactly one integer.
OPERATORS_WITH_VALUES: Final = ("In", "NotIn")
OPERATORS_WITHOUT_VALUES: Final = ("Exists", "DoesNotExist")
OPERATORS_WITH_ONE_INTEGER: Final = ("Gt", "Lt")
#: A node selector term's `matchFields` can only select the node's name.
NODE_FIELD_KEYS: Final = ("metadata.name",)
WEIGHT_RANGE: Final = (1, 100)

STANDARD_RESOURCES: Final = ("cpu", "memory", "ephemeral-storage")
HUGEPAGES_PREFIX: Final = "hugepages-"
#: Resources measured in bytes, where a `m` (thousandth) suffix is almost surely a mistake.
BYTE_RESOURCES: Final = ("memory", "ephemeral-storage")
#: The environment variable the manager sets on every servable, overriding the user's.
MANAGER_ENV: Final = ("APP_PORT",)

_NAME_MAX = 63
_SUBDOMAIN_MAX = 253
_DNS_LABEL_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_SUBDOMAIN_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_QUALIFIED_NAME_RE = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_NAME_CHARACTERS = (
    "must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit"
)
_ENV_NAME_RE = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")
_INTEGER_RE = re.compile(r"[+-]?\d+")

_QUANTITY_RE = re.compile(
    r"(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?"
)
_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
#: A unit as people write it elsewhere (`GB`, `g`, `gi`) to its decimal and binary forms.
_UNIT_SPELLINGS = re.compile(r"(?P<letter>[kKmMgGtTpPeE])(?P<i>[iI])?(?P<b>[bB])?")


def parse_quantity(text: str) -> Fraction | None:
    """The exact value of a Kubernetes quantity (`500m` is 1/2), or None if it is not one."""
    match = _QUANTITY_RE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        value = Fraction(Decimal(match["number"]))
    except InvalidOperation:
        return None
    suffix = match["suffix"] or ""
    if suffix in _BINARY:
        return value * 1024 ** _BINARY[suffix]
    if suffix in _DECIMAL:
        return value * Fraction(10) ** _DECIMAL[suffix]
    if suffix:
        return value * Fraction(10) ** int(suffix[1:])
    return value


def quantity_suggestions(text: str) -> list[str]:
    """What `2GB`, `4g` or `512mi` was most likely meant as: ['2G', '2Gi']."""
    match = re.fullmatch(r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([A-Za-z]+)\s*", text)
    if match is None:
        return []
    number, unit = match.groups()
    spelled = _UNIT_SPELLINGS.fullmatch(unit)
    if spelled is None:
        return []
    letter = spelled["letter"]
    decimal = "k" if letter in "kK" else letter.upper()
    binary = letter.upper() + "i"
    if spelled["i"]:
        return [number + binary]
    return [number + decimal, number + binary]


def resource_name_problem(name: str) -> str | None:
    """Kubernetes accepts the standard resources and fully qualified extended ones."""
    if name in STANDARD_RESOURCES or name.startswith(HUGEPAGES_PREFIX):
        return None
    prefix, slash, _ = name.rpartition("/")
    if not slash:
        return "must be a standard resource type (cpu, memory, ...) or fully qualified"
    if label_key_problem(name) is not None:
        return "is not a valid qualified name"
    if prefix == "kubernetes.io" or prefix.endswith(".kubernetes.io"):
        return "is in the kubernetes.io domain, which is reserved for standard resources"
    return None


def is_extended_resource(name: str) -> bool:
    return name not in STANDARD_RESOURCES and not name.startswith(HUGEPAGES_PREFIX)


def suggest_resource(name: str) -> list[str]:
    if name.lower() in ("gpu", "gpus"):
        return ["nvidia.com/gpu"]
    return closest(name, STANDARD_RESOURCES, limit=1)


def label_key_problem(key: str) -> str | None:
    """A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63."""
    prefix, slash, name = key.rpartition("/")
    if slash:
        if not prefix:
            return "has an empty prefix before '/'"
        if len(prefix) > _SUBDOMAIN_MAX or not _DNS_SUBDOMAIN_RE.fullmatch(prefix):
            return (
                f"has the prefix '{prefix}', which must be a DNS subdomain: lowercase letters, "
                "digits, '-' and '.'"
            )
    if not name:
        return "has an empty name after '/'" if slash else "is empty"
    if len(name) > _NAME_MAX:
        return f"has a name part of {len(name)} characters; at most {_NAME_MAX} are allowed"
    if not _QUALIFIED_NAME_RE.fullmatch(name):
        return _NAME_CHARACTERS
    return None


def label_value_problem(value: str) -> str | None:
    """A label value: empty, or at most 63 characters with letters or digits at both ends."""
    if value == "":
        return None
    if len(value) > _NAME_MAX:
        return f"is {len(value)} characters long; at most {_NAME_MAX} are allowed"
    if not _QUALIFIED_NAME_RE.fullmatch(value):
        return _NAME_CHARACTERS
    return None


def dns_label_problem(name: str) -> str | None:
    """A namespace name (RFC 1123 label)."""
    if len(name) > _NAME_MAX:
        return f"is {len(name)} characters long; at most {_NAME_MAX} are allowed"
    if not _DNS_LABEL_RE.fullmatch(name):
        return "must consist of lowercase letters, digits and '-', and start and end with one"
    return None


def env_name_problem(name: str) -> str | None:
    if not _ENV_NAME_RE.fullmatch(name):
        return "must consist of letters, digits, '_', '-' or '.', and must not start with a digit"
    return None


def is_integer_text(value: str) -> bool:
    return bool(_INTEGER_RE.fullmatch(value))


def label_like(text: str) -> str:
    """A valid label key or value near `text`: `a map` becomes `a-map`."""
    prefix, slash, name = text.rpartition("/")
    name = re.sub(r"[^-A-Za-z0-9_.]+", "-", name).strip("-_.")[:_NAME_MAX].rstrip("-_.")
    if not slash:
        return name
    prefix = re.sub(r"[^a-z0-9.-]+", "-", prefix.lower()).strip("-.")
    return f"{prefix}/{name}" if prefix else name


def label_hint(text: str) -> str | None:
    """A "did you mean" for an invalid label key or value, when one can be made."""
    near = label_like(text)
    return f"did you mean '{near}'?" if near and near != text else None
