"""`hydro lint` keeps each file's result in the user's cache folder and reuses it while the
file and every path its checks looked at are unchanged (hydro_manifest/cache.py).

A reused result must be the result a new check would give: each test changes one thing a
check reads (the manifest, a payload file, a file deep in a payload folder, func_main.py,
a link's target, the Model an Application names) and expects the new finding, located.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import hydro_manifest.cache as cache_module
import hydro_manifest.pool as pool_module
import hydro_manifest.runner as runner_module
from hydro_manifest import Options, lint_paths
from hydro_manifest.cache import BEGAN, LENGTHS, MAGIC, LintCache
from hydro_manifest.cli import app
from hydro_manifest.file_check import FileResult, Job, check_file
from tests.conftest import EXAMPLES, fixture_files, model_manifest, ship_func_main

#: How long before a run a change must be for its result to be kept, in these tests: far
#: above a file system's clock tick, far below the second hydro waits.
RACY_NS = 100_000_000
#: hydro's own margin, which a test of the command run as a process waits out.
HYDRO_RACY_NS = cache_module.RACY_NS
Found = list[tuple[str, str, int, int, str]]


def settle() -> None:
    """Let the files just written age past RACY_NS."""
    time.sleep(RACY_NS / 1e9 * 1.5)


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HYDRO_CACHE_DIR", str(folder))
    monkeypatch.setattr(cache_module, "RACY_NS", RACY_NS)
    return folder


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files a run checks (rather than takes from the cache), in one process."""
    names: list[str] = []
    check_file = runner_module.check_file

    def counted(job: Job, kept: bool | frozenset[str] = False) -> FileResult:
        names.append(os.path.basename(job.name))
        return check_file(job, kept)

    monkeypatch.setattr(runner_module, "check_file", counted)
    return names


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A Model shipping code, a file, a folder of folders and a link, and an Application
    naming it; all valid."""
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    model = top / "census"
    model.mkdir()
    (model / "serving.yaml").write_text(
        model_manifest(payload="['src/', 'model.pkl', 'data/', 'weights.pkl']")
    )
    ship_func_main(model)
    (model / "model.pkl").write_bytes(b"x")
    (model / "data" / "sub").mkdir(parents=True)
    (model / "data" / "sub" / "x.bin").write_bytes(b"1")
    (model / "a.pkl").write_bytes(b"x")
    (model / "weights.pkl").symlink_to("a.pkl")
    (top / "app.yaml").write_text(
        "kind: Application\nname: census-app\nsingular:\n  model: census:1\n"
    )
    settle()
    return top


def lint(top: Path, processes: int = 1, **options: bool) -> Found:
    report = lint_paths([str(top)], options=Options(cache=True, **options), processes=processes)
    return [
        (d.rule, os.path.relpath(d.file, top), d.line, d.column, str(d.path))
        for file in report.files
        for d in file.diagnostics
    ]


def test_an_unchanged_tree_is_reported_from_the_cache(
    tree: Path, cache_folder: Path, checked: list[str]
) -> None:
    assert lint(tree) == []
    assert sorted(checked) == ["app.yaml", "serving.yaml"]
    checked.clear()
    assert lint(tree) == []
    assert checked == []
    (cache_file,) = (cache_folder / "lint").iterdir()
    assert cache_file.stat().st_mode & 0o777 == 0o600


# Each change, and the finding a new check gives (rule, file, line, column, path).
CHANGES: dict[str, tuple[Callable[[Path], object], Found]] = {
    "the manifest, to a text of the same size": (
        lambda top: (top / "census" / "serving.yaml").write_text(
            (top / "census" / "serving.yaml").read_text().replace("int64", "int65")
        ),
        [("HY309", "census/serving.yaml", 8, 32, "('contract', 'inputs', 'age', 'type')")],
    ),
    "a payload file removed": (
        lambda top: (top / "census" / "model.pkl").unlink(),
        [("HY216", "census/serving.yaml", 4, 19, "('payload', 1)")],
    ),
    "the only file deep in a payload folder removed": (
        lambda top: (top / "census" / "data" / "sub" / "x.bin").unlink(),
        [("HY217", "census/serving.yaml", 4, 32, "('payload', 2)")],
    ),
    "func_main.py returning another key": (
        lambda top: ship_func_main(
            top / "census", 'def predict(age):\n    return {"wealth": str(age)}\n'
        ),
        [("HY813", "census/src/func_main.py", 2, 5, "None")],
    ),
    "a link now leading out of the repository": (
        lambda top: (
            (top / "census" / "weights.pkl").unlink(),
            (top / "census" / "weights.pkl").symlink_to("/etc/passwd"),
        ),
        [("HY019", "census/serving.yaml", 4, 41, "('payload', 3)")],
    ),
    "a link now naming another payload file of the same size": (
        lambda top: (
            (top / "census" / "weights.pkl").unlink(),
            (top / "census" / "weights.pkl").symlink_to("model.pkl"),
        ),
        [("HY218", "census/serving.yaml", 4, 41, "('payload', 3)")],
    ),
    "the Model an Application names removed": (
        lambda top: (top / "census" / "serving.yaml").unlink(),
        [("HY601", "app.yaml", 4, 10, "('singular', 'model')")],
    ),
}


def fresh_checkout(top: Path) -> None:
    """The same files written anew, as a CI machine's checkout writes them: new inodes and
    change times, so that no stamp stands and what the files hold decides."""
    copy = top.with_name(f"{top.name}-copy")
    shutil.copytree(top, copy, symlinks=True)
    shutil.rmtree(top)
    copy.rename(top)


@pytest.mark.parametrize("fresh", [False, True], ids=["in place", "then a fresh checkout"])
@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_change_to_what_a_check_read_is_checked_again(
    tree: Path, cache_folder: Path, checked: list[str], change: str, fresh: bool
) -> None:
    make, found = CHANGES[change]
    assert lint(tree) == []
    make(tree)
    if fresh:
        fresh_checkout(tree)
    assert lint(tree) == found
    assert lint(tree) == found  # the files changed just now checked again, the rest reused


def test_an_unchanged_tree_is_not_read_again(
    tree: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While every stamp stands, nothing a check read is read again: a path that has no
    stamp (a payload entry that is missing) is no reason to."""
    (tree / "census" / "model.pkl").unlink()
    settle()
    lint(tree)
    asked: list[str] = []
    asked_again = cache_module._asked_again

    def counted(root: Any, path: str, question: str) -> object:
        asked.append(question)
        return asked_again(root, path, question)

    monkeypatch.setattr(cache_module, "_asked_again", counted)
    assert lint(tree) == [("HY216", "census/serving.yaml", 4, 19, "('payload', 1)")]
    assert asked == []
    fresh_checkout(tree)
    assert lint(tree) == [("HY216", "census/serving.yaml", 4, 19, "('payload', 1)")]
    assert "read 10485760 whole" in asked  # (the manifest, by the default size limit)


def test_a_fresh_checkout_of_the_same_files_is_served_from_the_cache(
    tree: Path, cache_folder: Path, checked: list[str]
) -> None:
    """A cache restored on a new CI machine: every stamp differs, every answer is the same
    (each file read and each folder scanned by the checks is asked again)."""
    (tree / "census" / "model.pkl").unlink()
    settle()
    missing = [("HY216", "census/serving.yaml", 4, 19, "('payload', 1)")]
    assert lint(tree) == missing
    fresh_checkout(tree)
    settle()
    checked.clear()
    assert lint(tree) == missing
    assert checked == []
    (cache_file,) = (cache_folder / "lint").iterdir()
    kept = [seen for _, part, _ in entries_of(cache_file) for seen in pickle.loads(part)]
    stamps = [seen[5] for seen in kept if seen[2] != "missing"]
    assert stamps and None not in stamps  # the new ones kept: no reading again next time


@pytest.mark.parametrize("processes", [1, 2])
def test_stages_compared_from_the_cache_are_read_again(
    tmp_path: Path, cache_folder: Path, processes: int
) -> None:
    """A kept result leaves each Model's contract fields in its file (a third of the bytes
    to pickle); a second run reads those a pipeline compares, as a worker's results are."""
    score = "{shape: scalar, type: %s, profile: numerical}"
    (tmp_path / "a.yaml").write_text(model_manifest("first", outputs={"score": score % "double"}))
    (tmp_path / "b.yaml").write_text(model_manifest("second", inputs={"score": score % "int64"}))
    for index in range(70 if processes > 1 else 0):  # enough files for a pool
        (tmp_path / f"m{index}.yaml").write_text(model_manifest(f"model-{index}"))
    (tmp_path / "app.yaml").write_text(
        "kind: Application\nname: two\npipeline:\n  - - model: first:1\n  - - model: second:1\n"
    )
    settle()
    found = [("HY604", "app.yaml", 5, 14, "('pipeline', 1, 0, 'model')")]
    for _ in range(2):
        assert lint(tmp_path, processes, file_checks=False) == found
    (cache_file,) = (cache_folder / "lint").iterdir()
    results = [pickle.loads(blob) for _, _, blob in entries_of(cache_file)]
    models = [s for r in results for s in r.summaries if s.kind == "Model"]
    assert all(s.signature is None and s.contract_at is not None for s in models)


def test_a_payload_file_that_appears_is_seen(
    tree: Path, cache_folder: Path, checked: list[str]
) -> None:
    (tree / "census" / "model.pkl").unlink()
    settle()
    assert lint(tree) == [("HY216", "census/serving.yaml", 4, 19, "('payload', 1)")]
    (tree / "census" / "model.pkl").write_bytes(b"x")
    checked.clear()
    assert lint(tree) == []
    assert checked == ["serving.yaml"]


def test_a_file_changed_just_before_the_run_is_asked_again(
    tmp_path: Path, cache_folder: Path, checked: list[str]
) -> None:
    """A change in the same tick of the file system's clock as the check would leave the
    file's times as they were: a stamp less than RACY_NS older than the run that saw it is
    not trusted (the cache file says when that run began), and the next run reads it."""
    manifest = tmp_path / "serving.yaml"
    manifest.write_text(model_manifest())
    assert lint(tmp_path, file_checks=False) == []
    (cache_file,) = (cache_folder / "lint").iterdir()
    (began,) = BEGAN.unpack_from(cache_file.read_bytes(), len(MAGIC))
    ((_, part, _),) = entries_of(cache_file)
    stamp = {seen[1]: seen[5] for seen in pickle.loads(part)}[str(manifest)]
    assert stamp[2] >= began - cache_module.RACY_NS
    written = manifest.stat()
    manifest.write_text(model_manifest().replace("int64", "int65"))
    os.utime(manifest, ns=(written.st_atime_ns, written.st_mtime_ns))  # as if in one tick
    found = [("HY309", "serving.yaml", 8, 32, "('contract', 'inputs', 'age', 'type')")]
    assert lint(tmp_path, file_checks=False) == found
    settle()
    for _ in range(2):
        assert lint(tmp_path, file_checks=False) == found
    assert checked == ["serving.yaml"] * 2  # read again and found the same, then trusted


def test_settings_that_change_a_result_are_kept_apart(
    tree: Path, cache_folder: Path, checked: list[str]
) -> None:
    (tree / "census" / "model.pkl").unlink()
    assert lint(tree) == [("HY216", "census/serving.yaml", 4, 19, "('payload', 1)")]
    assert lint(tree, file_checks=False) == []
    assert lint(tree) == [("HY216", "census/serving.yaml", 4, 19, "('payload', 1)")]


def test_a_result_without_references_is_not_reused_where_they_are_listed(
    tree: Path, cache_folder: Path, checked: list[str]
) -> None:
    """A lint that leaves references out of its reports (the command's) keeps its results
    apart from one that lists them (the library's default)."""
    (tree / "census" / "model.pkl").unlink()
    missing = [("HY216", "census/serving.yaml", 4, 19, "('payload', 1)")]
    assert lint(tree, references=False) == missing
    checked.clear()
    report = lint_paths([str(tree)], options=Options(cache=True))
    assert sorted(checked) == ["app.yaml", "serving.yaml"]
    listed = [(r.entry, r.exists) for r in report.references]
    assert listed == [("src/", True), ("model.pkl", False), ("data/", True), ("weights.pkl", True)]


Entry = tuple[bytes, bytes, bytes]  # a cache file's entry: key, what its check saw, result


HEAD = len(MAGIC) + BEGAN.size  # a cache file's head: its format, when its run began


def entries_of(cache_file: Path) -> list[Entry]:
    """The entries of a cache file, as bytes (the format `LintCache` documents)."""
    data = cache_file.read_bytes()
    assert data.startswith(MAGIC)
    found, at = [], HEAD
    while at < len(data):
        lengths = LENGTHS.unpack_from(data, at)
        at += LENGTHS.size
        parts = []
        for length in lengths:
            parts.append(data[at : at + length])
            at += length
        found.append((parts[0], parts[1], parts[2]))
    return found


def write_entries(cache_file: Path, entries: list[Entry]) -> None:
    """Write a cache file's entries again under its head."""
    head = cache_file.read_bytes()[:HEAD]
    with open(cache_file, "wb") as stream:
        stream.write(head)
        for parts in entries:
            stream.write(LENGTHS.pack(*map(len, parts)) + b"".join(parts))


class Planted:
    """What a pickle built by someone else would run on load: it leaves a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("part", ["key", "what its check saw", "result"])
def test_a_cache_file_written_by_another_hand_runs_nothing(
    tree: Path, cache_folder: Path, checked: list[str], tmp_path: Path, part: str
) -> None:
    """Every pickle of a cache file is read by an unpickler that knows hydro's classes
    only: a planted pickle, in any part of an entry, is a cache miss and runs nothing."""
    lint(tree)
    (cache_file,) = (cache_folder / "lint").iterdir()
    entries = entries_of(cache_file)
    assert len(entries) == 2
    marker = tmp_path / "ran"
    planted = pickle.dumps(Planted(marker))
    index = ["key", "what its check saw", "result"].index(part)
    write_entries(
        cache_file, [tuple(planted if i == index else p for i, p in enumerate(e)) for e in entries]
    )
    checked.clear()
    assert lint(tree) == []
    assert sorted(checked) == ["app.yaml", "serving.yaml"]
    assert not marker.exists()
    assert len(entries_of(cache_file)) == 2  # and written anew


@pytest.mark.parametrize(
    "content", [b"", b"not a cache", MAGIC, MAGIC + LENGTHS.pack(1, 2, 3), MAGIC + b"\0"]
)
def test_a_broken_cache_file_is_a_miss(
    tree: Path, cache_folder: Path, checked: list[str], content: bytes
) -> None:
    lint(tree)
    (cache_file,) = (cache_folder / "lint").iterdir()
    cache_file.write_bytes(content)
    checked.clear()
    assert lint(tree) == []
    assert len(checked) == 2
    assert len(entries_of(cache_file)) == 2


def test_a_truncated_entry_is_a_miss_and_the_others_stand(
    tree: Path, cache_folder: Path, checked: list[str]
) -> None:
    lint(tree)
    (cache_file,) = (cache_folder / "lint").iterdir()
    first, second = entries_of(cache_file)
    write_entries(cache_file, [first, (second[0], second[1], second[2][:-5])])
    checked.clear()
    assert lint(tree) == []
    assert len(checked) == 1


def test_a_cache_folder_that_cannot_be_written_costs_only_the_cache(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: list[str]
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("HYDRO_CACHE_DIR", str(blocked))
    (tree / "census" / "model.pkl").unlink()
    for _ in range(2):
        assert lint(tree) == [("HY216", "census/serving.yaml", 4, 19, "('payload', 1)")]
    assert len(checked) == 4


def test_an_interrupted_run_leaves_the_last_cache(
    tree: Path, cache_folder: Path, checked: list[str]
) -> None:
    lint(tree)
    (cache_file,) = (cache_folder / "lint").iterdir()
    before = cache_file.read_bytes()

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    options = Options(cache=True)
    (tree / "census" / "model.pkl").unlink()
    report = lint_paths([str(tree)], options=options, processes=1, progress=stop)
    assert report.interrupted
    assert cache_file.read_bytes() == before
    assert [p.name for p in (cache_folder / "lint").iterdir()] == [cache_file.name]


def test_a_parallel_lint_keeps_what_its_workers_checked(
    tmp_path: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers hand back each result pickled; the cache keeps those bytes, and the next run
    of the unchanged tree starts no worker."""
    for index in range(70):
        (tmp_path / f"m{index}.yaml").write_text(model_manifest(f"model-{index}"))
    (tmp_path / "m3.yaml").write_text(model_manifest("model-3", extra="junk: 1\n"))
    settle()
    first = lint(tmp_path, processes=2, file_checks=False)
    assert first == [("HY104", "m3.yaml", 5, 1, "('junk',)")]
    pools: list[int] = []
    in_pool = pool_module.in_pool

    def counted(*arguments: Any, **named: Any) -> None:
        pools.append(1)
        in_pool(*arguments, **named)

    monkeypatch.setattr(pool_module, "in_pool", counted)
    assert lint(tmp_path, processes=2, file_checks=False) == first
    assert pools == []
    (cache_file,) = (cache_folder / "lint").iterdir()
    assert len(entries_of(cache_file)) == 70


@pytest.fixture
def cli_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cli-cache"
    monkeypatch.setenv("HYDRO_CACHE_DIR", str(folder))
    monkeypatch.delenv("HYDRO_NO_CACHE", raising=False)
    monkeypatch.setattr(cache_module, "RACY_NS", RACY_NS)
    yield folder


def test_the_cli_caches_by_default_and_not_with_no_cache(tree: Path, cli_cache: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["lint", "--no-cache", str(tree)])
    assert done.exit_code == 0, done.output
    assert not cli_cache.exists()
    done = runner.invoke(app, ["lint", str(tree)], env={"HYDRO_NO_CACHE": "1"})
    assert done.exit_code == 0, done.output
    assert not cli_cache.exists()
    done = runner.invoke(app, ["lint", str(tree)])
    assert done.exit_code == 0, done.output
    assert [p.suffix for p in (cli_cache / "lint").iterdir()] == [".pickle"]


def test_the_cli_keeps_findings_not_references(tree: Path, cli_cache: Path) -> None:
    """No command of a lint's shows what the manifests point at: the results it keeps (in
    memory, and here in its cache) carry the findings about them and no list of them."""
    (tree / "census" / "model.pkl").unlink()
    settle()
    done = CliRunner().invoke(app, ["lint", "-f", "json", str(tree)])
    assert done.exit_code == 1, done.output
    found = json.loads(done.output)["diagnostics"]
    assert [(d["rule"], d["line"], d["column"]) for d in found] == [("HY216", 4, 19)]
    (cache_file,) = (cli_cache / "lint").iterdir()
    results = [pickle.loads(blob) for _, _, blob in entries_of(cache_file)]
    kept = {os.path.basename(r.report.file): r.report for r in results}
    assert [d.rule for d in kept["serving.yaml"].diagnostics] == ["HY216"]
    assert [r.report.references for r in results] == [[], []]


def test_the_library_does_not_cache_unless_asked(tree: Path, cli_cache: Path) -> None:
    lint_paths([str(tree)])
    assert not cli_cache.exists()


def test_a_second_run_of_the_command_reports_the_same(tree: Path, cli_cache: Path) -> None:
    """As a user runs it: two processes, the second from the first's cache (hydro's own
    margin for recent changes, one second, is waited out)."""
    (tree / "census" / "model.pkl").unlink()
    time.sleep(HYDRO_RACY_NS / 1e9 + 0.1)
    command = [sys.executable, "-m", "hydro_manifest", "lint", "-f", "json", str(tree)]
    environment = {**os.environ, "HYDRO_CACHE_DIR": str(cli_cache)}
    runs = [
        subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60)
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout
    found = json.loads(runs[1].stdout)["diagnostics"]
    assert [(d["rule"], d["line"], d["column"]) for d in found] == [("HY216", 4, 19)]
    (cache_file,) = (cli_cache / "lint").iterdir()
    assert len(entries_of(cache_file)) == 2


def test_a_cache_is_kept_per_working_folder_and_paths(
    tree: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = LintCache.open([str(tree)]).path
    assert LintCache.open([str(tree / "census")]).path != first
    monkeypatch.chdir(tree)
    assert LintCache.open([str(tree)]).path != first


def test_a_new_installation_of_the_same_hydro_keeps_the_key(tmp_path: Path) -> None:
    """A CI job installs hydro anew each run: its files' times change, their bytes do not;
    the libraries are told by their installed versions."""
    package = tmp_path / "package"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("A = 1\n")
    (package / "sub" / "b.json").write_text("{}\n")
    (package / "sub" / "__pycache__").mkdir()
    first = cache_module._content(package)
    os.utime(package / "a.py", ns=(0, 0))
    (package / "sub" / "__pycache__" / "b.pyc").write_bytes(b"\0")
    assert cache_module._content(package) == first
    (package / "a.py").write_text("A = 2\n")
    assert cache_module._content(package) != first
    versions = {module: version for module, _, version in cache_module._libraries()}
    assert set(versions) == set(cache_module.LIBRARIES)
    assert all(str(v).endswith(".dist-info") for v in versions.values()), versions


def test_every_fixtures_result_reads_back_through_the_cache(tmp_path: Path) -> None:
    """The cache reads results with an unpickler that builds hydro's own classes only: a
    result holding any other class would be checked again on every run. Every fixture's
    and example's result (findings, fixes, summaries, suppressions) reads back, the same."""
    files = [*fixture_files(), *sorted(EXAMPLES.rglob("*.yaml"))]
    assert len(files) > 100
    for path in files:
        job = Job(str(path), base=str(path.parent), root=str(path.parent), lint=True)
        result = check_file(job, kept=True)
        blob = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
        again = cache_module._OwnClasses(io.BytesIO(blob)).load()
        assert replace(again, shell=None) == replace(result, shell=None), path


def test_an_entry_naming_another_root_is_a_miss(
    tree: Path, cache_folder: Path, checked: list[str]
) -> None:
    """What a check saw lies inside its file's root: an entry that names another (written
    by another hand) is not asked about, its file is checked again."""
    assert lint(tree) == []
    (cache_file,) = (cache_folder / "lint").iterdir()
    moved = [
        (key, pickle.dumps(tuple(("/", *seen[1:]) for seen in pickle.loads(part))), blob)
        for key, part, blob in entries_of(cache_file)
    ]
    write_entries(cache_file, moved)
    checked.clear()
    assert lint(tree) == []
    assert sorted(checked) == ["app.yaml", "serving.yaml"]
