"""`hydro lint` on real folders: discovery, config, suppressions, --jobs, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import Options, lint_paths
from hydro_manifest.api import available_cpus, list_files
from hydro_manifest.cli import app
from hydro_manifest.config import ConfigError, load
from tests.conftest import CORPUS, FIXTURES, model_manifest, needs_shared

runner = CliRunner()
APP = "kind: Application\nname: {name}\nsingular:\n  model: {model}\n"


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def relative(root: Path, files: list[str]) -> list[str]:
    return [Path(f).relative_to(root).as_posix() for f in files]


# ------------------------------------------------------------------ discovery


def test_discovery_skips_tool_folders_gitignored_and_excluded_paths(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            ".gitignore": "build/\n*.generated.yaml\n!keep.generated.yaml\n",
            "models/serving.yaml": model_manifest("census", "latest"),
            "models/app.yml": APP.format(name="app", model="census:1"),
            "models/notes.txt": "not yaml",
            "build/serving.yaml": model_manifest("built", "latest"),
            "a.generated.yaml": model_manifest("generated", "latest"),
            "keep.generated.yaml": model_manifest("kept", "latest"),
            "node_modules/pkg/serving.yaml": model_manifest("npm", "latest"),
            ".git/config.yaml": "x: 1\n",
            ".venv/lib/serving.yaml": model_manifest("venv", "latest"),
            "env2/pyvenv.cfg": "home = /usr\n",
            "env2/serving.yaml": model_manifest("venv2", "latest"),
            "vendor/serving.yaml": model_manifest("vendored", "latest"),
            "vendor/sub/.gitignore": "*.yaml\n",
            "vendor/sub/ignored.yaml": model_manifest("ignored", "latest"),
        },
    )
    assert relative(root, list_files([str(root)])) == [
        "keep.generated.yaml",
        "models/app.yml",
        "models/serving.yaml",
        "vendor/serving.yaml",
    ]
    excluded = list_files([str(root)], exclude=["vendor/"])
    assert relative(root, excluded) == [
        "keep.generated.yaml",
        "models/app.yml",
        "models/serving.yaml",
    ]


def test_a_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    root = tree(tmp_path, {"models/serving.yaml": model_manifest("census", "latest")})
    (root / "models" / "loop").symlink_to(root, target_is_directory=True)
    assert relative(root, list_files([str(root)])) == ["models/serving.yaml"]


def test_list_files_and_exclude_on_the_command_line(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {"a/serving.yaml": model_manifest("a"), "b/serving.yaml": model_manifest("b")},
    )
    result = runner.invoke(app, ["lint", "--list-files", "--exclude", "b/", str(root)])
    assert result.exit_code == 0
    assert result.output == f"{root / 'a' / 'serving.yaml'}\n"


def test_no_manifest_found_is_exit_1_unless_allowed(tmp_path: Path) -> None:
    root = tree(tmp_path, {".github/workflows/ci.yml": "on: [push]\njobs: {}\n"})
    result = runner.invoke(app, ["lint", str(root)])
    assert result.exit_code == 1
    assert "no Hydrosphere manifest found" in result.stderr
    assert "1 other YAML files skipped" in result.stderr
    assert runner.invoke(app, ["lint", "--allow-empty", str(root)]).exit_code == 0


# ------------------------------------------------------------------ across documents


def test_references_resolve_across_folders_whatever_the_version(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "models/census.yaml": model_manifest("census", "latest"),
            "apps/census.yaml": APP.format(name="census-app", model="census:42"),
            "apps/other.yaml": APP.format(name="other-app", model="cenus:1"),
        },
    )
    report = lint_paths([str(root)], options=Options(file_checks=False))
    found = [(Path(d.file).name, d.rule, d.line, d.column) for d in report.diagnostics]
    assert ("other.yaml", "HY601", 4, 10) in found
    assert not [f for f in found if f[0] == "census.yaml" and f[1] == "HY601"]


@needs_shared
def test_the_corpus_census_application_resolves_to_its_model() -> None:
    folder = CORPUS / "hydro-serving-example" / "examples" / "custom_metrics" / "census"
    report = lint_paths([str(folder)], options=Options(file_checks=False))
    assert [d for d in report.diagnostics if d.rule.startswith("HY6")] == []
    assert report.ok
    result = runner.invoke(
        app, ["lint", "--no-file-checks", "--explain-app", "census_app", str(folder)]
    )
    assert "Application 'census_app'" in result.output
    assert "    age              int64   scalar  numerical" in result.output
    assert "    income  string  scalar  categorical" in result.output


@needs_shared
def test_the_corpus_linted_whole_gives_the_verdicts_of_its_readme() -> None:
    report = lint_paths([str(CORPUS)], options=Options(file_checks=False))
    failing = {
        Path(f.file).relative_to(CORPUS).as_posix()
        for f in report.files
        if not all(d.severity.value != "error" for d in f.diagnostics)
    }
    readme = (CORPUS / "README.md").read_text()
    for file in report.files:
        name = Path(file.file).name
        parent = Path(file.file).parent.name
        rows = [r for r in readme.splitlines() if f"/{parent}/{name} |" in r or f"…/{name} |" in r]
        verdicts = {r.split("|")[2].strip().split(",")[0] for r in rows}
        if len(verdicts) == 1:
            (verdict,) = verdicts
            relative_name = Path(file.file).relative_to(CORPUS).as_posix()
            assert (relative_name in failing) == (verdict == "fail"), relative_name


def test_explain_app_of_an_unknown_application_is_a_usage_error(tmp_path: Path) -> None:
    root = tree(tmp_path, {"app.yaml": APP.format(name="census-app", model="census:1")})
    result = runner.invoke(app, ["lint", "--explain-app", "census-ap", str(root)])
    assert result.exit_code == 2
    assert "did you mean 'census-app'?" in result.stderr


# ------------------------------------------------------------------ --jobs


def test_jobs_give_output_identical_to_one_process(tmp_path: Path) -> None:
    files = {}
    for n in range(80):
        files[f"models/m{n:02d}/serving.yaml"] = model_manifest(f"model-{n}", "latest")
        files[f"apps/a{n:02d}.yaml"] = APP.format(name=f"app-{n % 70}", model=f"model-{n + 3}:1")
    root = tree(tmp_path, files)
    outputs = []
    for jobs in ("1", "4"):
        result = runner.invoke(
            app, ["lint", "--no-file-checks", "-f", "json", "--jobs", jobs, str(root)]
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    assert data["summary"]["files"] == 160
    rules = [d["rule"] for d in data["diagnostics"]]
    assert rules.count("HY608") == 10 and rules.count("HY601") == 3 and rules.count("HY203") == 80


def test_the_walk_gives_each_file_as_it_finds_it(tmp_path: Path) -> None:
    """A lint checks the first files while the folders are walked for the others: the walk
    hands out a file before it has looked into the next folder."""
    from hydro_manifest.discovery import Discovered, walk

    root = tree(tmp_path, {f"f{n}/m.yaml": model_manifest(f"model-{n}") for n in range(3)})
    found = Discovered([], {})
    files = walk([str(root)], (), None, found)
    assert next(files) == str(root / "f0" / "m.yaml")
    assert list(found.roots) == [str(root / "f0" / "m.yaml")]  # f1 and f2 not yet walked
    assert list(files) == [str(root / "f1" / "m.yaml"), str(root / "f2" / "m.yaml")]


@pytest.mark.skipif(available_cpus() < 2, reason="a pool needs two CPUs")
def test_a_pool_lint_reports_every_file_in_the_walks_order(tmp_path: Path) -> None:
    """With worker processes, the files walked are handed out as they are found; the
    report keeps the walk's order, and the progress ends at every file found."""
    names = [f"d{n % 7}/m{n:03d}.yaml" for n in range(150)]
    root = tree(tmp_path, {name: model_manifest(f"model-{n}") for n, name in enumerate(names)})
    seen: list[tuple[int, int]] = []
    report = lint_paths(
        [str(root)],
        options=Options(file_checks=False),
        processes=2,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert [f.file for f in report.files] == [str(root / name) for name in sorted(names)]
    assert seen[-1] == (150, 150) and all(done <= total for done, total in seen)


def test_jobs_are_capped_at_the_cpus_available(tmp_path: Path) -> None:
    import multiprocessing

    root = tree(tmp_path, {f"m{n:03d}.yaml": model_manifest(f"model-{n}") for n in range(100)})
    workers: list[int] = []
    report = lint_paths(
        [str(root)],
        options=Options(file_checks=False),
        processes=64,
        progress=lambda done, total: workers.append(len(multiprocessing.active_children())),
    )
    assert len(report.files) == 100
    assert 0 < max(workers) <= available_cpus()
    result = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "lint", "--no-file-checks", "-j", "64", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stderr == f"hydro: --jobs 64 capped at the {available_cpus()} CPUs available\n"


def test_messages_stay_short_across_documents(tmp_path: Path) -> None:
    """A pipeline stage missing a field lists the outputs of the stage before it: with a
    thousand long field names the message and hint still stop at 400 characters."""
    many = "".join(
        f"    output_with_a_long_name_{n}: {{shape: scalar, type: int64, profile: numerical}}\n"
        for n in range(1000)
    )
    first = model_manifest("first").replace(
        "  outputs:\n    income: {shape: scalar, type: string, profile: categorical}\n",
        "  outputs:\n" + many,
    )
    root = tree(
        tmp_path,
        {
            "first.yaml": first,
            "second.yaml": model_manifest("second"),
            "app.yaml": "kind: Application\nname: app\npipeline:\n"
            "  - - model: first:1\n  - - model: second:1\n",
        },
    )
    report = lint_paths([str(root)], options=Options(file_checks=False), processes=1)
    (missing,) = [d for d in report.diagnostics if d.rule == "HY603"]
    assert len(missing.hint or "") == 400 and (missing.hint or "").endswith("…")
    assert all(len(d.message) <= 400 and len(d.hint or "") <= 400 for d in report.diagnostics)


# ------------------------------------------------------------------ config


def test_config_is_found_above_the_first_path_and_applied(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.hydro]\nignore = ["HY203"]\n'
            'exclude = ["vendor/"]\n\n[tool.hydro.severity]\nHY601 = "error"\n\n'
            '[tool.hydro.per-path-ignores]\n"legacy/*" = ["hs-cli"]\n',
            "repo/models/serving.yaml": model_manifest("census", "latest"),
            "repo/apps/app.yaml": APP.format(name="census-app", model="missing:1"),
            "repo/vendor/serving.yaml": model_manifest("Vendored", "latest"),
            "legacy/app.yaml": APP.format(name="legacy-app", model="census"),
        },
    )
    result = runner.invoke(app, ["lint", "--no-file-checks", str(root / "repo")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        f"{root / 'repo' / 'apps' / 'app.yaml'}:4:10: error[HY601] no Model named 'missing' "
        "among the files checked (it may already be on the cluster; otherwise check the name)"
    )
    assert "HY203" not in result.output and "Vendored" not in result.output
    legacy = runner.invoke(app, ["lint", "--no-file-checks", str(root / "legacy")])
    assert "HY401" not in legacy.output  # hs-cli switched off under legacy/


def test_hydro_yaml_config_and_select(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            ".hydro.yaml": "select: [HY2]\nstrict: true\n",
            "serving.yaml": model_manifest("Census", "latest"),
        },
    )
    result = runner.invoke(app, ["validate", "--no-file-checks", str(root / "serving.yaml")])
    assert result.exit_code == 1  # strict: the one warning fails
    assert [line.split()[1] for line in result.output.splitlines()[:-1]] == ["warning[HY203]"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            ".hydro.yaml",
            "ignore: [HY203]\nstrcit: true\n",
            ".hydro.yaml:2: unknown option 'strcit' (did you mean 'strict'?",
        ),
        (".hydro.yaml", "select: [HY2O3]\n", ".hydro.yaml:1: select: 'HY2O3' is not a rule id"),
        (
            "pyproject.toml",
            '[tool.hydro]\nfail-on = "fatal"\n',
            "pyproject.toml:2: fail-on: Input should be 'error', 'warning' or 'note'",
        ),
        (".hydro.yaml", "ignore: [HY203\n", ".hydro.yaml:2: a `[` list is not closed"),
        (  # found by discovery, not named: still a usage error, never silently skipped
            "pyproject.toml",
            "[tool.hydro\nstrict = true\n",
            "pyproject.toml:1:12: invalid TOML: Expected ']' at the end of a table declaration",
        ),
    ],
)
def test_a_bad_config_is_a_usage_error_with_its_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    root = tree(tmp_path, {name: text, "serving.yaml": model_manifest("census", "latest")})
    with pytest.raises(ConfigError) as raised:
        load(start=str(root / "serving.yaml"))
    assert message in str(raised.value)
    result = runner.invoke(app, ["lint", str(root)])
    assert result.exit_code == 2
    assert message in result.stderr


def test_config_option_names_a_file(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {"ci/hydro.yaml": "ignore: [lint]\n", "serving.yaml": model_manifest("census", "latest")},
    )
    path = str(root / "serving.yaml")
    assert "HY203" in runner.invoke(app, ["validate", "--no-file-checks", path]).output
    quiet = runner.invoke(
        app, ["validate", "--no-file-checks", "--config", str(root / "ci" / "hydro.yaml"), path]
    )
    assert "HY203" not in quiet.output
    missing = runner.invoke(app, ["validate", "--config", str(root / "nope.yaml"), path])
    assert missing.exit_code == 2


# ------------------------------------------------------------------ suppressions


def test_suppressions_apply_to_findings_across_documents(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "app.yaml": "kind: Application\nname: app\nsingular:\n"
            "  model: elsewhere:1  # hydro: ignore[unresolved-model] deployed by another team\n",
        },
    )
    report = lint_paths([str(root)], options=Options(file_checks=False))
    assert report.diagnostics == []


def test_lint_in_a_real_process(tmp_path: Path) -> None:
    root = tree(tmp_path, {"serving.yaml": model_manifest("census", "latest")})
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "lint", "--no-file-checks", "."],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "serving.yaml:3:10: warning[HY203] runtime tag 'latest' moves: the model may be rebuilt "
        "on another runtime (pin a released version, e.g. "
        "'hydrosphere/serving-runtime-python-3.7:3.0.0')",
        "1 file, 1 document: 0 errors, 1 warning, 0 notes",
    ]
    assert done.stderr == ""


def test_fixture_folders_are_linted_alike_by_the_cli() -> None:
    result = runner.invoke(
        app, ["lint", "--no-file-checks", str(FIXTURES / "project" / "pipeline")]
    )
    assert result.exit_code == 1
    assert "HY603" in result.output and "HY604" in result.output


def test_the_json_summary_counts_the_yaml_files_skipped() -> None:
    folder = FIXTURES / "project" / "other-yaml"
    result = runner.invoke(app, ["lint", "--no-file-checks", "-f", "json", str(folder)])
    report = json.loads(result.stdout)
    assert report["summary"]["skipped"] == 4
    assert report["summary"]["files"] == 2


def test_every_problem_of_a_config_is_reported_at_once(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            ".hydro.yaml": "strcit: true\nselect: [HY2O3]\nfail-on: fatal\n",
            "serving.yaml": model_manifest("census"),
        },
    )
    result = runner.invoke(app, ["lint", str(root)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"hydro: error: {root / '.hydro.yaml'}:1: unknown option 'strcit' (did you mean "
        "'strict'? valid options: select, ignore, per-path-ignores, severity, strict, fail-on, "
        "exit-zero, file-checks, remote, s3-endpoint-url, index-url, resolve-timeout, exclude, "
        "max-file-size, root)",
        f"hydro: error: {root / '.hydro.yaml'}:2: select: 'HY2O3' is not a rule id, id prefix, "
        "rule name or layer; did you mean 'HY203' or 'HY213'?",
        f"hydro: error: {root / '.hydro.yaml'}:3: fail-on: Input should be 'error', 'warning' "
        "or 'note'",
    ]


def test_per_path_ignores_take_gitignore_patterns_as_exclude_does(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            ".hydro.yaml": "per-path-ignores:\n  legacy/: [HY203]\n  /top.yaml: [HY203]\n",
            "legacy/deep/m.yaml": model_manifest("deep", "latest"),
            "top.yaml": model_manifest("top", "latest"),
            "models/top.yaml": model_manifest("nested", "latest"),
        },
    )
    report = lint_paths([str(root)], config=load(start=str(root)), processes=1)
    flagged = sorted(relative(root, [d.file for d in report.diagnostics if d.rule == "HY203"]))
    assert flagged == ["models/top.yaml"]  # `/top.yaml` is anchored at the config's folder


def test_explain_app_names_each_unresolved_model_once(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "app.yaml": "kind: Application\nname: ab\npipeline:\n"
            "  - - model: claims-model:1\n      weight: 50\n"
            "    - model: claims-model:2\n      weight: 50\n",
        },
    )
    result = runner.invoke(app, ["lint", "--no-file-checks", "--explain-app", "ab", str(root)])
    assert "  models not among the linted files: claims-model\n" in result.output
