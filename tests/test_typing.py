"""The public API is typed: mypy finds nothing in the package (as configured in
pyproject.toml), so that tools importing hydro_manifest get checked types."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_the_package_type_checks_under_mypy() -> None:
    mypy = Path(sys.executable).parent / "mypy"
    if not mypy.exists() and shutil.which("mypy") is None:
        pytest.skip("mypy is not installed")
    done = subprocess.run(
        [str(mypy if mypy.exists() else "mypy"), "--no-incremental"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
