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

from hydro_manifest import (
    Model,
    Options,
    check_request,
    encode_contract,
    encode_sample,
    load_model,
    load_text,
    spec,
    validate_paths,
)
from hydro_manifest.cli import app
from hydro_manifest.requests import body_form
from hydro_manifest.requests.rules import REQUEST_MODEL
from hydro_manifest.wire import messages
from hydro_manifest.wire.tensors import body_message
from tests.conftest import CORPUS, EXAMPLES, FIXTURES, render_path

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


# ------------------------------------------------------------------ gRPC bodies

EVERY_TYPE = (
    "kind: Model\nname: every-type\nruntime: acme/runtime:1.0\npayload: [src/]\ncontract:\n"
    "  inputs:\n"
    + "".join(
        f"    {name}_{rank}: {{shape: {shape}, type: {name}, profile: numerical}}\n"
        for name in spec.DOCUMENTED_TYPES  # qint32 is refused as undocumented (HY310)
        for rank, shape in (("s", "scalar"), ("b", "[-1, 2]"), ("f", "[2, 2]"))
    )
    + "  outputs:\n    y: {shape: scalar, type: float32, profile: numerical}\n"
)


def every_type_model() -> Model:
    (model,) = load_text(EVERY_TYPE, options=Options(file_checks=False))
    return model  # type: ignore[return-value]


def test_every_type_of_the_spec_has_its_wire_type() -> None:
    assert set(spec.WIRE_TYPES) == {*spec.DOCUMENTED_TYPES, *spec.UNDOCUMENTED_CLI_TYPES}
    assert {dtype for dtype, _ in spec.WIRE_TYPES.values()} <= set(messages.DATA_TYPES)
    assert {values for _, values in spec.WIRE_TYPES.values()} <= {
        name for name, _, _ in messages.TENSOR_VALUES
    }


@pytest.mark.parametrize("form", ["json", "protobin"])
@pytest.mark.parametrize("batch", [1, 3])
def test_every_sample_of_every_type_passes_its_own_check(form: str, batch: int) -> None:
    model = every_type_model()
    for seed in range(5):
        body = encode_sample(model, form, seed=seed, batch=batch)
        report = check_request(model, body)
        assert report.diagnostics == [], (seed, [d.message for d in report.diagnostics])
        assert report.documents[0].kind == "PredictRequest"


def test_a_sample_tensor_is_typed_shaped_and_flat() -> None:
    request = messages.PredictRequest.FromString(
        encode_sample(every_type_model(), "protobin", batch=3)
    )
    assert set(request.inputs) == {f"{t}_{r}" for t in spec.DOCUMENTED_TYPES for r in "sbf"}
    floats = request.inputs["float32_b"]
    assert floats.dtype == messages.DATA_TYPES["DT_FLOAT"]
    assert list(floats.tensor_shape.dims) == [3, 2] and len(floats.float_val) == 6
    scalar = request.inputs["int64_s"]
    assert scalar.HasField("tensor_shape") and list(scalar.tensor_shape.dims) == []
    assert len(scalar.int64_val) == 1
    assert len(request.inputs["complex64_f"].scomplex_val) == 8  # 4 numbers, 2 parts each
    assert len(request.inputs["qint8_s"].int_val) == 1
    half = request.inputs["half_s"]
    assert half.dtype == messages.DATA_TYPES["DT_HALF"] and half.half_val[0] < 2**16


def test_half_values_travel_as_their_16_bits() -> None:
    model = every_type_model()
    message = body_message(model, {"half_s": 1.5, "float16_b": [[-2.0, 65504.0]]})
    assert list(message.inputs["half_s"].half_val) == [0x3E00]
    assert list(message.inputs["float16_b"].half_val) == [0xC000, 0x7BFF]
    assert check_request(model, messages.encode(message)).diagnostics[0].rule == "HY702"


CLAIMS_GRPC = (
    '{"inputs": {\n'
    '  "amount": {"dtype": "DT_DOUBLE", "tensorShape": {}, "doubleVal": [120.5]},\n'
    '  "age": {"dtype": "DT_UINT8", "tensorShape": {}, "int_val": [42]},\n'
    '  "history": {"dtype": "DT_INT32", "tensorShape": {"dims": ["2", "3"]},\n'
    '              "intVal": [1, 2, 3, 4, 5, 6]},\n'
    '  "region": {"dtype": "DT_STRING", "tensorShape": {}, "stringVal": ["bm9ydGg="]}\n'
    "}}\n"
)


def claims() -> Model:
    (model,) = load_text(REQUEST_MODEL, options=Options(file_checks=False))
    return model  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"int_val": [42]', '"int_val": [300]', ("HY705", 3, 63, "$.inputs.age.int_val[0]")),
        ('"doubleVal"', '"floatVal"', ("HY708", 2, 67, "$.inputs.amount.floatVal")),
        ("4, 5, 6]", "4, 5]", ("HY709", 5, 25, "$.inputs.history.intVal")),
        ('"DT_UINT8"', '"DT_INT64"', ("HY710", 3, 20, "$.inputs.age.dtype")),
        ('["2", "3"]', '["3", "2"]', ("HY707", 4, 51, "$.inputs.history.tensorShape")),
        ('{"dims": ["2", "3"]}', "{}", ("HY707", 4, 51, "$.inputs.history.tensorShape")),
        ('"region"', '"regoin"', ("HY703", 6, 3, "$.inputs.regoin")),
        ('"doubleVal"', '"doubleVals"', ("HY711", 1, 1, "null")),
    ],
)
def test_each_grpc_mistake_with_its_path_and_position(old: str, new: str, expected: tuple) -> None:
    assert old in CLAIMS_GRPC
    report = check_request(claims(), CLAIMS_GRPC.replace(old, new, 1))
    found = [(d.rule, d.line, d.column, render_path(d.path)) for d in report.diagnostics]
    assert expected in found, found


def test_the_grpc_body_as_written_passes_and_a_missing_tensor_is_named() -> None:
    assert check_request(claims(), CLAIMS_GRPC).diagnostics == []
    body = CLAIMS_GRPC.replace('  "amount": {"dtype": "DT_DOUBLE", "tensorShape": {}, '
                               '"doubleVal": [120.5]},\n', "")  # fmt: skip
    (missing,) = check_request(claims(), body).diagnostics
    assert (missing.rule, missing.line, missing.column) == ("HY702", 1, 2)
    assert missing.message == "the request has no tensor `amount`"
    assert missing.hint == (
        "add the tensor `amount` (dtype DT_DOUBLE, values in `doubleVal`, shape scalar)"
    )


def test_a_binary_body_is_checked_with_its_paths() -> None:
    message = messages.PredictRequest()
    message.inputs["age"].CopyFrom(messages.Tensor(dtype=messages.DATA_TYPES["DT_UINT8"]))
    message.inputs["age"].int_val.extend([1, 2])
    report = check_request(claims(), messages.encode(message), filename="request.bin")
    found = {(d.rule, render_path(d.path)) for d in report.diagnostics}
    assert ("HY709", "$.inputs.age.intVal") in found
    assert ("HY702", "$.inputs.amount") in found
    garbage = check_request(claims(), b"\x0a\xff\xff\xff", form="protobin")
    assert [d.rule for d in garbage.diagnostics] == ["HY711"]
    not_text = check_request(claims(), b"\x0a\x05\x0a\x03age\xff")  # told apart: not JSON
    assert [(d.rule, d.line, d.column) for d in not_text.diagnostics] == [("HY711", 1, 1)]
    assert check_request(claims(), b'{"age": ').diagnostics[0].rule == "HY701"  # text


def test_an_empty_batch_is_a_tensor_without_values() -> None:
    body = CLAIMS_GRPC.replace('["2", "3"]', '["0", "3"]').replace("[1, 2, 3, 4, 5, 6]", "[]")
    assert check_request(claims(), body).diagnostics == []


def test_a_contract_field_named_inputs_keeps_the_gateway_form(tmp_path: Path) -> None:
    manifest = (
        "kind: Model\nname: m\nruntime: r/r:1\npayload: [a]\ncontract:\n  inputs:\n"
        "    inputs: {shape: scalar, type: string, profile: text}\n"
        "  outputs:\n    y: {shape: scalar, type: string, profile: text}\n"
    )
    (model,) = load_text(manifest, options=Options(file_checks=False))
    assert body_form(b'{"inputs": {"a": 1}}', model) == "json"  # type: ignore[arg-type]
    assert body_form(b'{"inputs": {"a": 1}}', claims()) == "grpc-json"


def test_sample_and_check_request_in_the_grpc_forms_through_the_cli(tmp_path: Path) -> None:
    as_json = runner.invoke(app, ["sample", str(CENSUS), "-f", "grpc-json", "--seed", "2"])
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout)["inputs"]["age"]["dtype"] == "DT_INT64"
    binary = tmp_path / "request.bin"
    done = runner.invoke(app, ["sample", str(CENSUS), "-f", "protobin", "-o", str(binary)])
    assert done.exit_code == 0
    assert messages.PredictRequest.FromString(binary.read_bytes()).inputs["age"].int64_val
    for body in (binary, tmp_path / "request.json"):
        if body.suffix == ".json":
            body.write_text(as_json.stdout)
        checked = runner.invoke(app, ["check-request", str(CENSUS), str(body)])
        assert checked.exit_code == 0, checked.output
    wrong = tmp_path / "wrong.json"
    wrong.write_text(as_json.stdout.replace("DT_INT64", "DT_INT32", 1))
    checked = runner.invoke(app, ["check-request", str(CENSUS), str(wrong), "-f", "json"])
    assert checked.exit_code == 1
    found = {d["rule"] for d in json.loads(checked.stdout)["diagnostics"]}
    assert found == {"HY710", "HY708"}  # DT_INT32 is read from intVal, not int64Val
    forced = runner.invoke(app, ["check-request", str(CENSUS), str(wrong), "--body-format", "json"])
    assert forced.exit_code == 1 and "HY703" in forced.stdout  # `inputs` is no census field
    bad = runner.invoke(app, ["check-request", str(CENSUS), str(wrong), "--body-format", "x"])
    assert bad.exit_code == 2 and "unknown body format 'x'" in bad.stderr


@pytest.mark.parametrize(
    ("command", "missing", "message"),
    [
        (["contract", str(CENSUS), "-f", "text"], "google.protobuf", "this needs protobuf"),
        (["sample", str(CENSUS), "-f", "grpc-json"], "google.protobuf", "this needs protobuf"),
        (["runtime-check", "localhost:1", str(CENSUS)], "grpc", "runtime-check needs grpcio"),
    ],
)
def test_without_the_grpc_extra_the_commands_say_what_to_install(
    command: list[str], missing: str, message: str
) -> None:
    script = (
        "import sys\n"
        f"sys.modules[{missing!r}] = None  # as if not installed\n"
        "from hydro_manifest.cli import main\n"
        f"sys.argv = ['hydro', *{command!r}]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"hydro: error: {message}")
    assert done.stderr.endswith(": pip install 'hydro-manifest[grpc]'\n")


_MONITORED = """kind: Model
name: claims
runtime: hydrosphere/serving-runtime-python-3.7:3.0.3
payload: [src/]
contract:
  name: predict
  inputs:
    client_profile: {shape: [112], type: float64, profile: text}
  outputs:
    amount: {shape: scalar, type: {TYPE}, profile: numerical}
monitoring:
  - name: cool-metric
    config: {monitoring-model: claims-autoencoder:1, threshold: 12, operator: "<="}
"""


@pytest.mark.parametrize("command", [["contract", "-f", "json"], ["sample"]])
def test_errors_outside_the_contract_are_reported_but_do_not_stop_it(
    tmp_path: Path, command: list[str]
) -> None:
    """The corpus' claims model writes a monitoring operator `<=` (HY214): its contract is
    still the one the runtime reads."""
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(_MONITORED.replace("{TYPE}", "int64"))
    result = CliRunner().invoke(app, [*command, str(manifest)])
    assert result.exit_code == 0, result.output
    assert "client_profile" in result.stdout
    assert ":13:" in result.stderr and "error[HY214]" in result.stderr
    assert "lie outside the contract of 'claims': it is used as written" in result.stderr


def test_errors_in_the_contract_still_stop_it(tmp_path: Path) -> None:
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(_MONITORED.replace("{TYPE}", "int65"))
    result = CliRunner().invoke(app, ["contract", "-f", "json", str(manifest)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "hydro: fix the manifest first" in result.stderr
