"""Faults in the tree `hydro lint` walks: every one is reported, and the rest is checked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import hydro_manifest.pool as pool_module
from hydro_manifest import Options, lint_paths
from tests import dying
from tests.conftest import Unprivileged, model_manifest

NO_FILES = Options(file_checks=False)


def models(folder: Path, count: int, fields: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    extra = "".join(
        f"    f{i}: {{shape: scalar, type: int64, profile: numerical}}\n" for i in range(fields - 1)
    )
    paths = []
    for n in range(count):
        path = folder / f"model-{n:05d}.yaml"
        path.write_text(model_manifest(f"model-{n}").replace("  outputs:", extra + "  outputs:"))
        paths.append(path)
    return paths


def lint_command(tree: Path, jobs: str, output: str) -> list[str]:
    """`hydro lint` of a generated tree (no payload files) in a process of its own."""
    return [
        *(sys.executable, "-m", "hydro_manifest", "lint", "--no-file-checks"),
        *("-j", jobs, "-f", output, str(tree)),
    ]


def findings(report: object) -> dict[str, list[str]]:
    by_file: dict[str, list[str]] = {}
    for d in report.diagnostics:  # type: ignore[attr-defined]
        by_file.setdefault(Path(d.file).name, []).append(f"{d.rule} {d.message}")
    return by_file


def test_special_files_are_reported_and_the_others_checked(tmp_path: Path) -> None:
    models(tmp_path, 2)
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "loop-a.yaml").symlink_to(tmp_path / "loop-b.yaml")
    (tmp_path / "loop-b.yaml").symlink_to(tmp_path / "loop-a.yaml")
    folder = tmp_path / "folder.yaml"
    models(folder, 1)
    started = time.monotonic()
    report = lint_paths([str(tmp_path)], options=NO_FILES, processes=1)
    assert time.monotonic() - started < 5
    found = findings(report)
    assert found["pipe.yaml"] == ["HY013 cannot read the file: it is not a regular file"]
    assert found["dangling.yaml"] == ["HY013 cannot read the file: No such file or directory"]
    assert found["loop-a.yaml"] == ["HY013 cannot read the file: Too many levels of symbolic links"]
    assert len(report.files) == 7  # 2 models, 1 in folder.yaml/, 4 special files
    assert sum(d.rule == "HY013" for d in report.diagnostics) == 4


def test_an_unreadable_file_in_the_tree(unprivileged: Unprivileged) -> None:
    first, _ = models(unprivileged.folder, 2)
    first.chmod(0)
    with unprivileged.user():
        report = lint_paths([str(unprivileged.folder)], options=NO_FILES, processes=1)
    assert findings(report)[first.name] == ["HY013 cannot read the file: Permission denied"]


def test_files_deleted_or_truncated_after_discovery(tmp_path: Path) -> None:
    paths = models(tmp_path, 4)

    def meddle(done: int, total: int) -> None:
        if done == 1:
            paths[1].unlink()
            paths[2].write_text(model_manifest("model-2")[:40])

    report = lint_paths([str(tmp_path)], options=NO_FILES, processes=1, progress=meddle)
    found = findings(report)
    assert found[paths[1].name] == ["HY013 cannot read the file: No such file or directory"]
    assert "HY301" in {f.split()[0] for f in found[paths[2].name]}  # cut short: no contract
    assert paths[3].name not in found


def test_a_worker_that_dies_is_reported_and_the_run_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = models(tmp_path, 90)
    killer = paths[30].name
    monkeypatch.setenv(dying.KILLER, killer)
    monkeypatch.setenv(dying.PARENT, str(os.getpid()))
    monkeypatch.setattr(dying, "check_file", pool_module.check_file)
    monkeypatch.setattr(pool_module, "check_file", dying.check_file_or_die)
    report = lint_paths([str(tmp_path)], options=NO_FILES, processes=2)
    assert [f.file for f in report.files] == [str(p) for p in paths]
    (died,) = report.diagnostics
    assert (Path(died.file).name, died.rule) == (killer, "HY000")
    assert died.message.startswith("the process checking this file died")
    assert report.exit_code() == 3


@pytest.mark.parametrize(
    ("jobs", "stop", "code", "said"),
    [
        ("1", signal.SIGINT, 130, "interrupted"),
        ("2", signal.SIGINT, 130, "interrupted"),
        ("1", signal.SIGTERM, 143, "terminated"),
        ("2", signal.SIGTERM, 143, "terminated"),
    ],
)
def test_ctrl_c_and_sigterm_end_promptly_with_a_partial_report(
    tmp_path: Path, jobs: str, stop: signal.Signals, code: int, said: str
) -> None:
    """The signal goes to the main process only (as `kill PID` sends it): its workers end
    too, so whatever reads the output sees it end."""
    models(tmp_path / "tree", 3000, fields=100)  # several seconds of work
    process = subprocess.Popen(
        lint_command(tmp_path / "tree", jobs, "json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_until_it_catches(process.pid, signal.SIGTERM)  # hydro's handler is set: it runs
    time.sleep(0.5)
    process.send_signal(stop)
    stdout, stderr = process.communicate(timeout=30)  # stdout closes: no worker holds it
    assert process.returncode == code
    assert "Traceback" not in stderr and "Exception" not in stderr
    assert stderr.strip() == f"hydro: {said}"
    report = json.loads(stdout)
    assert report["interrupted"] is True
    assert 0 < report["summary"]["files"] < 3000


@pytest.mark.parametrize(
    ("stop", "code", "said"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_a_signal_while_the_report_is_written_ends_as_during_the_run(
    tmp_path: Path, stop: signal.Signals, code: int, said: str
) -> None:
    """The run is over and the report fills the pipe of a reader that has stopped reading:
    Ctrl-C or SIGTERM then ends hydro as during a run (before, both gave a silent 130)."""
    import fcntl
    import termios

    models(tmp_path / "tree", 1000)
    process = subprocess.Popen(
        lint_command(tmp_path / "tree", "1", "json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        waiting, before = bytearray(4), -1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            fcntl.ioctl(process.stdout.fileno(), termios.FIONREAD, waiting)  # type: ignore[union-attr]
            now = int.from_bytes(waiting, sys.byteorder)
            if now > 60_000 and now == before:  # the pipe is full: hydro waits to write
                break
            before = now
            time.sleep(0.1)
        else:
            raise AssertionError("the report never filled the pipe")
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, stderr.strip()) == (code, f"hydro: {said}")


#: Lints a tree (argv 1) in worker processes whose check, or reading of contracts, is
#: `tests.dying`'s (argv 2; `as_it_is`: hydro's own), and prints whether the run was
#: interrupted, how many files it reports, its findings and its exit code.
_FAULTY_LINT = """
import json, os, sys
from pathlib import Path
import hydro_manifest.pool as pool_module
import hydro_manifest.project as project
from hydro_manifest import Options, lint_paths
from tests import dying
dying.check_file, dying.read_contracts = pool_module.check_file, project.read_contracts
if sys.argv[2].startswith("read_contracts"):
    project.read_contracts = getattr(dying, sys.argv[2])
elif sys.argv[2] != "as_it_is":
    pool_module.check_file = getattr(dying, sys.argv[2])
os.environ[dying.PARENT] = str(os.getpid())
report = lint_paths([sys.argv[1]], options=Options(file_checks=False), processes=2)
found = [[Path(d.file).name, d.rule] for d in report.diagnostics]
print(json.dumps([report.interrupted, len(report.files), found, report.exit_code()]))
"""


def _faulty_lint(tree: Path, check: str, killer: Path, **environment: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _FAULTY_LINT, str(tree), check],
        env={
            **os.environ,
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
            dying.KILLER: killer.name,
            **environment,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_worker_that_dies_while_it_sends_its_results_is_reported(tmp_path: Path) -> None:
    """A worker killed halfway through sending its results wedges the pool, which never
    notices (its thread waits for the rest of the message, the other worker for the pipe's
    lock): the main process, waiting, sees the dead worker and stops the pool, and the run
    goes on as after any worker that dies. (Before, it waited for ever.)"""
    paths = models(tmp_path / "tree", 90)
    process = _faulty_lint(tmp_path / "tree", "check_file_or_die_sending", paths[0])
    try:
        stdout, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    interrupted, files, found, code = json.loads(stdout)
    assert (interrupted, files, found, code) == (False, 90, [[paths[0].name, "HY000"]], 3)


def test_a_worker_that_dies_sending_contracts_read_again_changes_nothing(
    tmp_path: Path,
) -> None:
    """The same for the contracts a pipeline compares, read again by the workers after the
    files: once the pool is stopped, the main process reads them, and the report is the
    one a run without the fault gives."""
    models(tmp_path / "tree", 90)
    (tmp_path / "tree" / "zzz-pipeline.yaml").write_text(
        "kind: Application\nname: zzz\npipeline:\n  - - model: model-0:1\n  - - model: model-1:1\n"
    )
    killer = tmp_path / "tree" / "model-00000.yaml"
    reports = []
    for reading in ("as_it_is", "read_contracts_or_die_sending"):
        process = _faulty_lint(tmp_path / "tree", reading, killer)
        try:
            stdout, stderr = process.communicate(timeout=60)
        finally:
            process.kill()
        assert process.returncode == 0, stderr
        reports.append(json.loads(stdout))
    assert reports[1] == reports[0]
    assert ["zzz-pipeline.yaml", "HY603"] in reports[0][2]  # (the contracts were compared)


def test_an_interruption_while_a_worker_sends_its_results_ends_the_run(tmp_path: Path) -> None:
    """A worker stopped halfway through sending its results leaves half a message in the
    pipe; Ctrl-C (or SIGTERM) then still ends the run promptly, with a partial report.
    (Before, the pool's thread waited for the rest of the message forever.)"""
    paths = models(tmp_path / "tree", 200)
    stalled = tmp_path / "stalled"
    process = _faulty_lint(
        tmp_path / "tree", "check_file_or_stall", paths[100], **{dying.STALLED: str(stalled)}
    )
    try:
        deadline = time.monotonic() + 60
        while not stalled.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stalled.exists(), process.stderr and process.stderr.read()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    interrupted, files, _, _ = json.loads(stdout)
    assert interrupted is True
    assert files < len(paths)


#: `hydro lint` (argv: its arguments) with SIGTERM sent to itself as the process pool
#: starts its thread: inside the executor's own start-up.
_SIGTERM_AS_THE_POOL_STARTS = """
import os, signal, sys
import concurrent.futures.process as executor
start = executor._ExecutorManagerThread.start
def start_after_sigterm(thread):
    os.kill(os.getpid(), signal.SIGTERM)
    start(thread)
executor._ExecutorManagerThread.start = start_after_sigterm
from hydro_manifest.cli import main
sys.argv = ["hydro", *sys.argv[1:]]
main()
"""


def test_a_signal_while_the_pool_starts_waits_until_it_has(tmp_path: Path) -> None:
    """Ctrl-C or SIGTERM raised inside the executor's start-up left a thread that never ran,
    which the shutdown cannot join (before: "internal error: RuntimeError: cannot join
    thread before it is started", exit 3), or was dropped by a fork's hook; held until the
    pool has started, it ends the run as anywhere else."""
    models(tmp_path / "tree", 100)
    arguments = lint_command(tmp_path / "tree", "2", "json")[3:]
    done = subprocess.run(
        [sys.executable, "-c", _SIGTERM_AS_THE_POOL_STARTS, *arguments],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr.strip()) == (143, "hydro: terminated")
    assert json.loads(done.stdout)["interrupted"] is True


def _wait_until_it_catches(pid: int, signum: int) -> None:
    """Until the process has a handler for `signum` (Linux: `SigCgt` in /proc/PID/status),
    so that a loaded machine's slow start-up does not meet the default action."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status")
        if not status.exists():
            time.sleep(0.5)  # not Linux: give it time instead
            return
        caught = next(
            (
                line.split()[1]
                for line in status.read_text().splitlines()
                if line.startswith("SigCgt")
            ),
            "0",
        )
        if int(caught, 16) & (1 << (signum - 1)):
            return
        time.sleep(0.02)
    raise AssertionError("hydro never set its SIGTERM handler")


def test_a_progress_bar_on_a_terminal_only_for_a_long_run(tmp_path: Path) -> None:
    """stderr a terminal (a pseudo-terminal here): a long lint shows a bar that goes away."""
    import pty

    models(tmp_path / "tree", 2000, fields=100)
    report = tmp_path / "report.json"
    leader, follower = pty.openpty()
    command = lint_command(tmp_path / "tree", "1", f"json={report}")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    process = subprocess.Popen(command, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=60) == 0
    os.close(leader)
    assert b"linting" in seen and b"\x1b[" in seen  # rich drew the bar
    assert json.loads(report.read_text())["summary"]["files"] == 2000
    quiet = subprocess.run(command, capture_output=True, timeout=60)
    assert quiet.stderr == b""  # off a terminal: nothing on stderr
