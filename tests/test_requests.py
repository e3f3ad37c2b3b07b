"""Sample bodies from contracts, and checks of request bodies against them."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import Model, Options, load_text, validate_file
from hydro_manifest.cli import app
from hydro_manifest.requests import INTEGER_RANGES, check_request, sample_request
from tests.conftest import (
    CLAIMS_INPUTS,
    CLAIMS_OUTPUTS,
    CORPUS,
    EXAMPLES,
    FIXTURES,
    model_manifest,
    needs_shared,
    observed,
)

runner = CliRunner()
NO_FILES = Options(file_checks=False)
CONTRACT = model_manifest("claims", inputs=CLAIMS_INPUTS, outputs=CLAIMS_OUTPUTS)


def model() -> Model:
    (found,) = load_text(CONTRACT, options=NO_FILES)
    assert isinstance(found, Model)
    return found


def valid_models() -> list[tuple[str, Model]]:
    """Every Model of the examples and the corpus that hydro accepts."""
    paths = [*EXAMPLES.rglob("*.yaml"), *(CORPUS.rglob("*.y*ml") if CORPUS.is_dir() else [])]
    found = []
    for path in sorted(paths):
        report = validate_file(path, options=NO_FILES)
        for document in report.documents:
            if document.kind == "Model" and document.resource is not None and report.ok:
                found.append((f"{path.name}:{document.name}", document.resource))
    return found


@pytest.mark.parametrize(("name", "found"), valid_models(), ids=[n for n, _ in valid_models()])
@pytest.mark.parametrize("batch", [1, 3])
def test_every_sample_passes_its_own_check(name: str, found: Model, batch: int) -> None:
    for seed in range(3):
        body = json.dumps(sample_request(found, seed=seed, batch=batch))
        assert check_request(found, body).diagnostics == []
        response = json.dumps(sample_request(found, seed=seed, outputs=True))
        assert check_request(found, response, outputs=True).diagnostics == []


@needs_shared
def test_the_corpus_gives_models_to_sample() -> None:
    assert len(valid_models()) >= 10


def test_samples_follow_shape_type_and_profile() -> None:
    body = sample_request(model(), seed=7, batch=4)
    assert isinstance(body["amount"], float)
    assert 0 <= body["age"] <= INTEGER_RANGES["uint8"][1]
    assert len(body["history"]) == 4 and all(len(row) == 3 for row in body["history"])
    assert all(isinstance(v, int) for row in body["history"] for v in row)
    assert [len(row) for row in body["image"]] == [2, 2]
    assert all(0 <= v <= 1 for row in body["image"] for v in row)  # pixel intensities
    assert len(body["note"].split()) >= 3  # text is words
    assert isinstance(body["flag"], bool)
    assert sample_request(model(), seed=7, batch=4) == body
    assert sample_request(model(), seed=8, batch=4) != body


BODY = """\
{
  "amount": "120.5",
  "age": 300,
  "history": [[1, 2, 3], [4, 5]],
  "image": [[0.1, 0.2], [0.3]],
  "note": 42,
  "flag": true,
  "colour": "red",
  "extra": {"nested": [1]}
}
"""


def test_each_kind_of_mistake_with_its_path_and_position() -> None:
    body = BODY.replace('  "flag": true,\n', "").replace('"age": 300', '"age": 7.5')
    report = check_request(model(), body, filename="request.json")
    assert observed(report.diagnostics) == sorted(
        [
            ("HY702", 2, 3, "$.flag"),
            ("HY704", 2, 13, "$.amount"),
            ("HY706", 3, 10, "$.age"),
            ("HY707", 4, 26, "$.history[1]"),
            ("HY707", 5, 25, "$.image[1]"),
            ("HY704", 6, 11, "$.note"),
            ("HY703", 7, 3, "$.colour"),
            ("HY703", 8, 3, "$.extra"),
        ]
    )


GOOD = """\
{
  "amount": 120.5,
  "age": 30,
  "history": [[1, 2, 3]],
  "image": [[0.1, 0.2], [0.3, 0.4]],
  "note": "a b c",
  "flag": true
}
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"age": 30', '"age": -1', ("HY705", 3, 10, "$.age")),
        ('"age": 30', '"age": 300', ("HY705", 3, 10, "$.age")),
        ("[[1, 2, 3]]", "[1, 2, 3]", ("HY707", 4, 14, "$.history")),
        ("[[1, 2, 3]]", "[[[1], [2], [3]]]", ("HY707", 4, 15, "$.history[0]")),
        ("[[1, 2, 3]]", "[[1, 2, 3, 4]]", ("HY707", 4, 15, "$.history[0]")),
        ("[[0.1, 0.2], [0.3, 0.4]]", "[[0.1, 0.2]]", ("HY707", 5, 12, "$.image")),
        ('"amount": 120.5', '"amount": [1.5]', ("HY707", 2, 13, "$.amount")),
        ('"flag": true', '"flag": 1', ("HY704", 7, 11, "$.flag")),
    ],
)
def test_ranges_ranks_and_fixed_sizes(old: str, new: str, expected: tuple) -> None:
    assert check_request(model(), GOOD).diagnostics == []
    assert old in GOOD
    found = observed(check_request(model(), GOOD.replace(old, new)).diagnostics)
    assert found == [expected]


def test_a_body_that_is_not_json_or_not_an_object() -> None:
    (broken,) = check_request(model(), '{"amount": 1,\n  "age": }').diagnostics
    assert (broken.rule, broken.line, broken.column, broken.path) == ("HY701", 2, 10, None)
    (listed,) = check_request(model(), "[1, 2]").diagnostics
    assert (listed.rule, listed.path) == ("HY701", ())


# ------------------------------------------------------------------ the CLI


def test_sample_and_check_request_round_trip_through_the_cli(tmp_path: Path) -> None:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(CONTRACT)
    sampled = runner.invoke(app, ["sample", str(manifest), "--seed", "3", "--batch", "2"])
    assert sampled.exit_code == 0
    request = tmp_path / "request.json"
    request.write_text(sampled.stdout)
    checked = runner.invoke(app, ["check-request", str(manifest), str(request)])
    assert checked.exit_code == 0, checked.output
    assert json.loads(sampled.stdout) == sample_request(model(), seed=3, batch=2)


def test_check_request_in_every_format(tmp_path: Path) -> None:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(CONTRACT)
    request = tmp_path / "request.json"
    request.write_text(BODY)
    text = runner.invoke(app, ["check-request", str(manifest), str(request)])
    assert text.exit_code == 1
    assert f'{request}:2:13: error[HY704] the string "120.5" where `amount` (double)' in text.output
    assert text.output.splitlines()[-1].startswith("1 file, 1 document: ")  # the body
    report = json.loads(
        runner.invoke(app, ["check-request", str(manifest), str(request), "-f", "json"]).stdout
    )
    assert report["files"][0]["documents"] == [
        {"index": 0, "kind": "Request", "name": model().name, "line": 1}
    ]
    first = report["diagnostics"][0]
    assert (first["file"], first["line"], first["column"], first["path"]) == (
        str(request),
        2,
        13,
        ["amount"],
    )
    sarif = json.loads(
        runner.invoke(app, ["check-request", str(manifest), str(request), "-f", "sarif"]).stdout
    )
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (2, 13)
    github = runner.invoke(app, ["check-request", str(manifest), str(request), "-f", "github"])
    assert github.stdout.startswith(f"::error file={request},line=2,col=13,")


def test_an_application_samples_its_first_stage(tmp_path: Path) -> None:
    folder = FIXTURES / "project" / "pipeline"
    result = runner.invoke(
        app,
        [
            "sample",
            str(folder / "app.yaml"),
            "--with",
            str(folder / "models" / "claims.yaml"),
            "-f",
            "curl",
            "--url",
            "https://hydro.example.com/",
        ],
    )
    assert result.exit_code == 0, result.output
    words = shlex.split(result.stdout)
    assert words[:5] == ["curl", "-X", "POST", "-H", "Content-Type: application/json"]
    assert words[-1] == "https://hydro.example.com/gateway/application/claims-pipeline"
    assert set(json.loads(words[6])) == {"amount"}


def test_check_request_of_a_response(tmp_path: Path) -> None:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(CONTRACT)
    response = tmp_path / "response.json"
    response.write_text('{"risk": "high"}\n')
    result = runner.invoke(app, ["check-request", "--outputs", str(manifest), str(response)])
    assert result.exit_code == 1
    assert "HY704" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sample", "--name", "claim"], "no Model or Application named 'claim'"),
        (["sample", "-f", "curl"], "--format curl needs --url"),
        (["sample", "-f", "xml"], "unknown format 'xml'"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(CONTRACT)
    result = runner.invoke(app, [*args[:1], str(manifest), *args[1:]])
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_broken_manifest_is_shown_and_fails(tmp_path: Path) -> None:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(
        CONTRACT.replace("type: double, profile: numerical}\n    age", "type: dbl}\n    age")
    )
    result = runner.invoke(app, ["sample", str(manifest)])
    assert result.exit_code == 1
    assert "HY309" in result.stderr


def test_with_takes_a_folder_of_manifests() -> None:
    folder = FIXTURES / "project" / "pipeline"
    by_folder = runner.invoke(
        app, ["sample", str(folder / "app.yaml"), "--with", str(folder / "models")]
    )
    by_file = runner.invoke(
        app, ["sample", str(folder / "app.yaml"), "--with", str(folder / "models" / "claims.yaml")]
    )
    assert by_folder.exit_code == 0, by_folder.output
    assert by_folder.stdout == by_file.stdout
