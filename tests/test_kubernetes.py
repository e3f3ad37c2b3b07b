"""Kubernetes' grammars: quantities are exact, and labels follow apimachinery's rules."""

from __future__ import annotations

from fractions import Fraction

import pytest

from hydro_manifest.kinds.deployment import kubernetes as k8s


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500m", Fraction(1, 2)),
        ("2Gi", 2 * 1024**3),
        ("4G", 4 * 10**9),
        ("1e3", 1000),
        ("1E3", 1000),
        ("2E", 2 * 10**18),
        ("0.5", Fraction(1, 2)),
        (".5", Fraction(1, 2)),
        ("1.", 1),
        ("+1k", 1000),
        ("-1", -1),
        ("100n", Fraction(1, 10**7)),
        ("0.1", Fraction(1, 10)),
    ],
)
def test_quantities_parse_to_exact_values(text: str, value: Fraction) -> None:
    parsed = k8s.parse_quantity(text)
    assert parsed is not None and Fraction(parsed) == value


@pytest.mark.parametrize(
    ("text", "digits", "exponent"),
    [
        ("1e99999999", (1,), 99999999),
        ("1e9999999", (1,), 9999999),
        ("25e-3", (2, 5), -3),
        # Kubernetes rounds any amount that is not zero up to a billionth
        ("1e-99999999", (1,), -9),
        ("0.1n", (1,), -9),
        # the exponent is read as a 64-bit number and kept in 32 bits (Go's int32(parsed))
        ("1e4294967297", (1,), 1),
        ("1e2147483648", (1,), -9),
    ],
)
def test_exponents_are_kept_not_expanded(text: str, digits: tuple[int, ...], exponent: int) -> None:
    parsed = k8s.parse_quantity(text)
    assert parsed is not None
    assert (parsed.as_tuple().digits, parsed.as_tuple().exponent) == (digits, exponent)


def test_huge_quantities_compare_and_binary_ones_stop_at_the_int64_maximum() -> None:
    assert k8s.parse_quantity("2e99999999") > k8s.parse_quantity("1e99999999")  # type: ignore[operator]
    assert k8s.parse_quantity("1e-99999999") == k8s.parse_quantity("1n")
    assert k8s.parse_quantity("99999999999Ei") == 2**63 - 1
    assert k8s.parse_quantity("9" * 100_000 + "Ki") == 2**63 - 1
    assert k8s.is_whole(k8s.parse_quantity("1e99999999"))  # type: ignore[arg-type]
    assert not k8s.is_whole(k8s.parse_quantity("1e-99999999"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    ["2GB", "4g", "lots", "1.5.2", "", "1 Gi", "Gi", "1e", "0x10", "1e9223372036854775808"],
)
def test_non_quantities_are_rejected(text: str) -> None:
    assert k8s.parse_quantity(text) is None


@pytest.mark.parametrize(
    ("text", "suggestions"),
    [
        ("2GB", ["2G", "2Gi"]),
        ("4g", ["4G", "4Gi"]),
        ("512mi", ["512Mi"]),
        ("1kb", ["1k", "1Ki"]),
        ("lots", []),
        ("1.5.2", []),
    ],
)
def test_quantity_suggestions(text: str, suggestions: list[str]) -> None:
    assert k8s.quantity_suggestions(text) == suggestions


@pytest.mark.parametrize(
    ("key", "valid"),
    [
        ("disktype", True),
        ("kubernetes.io/hostname", True),
        ("cloud.google.com/gke-accelerator", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("disk type", False),
        ("-tier", False),
        ("Example.com/zone", False),
        ("/zone", False),
        ("zone/", False),
        ("", False),
    ],
)
def test_label_keys(key: str, valid: bool) -> None:
    assert (k8s.label_key_problem(key) is None) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("", True), ("ssd", True), ("a.b_c-d", True), ("a map", False), ("x" * 64, False)],
)
def test_label_values(value: str, valid: bool) -> None:
    assert (k8s.label_value_problem(value) is None) is valid


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("cpu", True),
        ("hugepages-2Mi", True),
        ("nvidia.com/gpu", True),
        ("gpu", False),
        ("kubernetes.io/gpu", False),
        ("nvidia.com/", False),
    ],
)
def test_resource_names(name: str, valid: bool) -> None:
    assert (k8s.resource_name_problem(name) is None) is valid


@pytest.mark.parametrize(
    ("name", "valid"),
    [("LOG_LEVEL", True), ("my.var-1", True), ("2WORKERS", False), ("A B", False)],
)
def test_environment_variable_names(name: str, valid: bool) -> None:
    assert (k8s.env_name_problem(name) is None) is valid
