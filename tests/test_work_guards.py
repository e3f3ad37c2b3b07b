"""Guards against the mistakes that make hydro slow, counted rather than timed.

Speed itself is measured by benchmarks/bench.py (see the README); these tests catch, on
any machine, work that must not grow: files read or parsed twice, heavy modules imported
for a plain run, documents kept in memory by a lint.
"""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

import hydro_manifest.file_check as file_check_module
import hydro_manifest.runner as runner_module
from hydro_manifest import Options, lint_paths, load_text, validate_text
from tests.conftest import EXAMPLES, model_manifest, ship_func_main


def modules_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(done.stdout.split())


def test_the_cli_imports_nothing_heavy_it_does_not_use() -> None:
    loaded = modules_after("import hydro_manifest.cli")
    for heavy in (
        "boto3",
        "botocore",
        "rich",
        "pathspec",
        "concurrent.futures.process",
        "hydro_manifest.project",
        "hydro_manifest.kinds.model.models",
        "hydro_manifest.kinds.model.contract",
        "hydro_manifest.schema",
        "jsonschema",
    ):
        assert heavy not in loaded, heavy


def test_lint_imports_the_gitignore_grammar_only_when_something_is_excluded(
    tmp_path: Path,
) -> None:
    (tmp_path / "m.yaml").write_text(model_manifest())
    lint = f"import hydro_manifest as h\nh.lint_paths([{str(tmp_path)!r}]"
    assert "pathspec" not in modules_after(lint + ")")
    assert "pathspec" in modules_after(lint + ", exclude=['old/'])")
    (tmp_path / ".gitignore").write_text("build/\n")
    assert "pathspec" in modules_after(lint + ")")


def test_validating_a_model_builds_only_the_model_models() -> None:
    loaded = modules_after(
        "import hydro_manifest as h\n"
        f"h.validate_file({str(EXAMPLES / 'census' / 'serving.yaml')!r})"
    )
    assert "hydro_manifest.kinds.model.models" in loaded
    assert "hydro_manifest.kinds.application.models" not in loaded
    assert "hydro_manifest.kinds.deployment.models" not in loaded
    assert "boto3" not in loaded


#: What `hydro validate` must not import for a manifest (issue 17): the standard library's
#: mail and network stack (pydantic's plugin lookup through importlib.metadata pulled them
#: in), S3, terminal progress, the gRPC extra, the language server. `hashlib` is not on the
#: list: pydantic's own `BaseModel` imports it (pydantic.types imports `secrets`).
DENIED = (
    "email",
    "socket",
    "importlib.metadata",
    "urllib.request",
    "http.client",
    "ssl",
    "boto3",
    "botocore",
    "rich.progress",
    "google.protobuf",
    "grpc",
    "pygls",
    "lsprotocol",
    "hydro_manifest.lsp",
    "hydro_manifest.wire",
    "hydro_manifest.requests",
    "concurrent.futures.process",
)
VALIDATE = """
import json, sys
sys.argv = ["hydro", "validate", *{arguments!r}]
from hydro_manifest.cli import run
try:
    run()
except SystemExit:
    pass
import hydro_manifest.rules
print(json.dumps({{"modules": sorted(sys.modules), "texts": hydro_manifest.rules._all_declared}}))
"""


def _validate_run(tmp_path: Path, *arguments: str) -> tuple[set[str], bool]:
    done = subprocess.run(
        [sys.executable, "-c", VALIDATE.format(arguments=list(arguments))],
        capture_output=True, text=True, check=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    found = json.loads(done.stdout.splitlines()[-1])
    return set(found["modules"]), found["texts"]


@pytest.mark.parametrize("file_checks", [False, True])
def test_validate_imports_nothing_from_the_deny_list(tmp_path: Path, file_checks: bool) -> None:
    """A Model with an install command and a func_main.py (no requirements file: its
    parser imports urllib.request, see the README), with and without the file checks."""
    ship_func_main(tmp_path)
    (tmp_path / "serving.yaml").write_text(
        model_manifest(payload="[src/]").replace(
            "payload:", "install-command: pip install numpy==1.26.4\npayload:"
        )
    )
    arguments = ["serving.yaml"] if file_checks else ["--no-file-checks", "serving.yaml"]
    loaded, texts_built = _validate_run(tmp_path, *arguments)
    assert "hydro_manifest.kinds.model.models" in loaded  # the run did validate
    assert ("bashlex" in loaded) is file_checks  # the install command was read
    denied = {m for m in loaded if m in DENIED or m.startswith(tuple(f"{d}." for d in DENIED))}
    assert denied == set()
    assert texts_built is False  # every rule's texts are declared only when listed


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("file_checks=False", set()),  # the manifest alone: no payload file is read
        ("", {"bashlex", "pip_requirements_parser"}),  # the census model's install command
    ],
)
def test_the_shell_and_requirements_parsers_load_only_for_a_command_to_read(
    options: str, expected: set[str]
) -> None:
    """bashlex builds its grammar's tables when imported (~0.15 s): only a Model whose
    install command is read pays for it."""
    loaded = modules_after(
        "import hydro_manifest as h\n"
        f"h.validate_file({str(EXAMPLES / 'census' / 'serving.yaml')!r}, "
        f"options=h.Options({options}))"
    )
    assert {"bashlex", "pip_requirements_parser"} & loaded == expected
    assert "hydro_manifest.kinds.model.container" in loaded  # the HY315 guess is there


def count_opened(monkeypatch: pytest.MonkeyPatch, named: Callable[[str], str]) -> Counter[str]:
    """Counts each file opened from now on, with Python's `open` or the system's, by the
    name `named` gives its path."""
    opened: Counter[str] = Counter()
    python_open, system_open = builtins.open, os.open

    def counting(real: Callable[..., Any]) -> Callable[..., Any]:
        def opening(file: object, *args: object, **kwargs: object) -> object:
            if isinstance(file, str | os.PathLike):
                opened[named(os.fspath(file))] += 1
            return real(file, *args, **kwargs)

        return opening

    monkeypatch.setattr(builtins, "open", counting(python_open))
    monkeypatch.setattr(os, "open", counting(system_open))
    return opened


def test_lint_reads_and_parses_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(20):
        (tmp_path / f"model-{n}.yaml").write_text(model_manifest(f"model-{n}"))
    (tmp_path / "app.yaml").write_text(
        "kind: Application\nname: app\nsingular:\n  model: model-0:1\n"
    )
    reads = count_opened(monkeypatch, str)
    parses = Counter[int]()
    load = file_check_module.load

    def counting_load(text: str) -> object:
        parses[hash(text)] += 1
        return load(text)

    monkeypatch.setattr(file_check_module, "load", counting_load)
    report = lint_paths([str(tmp_path)], options=Options(file_checks=False), processes=1)
    assert len(report.files) == 21
    assert sorted(n for f, n in reads.items() if f.startswith(str(tmp_path))) == [1] * 21
    assert sum(parses.values()) == 21


def test_lint_keeps_summaries_not_documents(tmp_path: Path) -> None:
    for n in range(5):
        (tmp_path / f"model-{n}.yaml").write_text(model_manifest(f"model-{n}"))
    report = lint_paths([str(tmp_path)], options=Options(file_checks=False), processes=1)
    assert all(d.resource is None for d in report.documents)
    assert all(f.source == "" for f in report.files)  # clean files: text let go
    assert len(report.summaries) == 5


PIPELINE = """\
kind: Application
name: scoring
pipeline:
  - - model: model-0:1
  - - model: model-1:1
      weight: 50
    - model: model-2:1
      weight: 50
"""


def test_one_process_keeps_the_fields_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one process, a Model's fields are kept as it is read: no file is read again."""
    for n in range(5):
        (tmp_path / f"model-{n}.yaml").write_text(model_manifest(f"model-{n}"))
    (tmp_path / "app.yaml").write_text(PIPELINE)
    opened = count_opened(monkeypatch, lambda file: Path(file).name)
    report = lint_paths([str(tmp_path)], options=Options(file_checks=False), processes=1)
    monkeypatch.undo()
    assert all(s.signature for s in report.summaries if s.kind == "Model")
    assert {name: n for name, n in opened.items() if name.startswith("model-")} == {
        f"model-{n}.yaml": 1 for n in range(5)
    }  # read once, never again
    assert {d.rule for d in report.diagnostics} == {"HY603"}  # the fields were compared


@pytest.mark.skipif(runner_module.available_cpus() < 2, reason="a pool needs two CPUs")
def test_workers_read_again_only_the_fields_compared(tmp_path: Path) -> None:
    """A repository's contract fields are many and few are compared: a worker's summary of
    a Model keeps where its contract is, and only the models of a pipeline or of a stage of
    variants are read again (by the workers)."""
    for n in range(70):
        (tmp_path / f"model-{n}.yaml").write_text(model_manifest(f"model-{n}"))
    (tmp_path / "app.yaml").write_text(PIPELINE)
    report = lint_paths([str(tmp_path)], options=Options(file_checks=False), processes=2)
    read = {s.name: s.signature for s in report.summaries if s.kind == "Model" and s.signature}
    assert set(read) == {"model-0", "model-1", "model-2"}
    first, second = read["model-0"], read["model-1"]  # the same fields, read from two files
    assert first is not None and second is not None
    assert all(a is b for a, b in zip(first.inputs, second.inputs, strict=True))  # kept once
    left = {s.name for s in report.summaries if s.contract_at is not None}
    assert len(left) == 67 and not left & set(read)  # never compared, never read again
    assert {d.rule for d in report.diagnostics} == {"HY603"}  # the fields were compared


@pytest.mark.skipif(runner_module.available_cpus() < 2, reason="a pool needs two CPUs")
def test_models_checked_after_their_pipeline_send_their_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunks a pool is given later carry the models the Applications already seen
    compare: those Models' summaries come with their fields, and nothing is read again."""
    import hydro_manifest.project as project

    for n in range(400):
        (tmp_path / f"model-{n:03d}.yaml").write_text(model_manifest(f"model-{n}"))
    (tmp_path / "app.yaml").write_text(  # first in the walk: sent in the first chunk
        "kind: Application\nname: scoring\npipeline:\n"
        "  - - model: model-300:1\n  - - model: model-301:1\n"
    )
    asked: list[str] = []
    read_again = project.signatures

    def recording(models: Iterable[project.Summary], *args: Any) -> None:
        models = list(models)
        asked.extend(str(m.name) for m in models if m.contract_at is not None)
        read_again(models, *args)

    monkeypatch.setattr(project, "signatures", recording)
    report = lint_paths([str(tmp_path)], options=Options(file_checks=False), processes=2)
    assert asked == []  # sent with their summaries: nothing read again
    fields = {s.name: s.signature for s in report.summaries if s.kind == "Model"}
    assert fields["model-300"] is not None and fields["model-301"] is not None
    assert sum(signature is not None for signature in fields.values()) == 2
    assert [d.rule for d in report.diagnostics] == ["HY603"]  # the fields were compared


def test_a_model_file_gone_before_its_fields_are_read_is_no_crash(tmp_path: Path) -> None:
    from hydro_manifest.project import check

    for n in range(3):
        (tmp_path / f"model-{n}.yaml").write_text(model_manifest(f"model-{n}"))
    (tmp_path / "app.yaml").write_text(PIPELINE)
    report = lint_paths([str(tmp_path)], options=Options(file_checks=False), processes=1)
    for summary in report.summaries:  # as a lint leaves them before its last checks
        if summary.kind == "Model":
            summary.signature, summary.contract_at = None, (summary.place.file, 0, str(tmp_path))
    (tmp_path / "model-1.yaml").unlink()
    found = check(report.summaries)  # the stage of model-1 and model-2 fits model-0 or not:
    assert [d.message.split(" (stage")[0] for d in found] == ["'model-2'"]  # model-1 unknown


BUILT_COMMANDS = """
import json, sys
import typer.main
built = []
original = typer.main.get_command_from_info


def counted(*args, **kwargs):
    info = kwargs.get("command_info") or args[0]
    built.append(info.name or info.callback.__name__)
    return original(*args, **kwargs)


typer.main.get_command_from_info = counted
sys.argv = ["hydro", *{arguments!r}]
from hydro_manifest.cli import run
try:
    run()
except SystemExit:
    pass
print(json.dumps(built))
"""


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["validate", "--no-file-checks", "serving.yaml"], ["validate"]),
        (["rules", "HY001"], ["rules"]),
        (["--help"], None),  # every command, to list them
        (["valdate", "serving.yaml"], None),  # every command, to suggest the right one
    ],
)
def test_a_run_builds_only_the_command_it_runs(
    tmp_path: Path, arguments: list[str], expected: list[str] | None
) -> None:
    (tmp_path / "serving.yaml").write_text(model_manifest())
    done = subprocess.run(
        [sys.executable, "-c", BUILT_COMMANDS.format(arguments=arguments)],
        capture_output=True, text=True, check=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    built = json.loads(done.stdout.splitlines()[-1])
    assert built == expected if expected is not None else len(built) >= 10


def test_a_field_validated_before_is_still_judged_by_what_is_written() -> None:
    """Contract fields written alike are validated once a run, but `1` and `true` (equal to
    Python), `1` and `1.0`, or a field with a key more are not alike: each gets its own
    verdict; fields validated alike share one frozen value."""
    fields = {
        "a": "{shape: [1], type: int64, profile: numerical}",
        "b": "{shape: [true], type: int64, profile: numerical}",
        "c": "{shape: [1.0], type: int64, profile: numerical}",
        "d": "{shape: [1], type: int64, profile: numerical, extra: 1}",
    }
    outputs = {"y": "{shape: [1], type: int64, profile: numerical}"}
    report = validate_text(model_manifest(inputs=fields, outputs=outputs), filename="m.yaml")
    found = [(d.rule, d.path, d.line, d.column) for d in report.diagnostics if d.rule != "HY809"]
    assert found == [
        ("HY305", ("contract", "inputs", "b", "shape"), 9, 16),
        ("HY305", ("contract", "inputs", "c", "shape"), 10, 16),
        ("HY104", ("contract", "inputs", "d", "extra"), 11, 54),
    ]
    same = {"a": fields["a"], "e": fields["a"]}
    model = load_text(
        model_manifest(inputs=same, outputs=outputs), options=Options(file_checks=False)
    )[0]
    assert model.contract.inputs["a"] is model.contract.inputs["e"]  # type: ignore[union-attr]
