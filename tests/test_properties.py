"""Property-based: whatever the input, a report with located findings, the same every time.

Inputs are mutations of real manifests (the examples and, when present, the corpus): cut
at a byte, bytes inserted, tabs, anchors, aliases and tags spliced in, nodes deleted,
retyped, duplicated or reordered; and random YAML documents. Every failure hypothesis
finds is kept below as an explicit example.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hydro_manifest import Options, validate_text
from hydro_manifest.cli import app
from tests.conftest import CORPUS, EXAMPLES

SEEDS = sorted(
    p.read_bytes()
    for p in [*EXAMPLES.rglob("*.yaml"), *(CORPUS.rglob("*.y*ml") if CORPUS.is_dir() else [])]
)
NO_FILES = Options(file_checks=False)
#: CI runs a bounded number of examples; HYDRO_PROPERTY_EXAMPLES=5000 searches longer.
EXAMPLES_PER_TEST = int(os.environ.get("HYDRO_PROPERTY_EXAMPLES", "150"))
SETTINGS = settings(
    max_examples=EXAMPLES_PER_TEST,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SNIPPETS = [
    b"\t",
    b"&a ",
    b"*a",
    b"*b ",
    b"!!python/object:os.system ",
    b"!Ref ",
    b"<<: *a\n",
    b"? ",
    b": ",
    b"- ",
    b"---\n",
    b"...\n",
    b"[",
    b"]",
    b"{",
    b"}",
    b"'",
    b'"',
    b"#",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"yes",
    b"1:30",
    b"010",
    b"1.10",
    b"~",
    b"\r\n",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["scalar", "int64", "float", "numerical", "IMAGE", "census:1", "-1", "yes"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=12,
)


_YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def check(data: bytes) -> None:
    """The properties every input must have."""
    first = validate_text(data, "input.yaml", options=NO_FILES)
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    lines = _YAML_LINE_BREAK.split(text)  # lines as YAML (and so libyaml's marks) count them
    for d in first.diagnostics:
        assert 1 <= d.line <= len(lines) + 1, d
        if d.line <= len(lines):
            assert 1 <= d.column <= len(lines[d.line - 1]) + 2, d
        assert (d.end_line, d.end_column) >= (d.line, d.column), d
        assert d.message and len(d.message) <= 400
    assert first.exit_code() in (0, 1), [d for d in first.diagnostics if d.rule == "HY000"]
    assert json.loads(json.dumps(first.to_json())) == first.to_json()
    second = validate_text(data, "input.yaml", options=NO_FILES)
    assert second.diagnostics == first.diagnostics


@st.composite
def byte_mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "snippet", "delete", "repeat"]))
        if action == "cut":
            del data[where:]
        elif action == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=8))
        elif action == "snippet":
            data[where:where] = draw(st.sampled_from(SNIPPETS))
        elif action == "delete":
            del data[where : where + draw(st.integers(1, 40))]
        else:
            data[where:where] = data[where : where + draw(st.integers(1, 60))]
    return bytes(data)


def _mutate(value: Any, draw: st.DrawFn, depth: int = 0) -> Any:
    """Delete, retype, duplicate or reorder nodes of a loaded document."""
    if isinstance(value, dict) and value and depth < 6:
        keys = list(value)
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["delete", "retype", "recurse", "reorder", "copy"]))
        if action == "delete":
            value.pop(key)
        elif action == "retype":
            value[key] = draw(VALUES)
        elif action == "recurse":
            value[key] = _mutate(value[key], draw, depth + 1)
        elif action == "reorder":
            value = dict(reversed(list(value.items())))
        else:
            value[f"{key}_copy"] = value[key]
    elif isinstance(value, list) and value and depth < 6:
        index = draw(st.integers(0, len(value) - 1))
        action = draw(st.sampled_from(["delete", "retype", "recurse", "duplicate"]))
        if action == "delete":
            value.pop(index)
        elif action == "retype":
            value[index] = draw(VALUES)
        elif action == "recurse":
            value[index] = _mutate(value[index], draw, depth + 1)
        else:
            value.insert(index, value[index])
    else:
        value = draw(VALUES)
    return value


@st.composite
def structure_mutations(draw: st.DrawFn) -> bytes:
    seed = draw(st.sampled_from(SEEDS))
    try:
        documents = [d for d in yaml.safe_load_all(seed) if d is not None]
    except yaml.YAMLError:
        documents = []
    if not documents:
        return seed
    mutated = [_mutate(d, draw) for d in documents]
    for _ in range(draw(st.integers(0, 3))):
        mutated = [_mutate(d, draw) for d in mutated]
    return yaml.safe_dump_all(mutated, sort_keys=False, allow_unicode=True).encode()


@SETTINGS
@given(byte_mutations())
@example(b"kind: Model\nname: [census\n")
@example(b"\xef\xbb\xbf")
@example(b"a: &a [*a]\n")
@example(b"\x80\x80\x00")  # libyaml counts where it stopped in bytes, not characters
@example(b"contract:\n  inputs:\n    age: {shape: scalar, type: n")  # a '}' in a hint
def test_byte_mutations_of_real_manifests(data: bytes) -> None:
    check(data)


@SETTINGS
@given(structure_mutations())
@example(b"kind: Model\nname: m\ncontract:\n  inputs:\n    x: {type: [float32], profile: {a: 1}}\n")
def test_structural_mutations_of_real_manifests(data: bytes) -> None:
    check(data)


@st.composite
def contract_field_values(draw: st.DrawFn) -> bytes:
    """A Model whose contract fields hold any value where a shape, type or profile goes:
    what is remembered of fields across documents (validated fields, summaries) is keyed
    by those values."""
    keys = st.sets(st.sampled_from(["shape", "type", "profile"]))
    fields = {
        draw(st.sampled_from(["x", "y", "age"])): {key: draw(VALUES) for key in draw(keys)}
        for _ in range(draw(st.integers(1, 3)))
    }
    document = {
        "kind": "Model",
        "name": "m",
        "contract": {"inputs": fields, "outputs": draw(st.sampled_from([fields, {"y": {}}]))},
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode()


@SETTINGS
@given(contract_field_values())
def test_contract_fields_of_any_value(data: bytes) -> None:
    check(data)
    check(data)  # again, with what the first check remembered


@SETTINGS
@given(st.lists(VALUES, min_size=1, max_size=3))
def test_random_yaml_documents(documents: list[Any]) -> None:
    check(yaml.safe_dump_all(documents, allow_unicode=True).encode())


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    check(data)


runner = CliRunner()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(byte_mutations())
def test_the_cli_answers_every_mutation(data: bytes) -> None:
    result = runner.invoke(app, ["validate", "--no-file-checks", "-f", "json", "-"], input=data)
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == 1


def test_seeds_are_real_manifests() -> None:
    assert len(SEEDS) >= 9
    assert all(isinstance(s, bytes) and s for s in SEEDS)
    assert Path(EXAMPLES).is_dir()
