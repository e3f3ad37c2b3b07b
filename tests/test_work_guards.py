"""Guards against the mistakes that make hydro slow, counted rather than timed.

Speed itself is measured by benchmarks/bench.py (see the README); these tests catch, on
any machine, work that must not grow: files read or parsed twice, heavy modules imported
for a plain run, documents kept in memory by a lint.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import hydro_manifest.runner as runner_module
from hydro_manifest import Options, lint_paths
from tests.conftest import EXAMPLES, model_manifest


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
        "hydro_manifest.schema",
        "jsonschema",
    ):
        assert heavy not in loaded, heavy


def test_validating_a_model_builds_only_the_model_models() -> None:
    loaded = modules_after(
        "import hydro_manifest as h\n"
        f"h.validate_file({str(EXAMPLES / 'census' / 'serving.yaml')!r})"
    )
    assert "hydro_manifest.kinds.model.models" in loaded
    assert "hydro_manifest.kinds.application.models" not in loaded
    assert "hydro_manifest.kinds.deployment.models" not in loaded
    assert "boto3" not in loaded


def test_validate_imports_neither_protobuf_nor_grpc() -> None:
    loaded = modules_after(
        "from hydro_manifest.cli import app\n"
        "try:\n"
        f"    app(['validate', {str(EXAMPLES / 'census' / 'serving.yaml')!r}])\n"
        "except SystemExit:\n"
        "    pass"
    )
    assert "hydro_manifest.kinds.model.models" in loaded  # the run did validate
    assert not {m for m in loaded if m.startswith(("google.protobuf", "grpc"))}
    assert "hydro_manifest.wire" not in loaded


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


def test_lint_reads_and_parses_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(20):
        (tmp_path / f"model-{n}.yaml").write_text(model_manifest(f"model-{n}"))
    (tmp_path / "app.yaml").write_text(
        "kind: Application\nname: app\nsingular:\n  model: model-0:1\n"
    )
    reads: Counter[str] = Counter()
    parses = Counter[int]()
    read_bytes, load = Path.read_bytes, runner_module.load

    def counting_read(path: Path) -> bytes:
        reads[str(path)] += 1
        return read_bytes(path)

    def counting_load(text: str) -> object:
        parses[hash(text)] += 1
        return load(text)

    monkeypatch.setattr(Path, "read_bytes", counting_read)
    monkeypatch.setattr(runner_module, "load", counting_load)
    report = lint_paths([str(tmp_path)], options=Options(file_checks=False), processes=1)
    assert len(report.files) == 21
    assert sorted(reads.values()) == [1] * 21
    assert sum(parses.values()) == 21


def test_lint_keeps_summaries_not_documents(tmp_path: Path) -> None:
    for n in range(5):
        (tmp_path / f"model-{n}.yaml").write_text(model_manifest(f"model-{n}"))
    report = lint_paths([str(tmp_path)], options=Options(file_checks=False), processes=1)
    assert all(d.resource is None for d in report.documents)
    assert all(f.source == "" for f in report.files)  # clean files: text let go
    assert len(report.summaries) == 5
