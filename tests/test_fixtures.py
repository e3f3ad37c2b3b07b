"""Every fixture file gives exactly the diagnostics its `# expect:` lines list, no more.

Fixtures are real YAML files under tests/fixtures/<area>/; a file without `# expect:`
lines must be clean. Together they cover every rule in the registry. Only the `files`
area has the files its manifests point at, so only there are file checks on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hydro_manifest import RULES, Options, validate_file
from tests.conftest import FIXTURES, expectations, fixture_files, observed

#: Rules whose failing case cannot be a committed file: a crash of hydro, an unreadable
#: file, and S3's answers (test_api.py, test_s3.py).
_TESTED_ELSEWHERE = {"HY000", "HY013", "HY222", "HY223"}


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_gives_exactly_the_expected_diagnostics(path: Path) -> None:
    area = path.relative_to(FIXTURES).parts[0]
    report = validate_file(path, options=Options(file_checks=area == "files"))
    assert observed(report.diagnostics) == expectations(path)


def test_fixtures_cover_every_rule() -> None:
    covered = {rule for path in fixture_files() for rule, *_ in expectations(path)}
    missing = set(RULES) - covered - _TESTED_ELSEWHERE
    assert not missing, f"no failing fixture for {sorted(missing)}"
