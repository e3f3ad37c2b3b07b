"""Kubernetes' own grammars and enums, for the objects of a DeploymentConfiguration.

The facts are Kubernetes' (k8s.io/apimachinery validation, resource.Quantity, core/v1
ValidateTolerations and ValidateAffinity); the messages say what Kubernetes would say.
Each validator returns the problem as text, or None when the value is fine, so that both
the models (values) and the checks (keys, combinations) can use it.
"""

from __future__ import annotations

import re
from decimal import MAX_EMAX, MIN_EMIN, ROUND_UP, Context, Decimal
from typing import Final

from ...suggest import closest, suggestable

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
#: Where Kubernetes caps binary amounts (`maxAllowed`), and its finest unit (nano).
_BINARY_MAX = Decimal(2**63 - 1)
_NANO = -9
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_INT32_MIN = -(2**31)
#: Digits beyond the number's own that keep scaling and rounding exact.
_EXTRA_DIGITS = 40
_DECIMAL = {"n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
#: A unit as people write it elsewhere (`GB`, `g`, `gi`) to its decimal and binary forms.
_UNIT_SPELLINGS = re.compile(r"(?P<letter>[kKmMgGtTpPeE])(?P<i>[iI])?(?P<b>[bB])?")


def parse_quantity(text: str) -> Decimal | None:
    """The value of a Kubernetes quantity (`500m` is 0.5), or None if it is not one.

    As `resource.ParseQuantity` reads it: a decimal exponent is a 64-bit number kept in 32
    bits, non-zero values round up to a billionth, and binary amounts stop at 2^63-1. The
    value is an exact Decimal whose exponent is never expanded, so `1e99999999` costs as
    little as `1`.
    """
    match = _QUANTITY_RE.fullmatch(text.strip())
    if match is None:
        return None
    number = Decimal(match["number"])
    suffix = match["suffix"] or ""
    exact = Context(
        prec=len(match["number"]) + _EXTRA_DIGITS, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[]
    )
    if suffix in _BINARY:
        value = exact.multiply(number, Decimal(1024 ** _BINARY[suffix]))
        return min(value, _BINARY_MAX) if value > 0 else max(value, -_BINARY_MAX)
    if suffix in _DECIMAL:
        exponent = _DECIMAL[suffix]
    elif suffix:
        exponent = int(suffix[1:])
        if not _INT64_MIN <= exponent <= _INT64_MAX:
            return None  # strconv.ParseInt fails: not a quantity
        exponent = (exponent - _INT32_MIN) % 2**32 + _INT32_MIN  # Go's int32(parsed)
    else:
        exponent = 0
    value = exact.scaleb(number, exponent)
    if value and value.as_tuple().exponent < _NANO:  # type: ignore[operator]
        value = value.quantize(Decimal(1).scaleb(_NANO), rounding=ROUND_UP, context=exact)
    return value


def is_whole(value: Decimal) -> bool:
    """Whether a quantity is a whole number (extended resources are counted in units)."""
    return value.as_tuple().exponent >= 0 or value == value.to_integral_value()  # type: ignore[operator]


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
    prefix, slash, name = suggestable(text).rpartition("/")
    name = re.sub(r"[^-A-Za-z0-9_.]+", "-", name).strip("-_.")[:_NAME_MAX].rstrip("-_.")
    if not slash:
        return name
    prefix = re.sub(r"[^a-z0-9.-]+", "-", prefix.lower()).strip("-.")
    return f"{prefix}/{name}" if prefix else name


def label_hint(text: str) -> str | None:
    """A "did you mean" for an invalid label key or value, when one can be made."""
    near = label_like(text)
    return f"did you mean '{near}'?" if near and near != text else None
