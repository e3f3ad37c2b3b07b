"""The contract as a runtime reads it: `hydro contract`, checked against the official code.

The official check runs hs 3.0.3's own `Contract.to_proto()` and decodes hydro's bytes
with the generated classes of `hydro_serving_grpc` 3.0.3, in a virtual environment of
their own (they pin protobuf 3, which cannot share a process with today's protobuf).
Where they cannot be installed, the test skips and says why.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import Options, encode_contract, load_model, validate_paths
from hydro_manifest.cli import app
from hydro_manifest.wire import messages
from tests.conftest import CORPUS, EXAMPLES, FIXTURES

OFFICIAL_PACKAGES = ("hydro-serving-grpc==3.0.3", "hs==3.0.3")
#: What hs's contract module needs besides itself: its base entity is a pydantic 1 model,
#: and the protobuf its generated classes were made for.
OFFICIAL_SUPPORT = ("protobuf>=3.20,<4", "pydantic<2", "pyyaml")

#: Runs in the official environment: hs's Contract parses each manifest's document as
#: `hs apply` loads it (yaml.safe_load_all), builds its signature with `to_proto()`, and
#: compares it with hydro's bytes decoded by the official classes. hs's base entity
#: (pydantic_yaml's YamlModel) and hydrosdk's signature module, which pull in numpy and
#: pandas, are replaced by what the contract code uses of them: a pydantic 1 model with
#: the same configuration, and the official ModelSignature and ModelField.
OFFICIAL_SCRIPT = """
import json, sys, types
import pydantic, yaml
from hydro_serving_grpc.serving.contract.field_pb2 import ModelField
from hydro_serving_grpc.serving.contract.signature_pb2 import ModelSignature

class BaseEntity(pydantic.BaseModel):
    class Config:
        alias_generator = staticmethod(lambda name: name.replace("_", "-"))
        allow_population_by_field_name = True

for name, attributes in {
    "hs.entities.base_entity": {"BaseEntity": BaseEntity},
    "hydrosdk": {},
    "hydrosdk.signature": {"ModelSignature": ModelSignature, "ModelField": ModelField},
}.items():
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    sys.modules[name] = module

from hs.entities.contract import Contract

results = {}
for case in json.load(sys.stdin):
    with open(case["file"], encoding="utf-8") as stream:
        documents = list(yaml.safe_load_all(stream))
    try:
        theirs = Contract.parse_obj(documents[case["index"]]["contract"]).to_proto()
    except Exception as error:  # hs refuses a contract hydro accepts: the test says which
        results[case["id"]] = {"refused": str(error)}
        continue
    ours = bytes.fromhex(case["bytes"])
    decoded = ModelSignature.FromString(ours)
    results[case["id"]] = {
        "equal": decoded == theirs,
        "same_bytes": theirs.SerializeToString(deterministic=True) == ours,
        "theirs": str(theirs),
        "ours": str(decoded),
    }
json.dump(results, sys.stdout)
"""


@pytest.fixture(scope="session")
def official_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Python with hs 3.0.3 and hydro_serving_grpc 3.0.3 installed (skips without)."""
    folder = tmp_path_factory.mktemp("official") / "venv"
    venv.create(folder, with_pip=True)
    python = folder / "bin" / "python"
    for packages, flags in ((OFFICIAL_SUPPORT, ()), (OFFICIAL_PACKAGES, ("--no-deps",))):
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *flags, *packages],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.skip(f"cannot install {' '.join(packages)} to compare with: {last}")
    return python


def valid_models() -> list[tuple[str, Path, int]]:
    """Every Model hs would accept among the examples, the fixtures and the corpus."""
    roots = [EXAMPLES, FIXTURES, *([CORPUS] if CORPUS.is_dir() else [])]
    files = sorted(p for root in roots for p in root.rglob("*") if p.suffix in (".yaml", ".yml"))
    report = validate_paths([str(p) for p in files], options=Options(file_checks=False))
    found = []
    for file_report in report.files:
        erring = {d.document for d in file_report.diagnostics if d.severity.value == "error"}
        if None in erring:  # an error of the file's text: which document it breaks is unknown
            continue
        for document in file_report.documents:
            if document.kind == "Model" and document.resource and document.index not in erring:
                found.append((f"{file_report.file}#{document.index}", Path(file_report.file),
                              document.index))  # fmt: skip
    return found


def test_the_bytes_are_the_signature_hs_builds_for_every_model(official_python: Path) -> None:
    models = valid_models()
    assert len(models) > 40  # the examples, the fixtures' valid Models, the corpus
    cases = []
    for case_id, path, index in models:
        report = validate_paths([str(path)], options=Options(file_checks=False))
        model = next(d.resource for d in report.documents if d.index == index)
        data = encode_contract(model)  # type: ignore[arg-type]
        cases.append({"id": case_id, "file": str(path), "index": index, "bytes": data.hex()})
    done = subprocess.run(
        [str(official_python), "-c", OFFICIAL_SCRIPT],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert set(results) == {case["id"] for case in cases}
    refused = {case_id: r["refused"] for case_id, r in results.items() if "refused" in r}
    assert refused == {}
    different = {
        case_id: (result["theirs"], result["ours"])
        for case_id, result in results.items()
        if not (result["equal"] and result["same_bytes"])
    }
    assert different == {}


def test_the_signature_keeps_the_manifests_order_types_shapes_and_profiles(tmp_path: Path) -> None:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(
        "kind: Model\nname: digits\nruntime: hydrosphere/serving-runtime-python-3.8:3.0.0\n"
        "payload: [src/]\ncontract:\n  name: infer\n  inputs:\n"
        "    pixels: {shape: [-1, 28, 28], type: half, profile: image}\n"
        "    label: {shape: scalar, type: string, profile: CATEGORICAL}\n"
        "  outputs:\n    probabilities: {shape: [-1, 10], type: double, profile: numerical}\n",
        encoding="utf-8",
    )
    model = load_model(manifest, options=Options(file_checks=False))
    signature = messages.ModelSignature.FromString(encode_contract(model))
    assert signature.signature_name == "infer"
    assert [f.name for f in signature.inputs] == ["pixels", "label"]
    pixels, label = signature.inputs
    assert list(pixels.shape.dims) == [-1, 28, 28]
    assert pixels.dtype == messages.DATA_TYPES["DT_HALF"]
    assert pixels.profile == messages.PROFILE_TYPES["IMAGE"]
    assert label.HasField("shape") and list(label.shape.dims) == []  # scalar: present, empty
    assert label.profile == messages.PROFILE_TYPES["CATEGORICAL"]
    assert signature.outputs[0].dtype == messages.DATA_TYPES["DT_DOUBLE"]


CENSUS = EXAMPLES / "census" / "serving.yaml"
runner = CliRunner()


def test_contract_writes_protobin_to_a_file_and_text_and_json_to_stdout(tmp_path: Path) -> None:
    target = tmp_path / "contract.protobin"
    done = runner.invoke(app, ["contract", str(CENSUS), "-o", str(target)])
    assert done.exit_code == 0, done.output
    assert target.read_bytes() == encode_contract(load_model(CENSUS))
    decoded = messages.ModelSignature.FromString(target.read_bytes())
    assert decoded.signature_name == "predict" and decoded.inputs[0].name == "age"

    text = runner.invoke(app, ["contract", str(CENSUS), "--format", "text"])
    assert text.exit_code == 0
    assert text.stdout.startswith('signature_name: "predict"\ninputs {\n  name: "age"\n')
    assert "  dtype: DT_INT64\n  profile: NUMERICAL\n" in text.stdout

    as_json = json.loads(runner.invoke(app, ["contract", str(CENSUS), "-f", "json"]).stdout)
    assert as_json["signatureName"] == "predict"
    assert as_json["inputs"][0] == {
        "name": "age", "shape": {}, "dtype": "DT_INT64", "profile": "NUMERICAL"
    }  # fmt: skip


def test_contract_of_the_process_is_the_bytes_piped_out() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "contract", str(CENSUS)],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == encode_contract(load_model(CENSUS))


def test_contract_refuses_a_broken_manifest_with_its_findings(tmp_path: Path) -> None:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(
        "kind: Model\nname: m\nruntime: r:1\npayload: [a]\ncontract:\n  inputs:\n"
        "    x: {shape: scalar, type: flaot32, profile: numerical}\n"
        "  outputs:\n    y: {shape: scalar, type: float32, profile: numerical}\n",
        encoding="utf-8",
    )
    done = runner.invoke(app, ["contract", str(manifest), "-o", str(tmp_path / "c.bin")])
    assert done.exit_code == 1
    assert f"{manifest}:7:" in done.stderr and "HY" in done.stderr
    assert "did you mean 'float32'?" in done.stderr
    assert not (tmp_path / "c.bin").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-f", "yaml"], "unknown format 'yaml' (valid formats: protobin, json, text)"),
        (["--name", "cenus"], "did you mean 'census'?"),
    ],
)
def test_contract_usage_errors(arguments: list[str], message: str) -> None:
    done = runner.invoke(app, ["contract", str(CENSUS), *arguments])
    assert done.exit_code == 2
    assert message in done.stderr
