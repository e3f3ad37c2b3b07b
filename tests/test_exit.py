"""How the `hydro` process ends: at once, without the interpreter's teardown, but only
after what an exit must do (the exit handlers run, every byte written, threads waited
for), with the exit code `sys.exit` would give."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import model_manifest

#: `hydro` as its entry point runs it, after what a library using it may have set up.
SCRIPT = """
import atexit, sys, threading, time
from pathlib import Path
marker = Path(sys.argv[1])
atexit.register(lambda: marker.write_text(marker.read_text() + "handler ran\\n"))
if sys.argv[2] == "thread":
    def late() -> None:
        time.sleep(0.5)
        marker.write_text(marker.read_text() + "thread ended\\n")
    threading.Thread(target=late).start()
sys.argv = ["hydro", *sys.argv[3:]]
from hydro_manifest.cli import main
main()
"""


def hydro(
    tmp_path: Path, thread: str, *arguments: str
) -> tuple[subprocess.CompletedProcess[str], str]:
    marker = tmp_path / "marker"
    marker.write_text("")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(marker), thread, *arguments],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    return done, marker.read_text()


def test_the_exit_handlers_run_and_the_report_is_whole(tmp_path: Path) -> None:
    """A report larger than a pipe holds, its exit code, and what was registered to run
    at exit, as with the interpreter's own exit."""
    for n in range(300):
        (tmp_path / f"model-{n}.yaml").write_text(
            model_manifest(f"model-{n}").replace("int64", "int65")
        )
    done, marker = hydro(tmp_path, "none", "lint", "--format", "json", "--jobs", "1", ".")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert len(report["files"]) == 300
    assert report["summary"]["errors"] == len(report["diagnostics"]) == 600
    assert {d["rule"] for d in report["diagnostics"]} == {"HY309", "HY809"}
    assert marker == "handler ran\n"


def test_a_thread_still_running_is_waited_for(tmp_path: Path) -> None:
    (tmp_path / "serving.yaml").write_text(model_manifest())
    done, marker = hydro(tmp_path, "thread", "validate", "--no-file-checks", "serving.yaml")
    assert done.returncode == 0, done.stderr
    assert marker == "thread ended\nhandler ran\n"


def test_a_usage_error_keeps_its_exit_code(tmp_path: Path) -> None:
    done, marker = hydro(tmp_path, "none", "validate", "--no-such-option")
    assert done.returncode == 2
    assert "No such option" in done.stderr
    assert marker == "handler ran\n"


def test_under_a_profiler_the_usual_exit_lets_it_report(tmp_path: Path) -> None:
    """A profiler or debugger writes its results after the program returns."""
    (tmp_path / "serving.yaml").write_text(model_manifest())
    profile = tmp_path / "hydro.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "hydro_manifest",
         "validate", "--no-file-checks", "serving.yaml"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert profile.stat().st_size > 0
