"""Every fixture file gives exactly the diagnostics its `# expect:` lines list, no more.

Fixtures are real YAML files in folders that mirror the package: tests/fixtures/reading/,
kinds/model/, kinds/application/, kinds/deployment/, project/ (and valid/); a file without
`# expect:` lines must be clean. Together they cover every rule. Only kinds/model/files/ and
kinds/model/container/ (a folder per case: a manifest and its payload) have the files their
manifests point at, so only there are file checks on. Each folder under
tests/fixtures/project/ is linted as one repository, as `hydro lint FOLDER` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hydro_manifest import RULES, Options, lint_paths, validate_file
from tests.conftest import (
    FIXTURES,
    expectations,
    fixture_files,
    observed_in,
    with_files,
)

PROJECT = FIXTURES / "project"
#: Rules whose failing case cannot be a committed file: a crash of hydro, an unreadable
#: file, a file over the size limit, a path out of the repository or a link loop (symbolic
#: links are made by the test), a hundred requirements files or a 128 KiB command, S3's
#: answers and a running runtime's (test_api.py, test_hostile.py, test_root.py,
#: test_hostile_container.py, test_s3.py, test_runtime_check.py).
_TESTED_ELSEWHERE = (
    {"HY000", "HY013", "HY014", "HY019", "HY020", "HY222", "HY223", "HY819", "HY821"}
    # pip's answers (`--remote`): test_resolve.py, with a package index on loopback
    | {"HY842", "HY843", "HY844", "HY845", "HY846", "HY847", "HY848"}
    | {
        rule.id
        for rule in RULES.values()
        if rule.id.startswith("HY9")  # runtime-check
    }
    | {
        rule.id
        for rule in RULES.values()
        if rule.on_requests  # request bodies: test_requests.py
    }
)


def _single_files() -> list[Path]:
    return [p for p in fixture_files() if PROJECT not in p.parents]


@pytest.mark.parametrize("path", _single_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_gives_exactly_the_expected_diagnostics(path: Path) -> None:
    report = validate_file(path, options=Options(file_checks=with_files(path)))
    assert observed_in(path, report.diagnostics) == expectations(path)


@pytest.mark.parametrize("folder", sorted(p for p in PROJECT.iterdir() if p.is_dir()), ids=str)
def test_linted_folder_gives_exactly_the_expected_diagnostics(folder: Path) -> None:
    report = lint_paths([str(folder)], options=Options(file_checks=False), processes=1)
    linted = sorted(Path(f.file) for f in report.files)
    for path in linted:
        mine = [d for d in report.diagnostics if Path(d.file) == path]
        assert observed_in(path, mine) == expectations(path), path


def test_lint_skips_yaml_that_is_not_a_manifest() -> None:
    folder = PROJECT / "other-yaml"
    report = lint_paths([str(folder)], options=Options(file_checks=False), processes=1)
    assert sorted(Path(p).relative_to(folder).as_posix() for p in report.skipped) == [
        ".github/workflows/ci.yml",
        "chart/templates/deployment.yaml",
        "chart/values.yaml",
        "k8s/deployment.yaml",
    ]
    assert sorted(Path(f.file).name for f in report.files) == ["app.yaml", "broken.yaml"]


def test_fixtures_cover_every_rule() -> None:
    covered = {rule for path in fixture_files() for rule, *_ in expectations(path)}
    missing = set(RULES) - covered - _TESTED_ELSEWHERE
    assert not missing, f"no failing fixture for {sorted(missing)}"
