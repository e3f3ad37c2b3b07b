"""The runtime images as data, `hydro runtimes`, and the install command judged in the image
its `runtime` names (the fixture folders tests/fixtures/kinds/model/container/image-* hold
one case a document; here: the data's own consistency, the CLI, and the docs' examples)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import validate_paths
from hydro_manifest.cli import app
from hydro_manifest.kinds.model.container.images import IMAGES, Evidence, image_of, named
from tests.conftest import SHARED, observed_in

runner = CliRunner()
PREDICT = "def predict(age):\n    return {'income': age}\n"


def test_every_fact_has_its_evidence_and_source() -> None:
    tags = [tag for image in IMAGES for tag in image.tags]
    assert len(tags) == len(set(tags))
    for image in IMAGES:
        assert set(image.python) == set(image.built.value)  # type: ignore[arg-type]
        for name in ("built", "user", "sudo", "apt_lists", "tools", "venv", "pip", "debian",
                     "import_failure"):  # fmt: skip
            fact = getattr(image, name)
            assert isinstance(fact.evidence, Evidence) and fact.source, (image.tags, name)
        assert image.user.value in ("root", "app")
        assert (image.sudo_allows is not None) <= bool(image.sudo.value)


@pytest.mark.parametrize(
    ("runtime", "variant", "tag"),
    [
        ("hydrosphere/serving-runtime-python-3.7:3.0.3", "3.7", "3.0.3"),
        ("hydrosphere/serving-runtime-python-3.8.11:3.0.3@sha256:" + "0" * 64, "3.8.11", "3.0.3"),
    ],
)
def test_a_runtime_is_named_by_its_variant_and_tag(runtime: str, variant: str, tag: str) -> None:
    assert named(runtime) == (variant, tag)


@pytest.mark.parametrize(
    "runtime",
    ["hydrosphere/serving-runtime-python-3.7", "example.com/python-3.7:3.0.3", None, 3.7],
)
def test_other_images_have_no_facts(runtime: object) -> None:
    assert named(runtime) is None


def test_hydro_runtimes_lists_every_tag() -> None:
    result = runner.invoke(app, ["runtimes"])
    assert result.exit_code == 0
    for image in IMAGES:
        assert ", ".join(image.tags) in result.stdout
    data = json.loads(runner.invoke(app, ["runtimes", "-f", "json"]).stdout)
    assert [i["tags"] for i in data["images"]] == [list(i.tags) for i in IMAGES]
    facts = data["images"][-1]["facts"]
    assert facts["sudo"] == {
        "value": False,
        "evidence": "S",
        "source": "hsp@3.0.3:Dockerfile:13-18 (sudo only in the build stage) vs 35-56",
    }
    assert facts["venv"]["value"] == "/opt/pysetup/.venv"


def test_hydro_runtimes_explains_one_with_its_sources() -> None:
    result = runner.invoke(app, ["runtimes", "hydrosphere/serving-runtime-python-3.7:3.0.0"])
    assert result.exit_code == 0
    assert "sudo: only /usr/bin/apt  [S: hsp@3.0.0:Dockerfile:15-16" in result.stdout
    assert "apt lists: stale" in result.stdout
    assert runner.invoke(app, ["runtimes", "3.0.3"]).stdout.startswith("tags 3.0.1, 3.0.2, 3.0.3")
    missing = runner.invoke(app, ["runtimes", "9.9.9"])
    assert missing.exit_code == 2 and "hydro has no facts of '9.9.9'" in missing.stderr


def test_image_of_knows_the_released_tags() -> None:
    image = image_of("3.0.3")
    assert image is not None and image.venv.value == "/opt/pysetup/.venv"
    assert image_of("latest") is None


def _model(tmp_path: Path, runtime: str, command: str) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "func_main.py").write_text(PREDICT)
    (tmp_path / "requirements.txt").write_text("numpy==1.18.3\n")
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(
        f"kind: Model\nname: m\nruntime: {runtime}\ninstall-command: {json.dumps(command)}\n"
        "payload: [src/, requirements.txt]\ncontract:\n  name: predict\n"
        "  inputs: {age: {shape: scalar, type: int64, profile: numerical}}\n"
        "  outputs: {income: {shape: scalar, type: string, profile: categorical}}\n"
    )
    return manifest


def _seed_command() -> str:
    seed = SHARED / "seed" / "write-definitions.md"
    if not seed.is_file():
        pytest.skip(f"{seed} is absent (../shared beside the checkout)")
    found = re.search(r'^install-command: "([^"]+)"', seed.read_text(), re.MULTILINE)
    assert found is not None
    return found[1]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("3.0.3", [("HY824", "", 4, 19, "$.install-command")]),  # sudo: not found
        ("2.4.3", [("HY824", "", 4, 19, "$.install-command")]),  # 2.x had no sudo either
        (  # sudo apt is allowed, but without -y apt aborts at its prompt, lists are stale
            "3.0.0",
            [("HY827", "", 4, 28, "$.install-command"), ("HY828", "", 4, 28, "$.install-command")],
        ),
    ],
)
def test_the_docs_own_install_command_on_three_tags(
    tmp_path: Path, tag: str, expected: list[tuple[str, str, int, int, str]]
) -> None:
    command = _seed_command()
    assert command == "sudo apt install jq && pip install -r requirements.txt"
    manifest = _model(tmp_path, f"hydrosphere/serving-runtime-python-3.7:{tag}", command)
    assert observed_in(manifest, validate_paths([str(manifest)]).diagnostics) == expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("3.0.0-alpha.2", [("HY841", "", 4, 28, "$.install-command")]),  # buster's archive
        ("3.0.0", [("HY828", "", 4, 28, "$.install-command")]),  # stale bullseye lists
        ("3.0.3", [("HY824", "", 4, 19, "$.install-command")]),  # no sudo
    ],
)
def test_the_ab_tutorials_install_command(
    tmp_path: Path, tag: str, expected: list[tuple[str, str, int, int, str]]
) -> None:
    """hydro-serving's A/B tutorial (docs/quickstart/tutorials/a-b-analysis-for-a-
    recommendation-model.md:93-94) installs gcc with sudo apt on 3.0.0-alpha.2."""
    command = "sudo apt install --yes gcc && pip install -r requirements.txt"
    manifest = _model(tmp_path, f"hydrosphere/serving-runtime-python-3.7:{tag}", command)
    assert observed_in(manifest, validate_paths([str(manifest)]).diagnostics) == expected


@pytest.mark.parametrize(
    ("tag", "consequence"),
    [
        ("3.0.3", "the runtime exits and restarts in a loop, never ready (hsp@3.0.3:"),
        ("3.0.0", "the runtime exits and restarts in a loop, never ready (hsp@3.0.3:"),
        ("2.4.3", "the runtime stays up as NOT_SERVING, every Predict failing with INTERNAL"),
    ],
)
def test_import_failures_say_what_the_runtime_then_does(
    tmp_path: Path, tag: str, consequence: str
) -> None:
    manifest = _model(
        tmp_path, f"hydrosphere/serving-runtime-python-3.7:{tag}", "pip install -r requirements.txt"
    )
    (tmp_path / "src" / "func_main.py").write_text(
        "import joblib\nCONFIG = open('config.json')\n\n\n"
        "def predict(age):\n    return {'income': open('labels.txt').read()}\n"
    )
    found = validate_paths([str(manifest)]).diagnostics
    assert [(d.rule, d.line, d.column) for d in found] == [
        ("HY815", 1, 1),
        ("HY836", 2, 15),
        ("HY836", 6, 28),
    ]
    missing, at_import, in_function = found
    assert f"; if the import fails, {consequence}" in missing.message
    assert consequence in at_import.message
    assert "FileNotFoundError when the runtime imports func_main" in at_import.message
    assert in_function.message.endswith("FileNotFoundError when the function runs")


def test_the_docs_own_runtime_may_not_exist(tmp_path: Path) -> None:
    manifest = _model(
        tmp_path, "hydrosphere/serving-runtime-python-3.6:3.0.3", "pip install -r requirements.txt"
    )
    (found,) = validate_paths([str(manifest)]).diagnostics
    assert (found.rule, found.line, found.column) == ("HY822", 3, 10)
    assert found.hint == "use hydrosphere/serving-runtime-python-3.8.11:3.0.3"


@pytest.mark.parametrize(
    "command",
    [
        "pip install -r requirements.txt",
        "python -m pip install -r requirements.txt",
        "pip install --upgrade pip && pip install -r requirements.txt",
        "echo ready",
    ],
)
def test_plain_installs_stay_quiet_on_every_known_tag(tmp_path: Path, command: str) -> None:
    for image in IMAGES:
        variant = image.built.value[0]  # type: ignore[index]
        runtime = f"hydrosphere/serving-runtime-python-{variant}:{image.tags[-1]}"
        manifest = _model(tmp_path, runtime, command)
        assert validate_paths([str(manifest)]).diagnostics == [], runtime


@pytest.mark.parametrize(
    ("runtime", "requirement", "rule"),
    [
        ("3.7:3.0.3", "protobuf>=3.18", "HY832"),  # pip picks 4+
        ("3.7:3.0.3", "protobuf>=4", "HY832"),
        ("3.7:2.4.3", "protobuf>=4", "HY832"),  # 2.x's generated code too
        ("3.7:3.0.3", "protobuf<3.12", "HY832"),  # no _internal_create_key
        ("3.7:2.4.3", "protobuf<3.12", None),  # 2.x's code does not call it
        ("3.7:3.0.3", "protobuf==3.20.3", None),
        ("3.7:3.0.3", "protobuf", None),  # 3.17.3 satisfies it: left alone
        ("3.7:3.0.3", "hydrosdk==2.4.1", "HY832"),
        ("3.7:2.4.3", "hydrosdk==3.0.3", "HY832"),
        ("3.7:3.0.3", "hydro-serving-grpc>=3.0", None),
        ("3.7:3.0.3", "numpy<1.15", "HY832"),  # pandas refuses it
        ("3.7:3.0.3", "numpy>=1.15", None),
        ("3.7:3.0.3", "numpy>=1.22", "HY833"),  # no release for Python 3.7
        ("3.7:3.0.0", "numpy==1.24.4", "HY833"),
        ("3.8.11:3.0.3", "numpy>=1.22", None),
        ("3.8.11:3.0.3", "numpy>=1.25", "HY833"),
        ("3.7:3.0.3", 'numpy>=1.22 ; python_version >= "3.8"', None),  # skipped on 3.7
        ("3.7:3.0.3", "numpy==1.21.6", None),  # an upgrade within 1.x: pandas keeps working
    ],
)
def test_requirements_against_the_runtime(
    tmp_path: Path, runtime: str, requirement: str, rule: str | None
) -> None:
    manifest = _model(
        tmp_path, f"hydrosphere/serving-runtime-python-{runtime}", "pip install -r requirements.txt"
    )
    (tmp_path / "requirements.txt").write_text(f"{requirement}\n")
    found = [d.rule for d in validate_paths([str(manifest)]).diagnostics if d.rule != "HY808"]
    assert found == ([rule] if rule else [])


_WRITES = [
    ("pip install -r requirements.txt -t src/lib", "src/lib"),
    ("pip install --target=lib -r requirements.txt", "lib"),
    ("pip download -d . numpy", "."),
    ("pip download numpy", "download"),
    ("pip install -e .", "."),
    ("pip install .", "."),  # pip 21.3 builds in place (3.0.1+)
    ("python setup.py build", "setup.py"),
    ("unzip model.zip", "unzip"),
    ("tar xzf model.tgz", "tar"),
    ("echo ready > state.txt", "state.txt"),
    ("mkdir data", "data"),
    ("cp /tmp/a.bin model.bin", "model.bin"),
    ("wget https://example.com/model.bin", "wget"),
    ("cd src && touch ready", "ready"),
]


@pytest.mark.parametrize(("command", "word"), _WRITES, ids=[w for _, w in _WRITES])
def test_writes_into_the_model_folder(tmp_path: Path, command: str, word: str) -> None:
    """As `app` (3.0.3) each is refused; as root under `VOLUME /model` (2.3.2) each is
    discarded; as root without the volume (2.4.3) each works."""
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup(name='m')\n")
    for tag, rule in (("3.0.3", "HY834"), ("2.3.2", "HY835"), ("2.4.3", None)):
        manifest = _model(tmp_path, f"hydrosphere/serving-runtime-python-3.7:{tag}", command)
        text = manifest.read_text().replace(
            "[src/, requirements.txt]", "[src/, requirements.txt, setup.py]"
        )
        manifest.write_text(text)
        found = [
            (d.rule, d.column)
            for d in validate_paths([str(manifest)]).diagnostics
            if d.rule in ("HY834", "HY835")
        ]
        column = 'install-command: "'.__len__() + command.index(word) + 1
        if command.startswith("wget") and tag == "3.0.3":
            expected = []  # 3.0.3 has no wget at all (HY829)
        elif command == "pip install .":
            expected = [(rule, column)] if rule == "HY834" else []  # pip 20.x builds elsewhere
        else:
            expected = [(rule, column)] if rule else []
        assert found == expected, (tag, command)


@pytest.mark.parametrize(
    "command",
    [
        "pip install -r requirements.txt -t /tmp/lib",
        "tar -C /tmp -xzf /tmp/model.tgz",
        "echo ready > /tmp/state.txt 2>&1",
        "wget -O /tmp/model.bin https://example.com/model.bin",
        "pip download -d /tmp/wheels numpy",
    ],
)
def test_writes_elsewhere_are_fine(tmp_path: Path, command: str) -> None:
    manifest = _model(tmp_path, "hydrosphere/serving-runtime-python-3.7:3.0.0", command)
    assert validate_paths([str(manifest)]).diagnostics == []


def test_resolve_shows_the_image_beside_each_container(tmp_path: Path) -> None:
    manifest = _model(
        tmp_path, "hydrosphere/serving-runtime-python-3.7:3.0.3", "pip install -r requirements.txt"
    )
    text = runner.invoke(app, ["resolve", str(manifest)]).stdout
    assert (
        "    in hydrosphere/serving-runtime-python-3.7:3.0.3: Python 3.7.12, builds as app, no "
        "sudo, apt lists absent, no curl/wget, pip 21.3.1 in /opt/pysetup/.venv, starts in "
        "/home/app/src\n"
    ) in text
    data = json.loads(runner.invoke(app, ["resolve", "-f", "json", str(manifest)]).stdout)
    image = data["files"][0]["containers"][0]["image"]
    assert (image["user"], image["sudo"], image["venv"]) == ("app", False, "/opt/pysetup/.venv")
    manifest.write_text(manifest.read_text().replace("3.7:3.0.3", "3.7:3.0.0"))
    data = json.loads(runner.invoke(app, ["resolve", "-f", "json", str(manifest)]).stdout)
    image = data["files"][0]["containers"][0]["image"]
    assert (image["sudo"], image["tools"]) == ("only /usr/bin/apt", ["curl", "wget"])


def test_a_script_the_install_command_runs_is_read_in_the_image(tmp_path: Path) -> None:
    manifest = _model(tmp_path, "hydrosphere/serving-runtime-python-3.7:3.0.3", "sh setup.sh")
    manifest.write_text(
        manifest.read_text().replace("requirements.txt]", "requirements.txt, setup.sh]")
    )
    (tmp_path / "setup.sh").write_text(
        "set -eu\nsudo apt-get install -y libgomp1\npip install -r requirements.txt 'protobuf>=4'\n"
    )
    found = observed_in(manifest, validate_paths([str(manifest)]).diagnostics)
    assert found == [
        ("HY824", "setup.sh", 2, 1, "null"),  # no sudo on 3.0.3, in the script's own line
        ("HY832", "setup.sh", 3, 33, "null"),  # its requirements judged too
    ]
    (tmp_path / "setup.sh").write_text("set -e\npip install -r requirements.txt\n")
    assert validate_paths([str(manifest)]).diagnostics == []
