"""The pre-commit hooks, run by pre-commit itself on a repository that uses this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, model_manifest, ship_func_main

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None
    or shutil.which("pre-commit") is None
    or not (ROOT / ".git").exists(),
    reason="needs git, pre-commit and a git checkout of hydro",
)

BROKEN = model_manifest(
    payload="[src/]", inputs={"age": "{shape: scalar, type: float, profile: numerical}"}
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


def try_repo(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run this checkout's hooks on every file of `repo`, as pre-commit users would."""
    command = ["pre-commit", "try-repo", str(ROOT), "--all-files"]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=600, env=env)


def test_hooks_run_in_a_real_pre_commit(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    model = repo / "models" / "census"
    ship_func_main(model)
    (model / "serving.yaml").write_text(BROKEN)
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text("on: [push]\njobs: {}\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    env = {
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = try_repo(repo, env)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "hydro validate" in output and "hydro lint" in output
    finding = "models/census/serving.yaml:8:32: error[HY309] unknown type 'float'"
    assert output.count(finding) == 2, output  # once per hook; the workflow is not a manifest

    (model / "serving.yaml").write_text(BROKEN.replace("type: float,", "type: float32,"))
    git(repo, "add", "-A")
    fixed = try_repo(repo, env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
