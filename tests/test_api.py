"""The library: reports, typed models, the one exception, and failures that stay contained."""

from __future__ import annotations

from pathlib import Path

import pytest

import hydro_manifest
from hydro_manifest import (
    Application,
    DeploymentConfiguration,
    ManifestError,
    Model,
    Options,
    Severity,
    load_file,
    load_text,
    validate_file,
    validate_text,
)
from tests.conftest import EXAMPLES, FIXTURES, ship_func_main

ALL_KINDS = FIXTURES / "valid" / "all-kinds.yaml"
#: The fixtures outside tests/fixtures/files do not have the files they point at.
NO_FILES = Options(file_checks=False)

MULTI = """\
kind: Application
name: first
singular:
  model: census:1
---
# the second document starts here
kind: Application
name: second
singular:
  model: census
---
kind: Application
name: third
singular:
  model: census:x
"""


def test_validate_file_reports_documents_and_ok() -> None:
    report = validate_file(ALL_KINDS, options=NO_FILES)
    assert report.ok
    assert [(d.index, d.kind, d.name, d.line) for d in report.documents] == [
        (0, "DeploymentConfiguration", "cpu-medium", 2),
        (1, "Model", "claims-model", 25),
        (2, "Application", "claims-pipeline", 53),
        (3, "Model", "drift-detector", 65),
        (4, "Model", "claims-scorer", 76),
    ]


def test_multi_document_positions_are_file_lines_and_documents_are_numbered() -> None:
    report = validate_text(MULTI, filename="apps.yaml")
    assert not report.ok
    assert [(d.file, d.document, d.line, d.column, d.path, d.rule) for d in report.diagnostics] == [
        ("apps.yaml", 0, 4, 10, ("singular", "model"), "HY601"),  # a note: census is not here
        ("apps.yaml", 1, 10, 10, ("singular", "model"), "HY401"),
        ("apps.yaml", 2, 15, 10, ("singular", "model"), "HY401"),
    ]
    assert [d.line for d in report.documents] == [1, 7, 12]


def test_load_file_gives_typed_models() -> None:
    configuration, model, application, *_ = load_file(ALL_KINDS, options=NO_FILES)
    assert isinstance(configuration, DeploymentConfiguration)
    assert configuration.hpa is not None and configuration.hpa.max_replicas == 10
    assert isinstance(model, Model)
    assert model.contract is not None
    assert model.contract.inputs["image"].shape == [-1, 28, 28]
    assert model.install_command == "pip install -r requirements.txt"
    assert isinstance(application, Application)
    assert application.pipeline is not None
    assert [v.weight for v in application.pipeline[1]] == [80, 20]


def test_load_text_raises_one_exception_with_the_diagnostics() -> None:
    with pytest.raises(ManifestError) as raised:
        load_text(MULTI, filename="apps.yaml")
    assert [d.rule for d in raised.value.diagnostics] == ["HY601", "HY401", "HY401"]
    assert "apps.yaml:10:10: HY401" in str(raised.value)


def test_warnings_do_not_stop_loading() -> None:
    (model,) = load_file(FIXTURES / "kinds" / "model" / "field-names.yaml", options=NO_FILES)
    assert isinstance(model, Model)


def test_models_work_on_their_own() -> None:
    model = Model.model_validate(
        {
            "kind": "Model",
            "name": "census",
            "runtime": "hydrosphere/serving-runtime-python-3.7:3.0.0",
            "payload": ["src/"],
            "install-command": "pip install -r requirements.txt",
            "contract": {
                "inputs": {"age": {"shape": "scalar", "type": "int64", "profile": "numerical"}},
                "outputs": {"y": {"shape": [-1, 2], "type": "double", "profile": "numerical"}},
            },
        }
    )
    assert model.install_command == "pip install -r requirements.txt"
    assert model.model_dump(exclude_none=True)["install-command"] == model.install_command


def test_json_schema_uses_the_platform_spellings() -> None:
    model_schema = Model.model_json_schema()
    assert {"install-command", "training-data", "monitoring-configuration"} <= set(
        model_schema["properties"]
    )
    configuration_schema = DeploymentConfiguration.model_json_schema()
    hpa = configuration_schema["$defs"]["HorizontalPodAutoscaler"]
    assert {"minReplicas", "maxReplicas", "cpuUtilization"} == set(hpa["properties"])


def test_report_json_is_the_published_shape() -> None:
    data = validate_text(MULTI, filename="apps.yaml").to_json()
    assert list(data) == ["version", "tool", "summary", "interrupted", "files", "diagnostics"]
    assert data["summary"] == {
        "files": 1,
        "documents": 3,
        "errors": 2,
        "warnings": 0,
        "notes": 1,
        "skipped": 0,
        "fixable": 0,
        "baselined": 0,
        "baseline_fixed": 0,
    }


def test_a_bug_in_a_check_is_reported_and_the_other_documents_are_still_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hydro_manifest.kinds.model import checks as model_checks

    def explode(document: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(model_checks, "CHECKS", (explode,))
    text = (EXAMPLES / "census" / "serving.yaml").read_text() + "---\n" + MULTI
    report = validate_text(text, filename="mixed.yaml", options=NO_FILES)
    internal = [d for d in report.diagnostics if d.rule == "HY000"]
    assert len(internal) == 1
    assert internal[0].severity is Severity.ERROR
    assert "RuntimeError: boom" in internal[0].message
    assert "HY401" in {d.rule for d in report.diagnostics}
    assert report.exit_code() == 3


def test_a_folder_given_as_a_file_is_a_read_error(tmp_path: Path) -> None:
    (diagnostic,) = hydro_manifest.validate_paths([str(tmp_path)]).diagnostics
    assert (diagnostic.rule, diagnostic.file, diagnostic.document) == ("HY013", str(tmp_path), None)


def test_validate_file_of_a_missing_path_raises() -> None:
    with pytest.raises(FileNotFoundError):
        validate_file("no/such/serving.yaml")


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("kind: Model\nname: détection-fraude\n", "did you mean 'detection-fraude'?"),
        (
            "kind: Application\nname: Prüfung Straße\nsingular: {model: m:1}\n",
            "did you mean 'Prufung-Strasse'?",
        ),
        (
            "kind: Application\nname: app\nsingular: {model: 'modèle:1'}\n",
            "did you mean 'modele:1'?",
        ),
    ],
)
def test_suggested_names_keep_accented_words(text: str, hint: str) -> None:
    hints = [d.hint for d in validate_text(text, options=NO_FILES).diagnostics]
    assert hint in hints


_TOLERATION = "kind: DeploymentConfiguration\nname: d\npod:\n  tolerations:\n    - {}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a Kubernetes-style env list: it says what it is, and what to write instead
            "kind: DeploymentConfiguration\nname: d\ncontainer:\n  env:\n"
            "    - name: LOG_LEVEL\n      value: debug\n    - {name: WORKERS, value: '4'}\n",
            [
                (
                    "HY525",
                    5,
                    5,
                    "`env` is written as a list of name/value pairs, as in a Kubernetes pod "
                    "spec; a DeploymentConfiguration takes a mapping of names to values, and "
                    "`hs` silently mangles the list",
                    "write it as a mapping of each name to its value: "
                    "`env: {LOG_LEVEL: ..., WORKERS: ...}`",
                )
            ],
        ),
        (  # files joined with cat: the mark, where it is, and nothing else
            "kind: DeploymentConfiguration\nname: a\n---\n\ufeffkind: DeploymentConfiguration\n"
            "name: b\n",
            [
                (
                    "HY017",
                    4,
                    1,
                    "an invisible byte-order mark (U+FEFF) inside the file, as when files are "
                    "joined with `cat`: `hs apply` reads the key after it as another key "
                    "(`\\ufeffkind`)",
                    "delete it; save each file as UTF-8 without BOM before joining them",
                )
            ],
        ),
        (  # no-break spaces: the character and its column, and the key read as meant
            "kind: DeploymentConfiguration\nname: a\nhpa:\n  minReplicas: 1\n"
            "\u00a0 maxReplicas: 0\n",
            [
                (
                    "HY018",
                    5,
                    1,
                    "this line is indented with a no-break space (U+00A0) at column 1: YAML "
                    "indents with plain spaces only, so `hs apply` reads it as part of the key",
                    "replace the indentation with plain spaces",
                ),
                ("HY502", 5, 16, "maxReplicas is 0; it must be at least 1", None),
            ],
        ),
        (  # NoSchedule: adding tolerationSeconds would not help
            _TOLERATION.replace("{}", "{key: gpu, operator: Exists, effect: NoSchedule}"),
            [
                (
                    "HY516",
                    5,
                    8,
                    "the toleration has no `tolerationSeconds`; `hs apply` sends it as null, "
                    "which the manager cannot read",
                    "through `hs apply` only a NoExecute toleration with `tolerationSeconds` "
                    "can be uploaded (Kubernetes refuses `tolerationSeconds` with NoSchedule); "
                    "if you upload with the SDK or the API, switch the `manager` layer off for "
                    "this file",
                )
            ],
        ),
    ],
)
def test_messages_a_user_can_act_on(
    text: str, expected: list[tuple[str, int, int, str, str | None]]
) -> None:
    found = validate_text(text, options=NO_FILES).diagnostics
    assert [(d.rule, d.line, d.column, d.message, d.hint) for d in found] == expected


def test_a_payload_entry_naming_a_hidden_file_fails_and_hidden_folders_pass(
    tmp_path: Path,
) -> None:
    (tmp_path / ".model_config.json").write_text("{}")
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "settings.json").write_text("{}")
    ship_func_main(tmp_path)
    (tmp_path / "src" / ".DS_Store").write_text("")
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(
        "kind: Model\nname: census\nruntime: hydrosphere/serving-runtime-python-3.7:3.0.0\n"
        "payload: [src/, .config/, .model_config.json]\ncontract:\n  name: predict\n"
        "  inputs: {age: {shape: scalar, type: int64, profile: numerical}}\n"
        "  outputs: {income: {shape: scalar, type: string, profile: categorical}}\n"
    )
    report = validate_file(manifest)
    assert [(d.rule, d.severity, d.path) for d in report.diagnostics] == [
        ("HY209", Severity.ERROR, ("payload", 2))
    ]
    assert report.exit_code() == 1


def test_no_fixture_example_or_corpus_file_makes_hydro_fail() -> None:
    """Exit 3 means a bug in hydro: none of the files the project knows may cause one."""
    from tests.conftest import CORPUS, fixture_files

    paths = [*fixture_files(), *EXAMPLES.rglob("*.yaml")]
    if CORPUS.is_dir():
        paths += [*CORPUS.rglob("*.yaml"), *CORPUS.rglob("*.yml")]
    for path in paths:
        report = validate_file(path, options=Options(file_checks=True))
        assert report.exit_code() in (0, 1), path
