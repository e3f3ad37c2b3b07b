"""Hostile and degenerate inputs finish quickly, in a real process, with a located finding."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import model_manifest


def run(path: Path) -> tuple[int, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", "-f", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout)


def rules_of(report: dict) -> list[tuple[str, int, int]]:
    return [(d["rule"], d["line"], d["column"]) for d in report["diagnostics"]]


def billion_laughs(levels: int) -> str:
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\nkind: Model\n"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("billion-laughs", billion_laughs(12), [("HY010", 4, 5)]),
        ("recursive-alias", "kind: Model\nname: &a [*a]\n", [("HY010", 2, 7)]),
        ("deep-nesting", "kind: Model\nname: " + "[" * 100_000 + "]" * 100_000 + "\n", None),
        ("python-tag", 'kind: !!python/object/apply:os.system ["id"]\n', [("HY009", 1, 7)]),
        ("empty", "", [("HY006", 1, 1)]),
        ("comments-only", "# nothing here\n", [("HY006", 1, 1)]),
        ("binary", "\x00\x01\x02kind", None),
    ],
)
def test_hostile_input_gets_a_finding_and_no_traceback(
    tmp_path: Path, name: str, text: str, expected: list[tuple[str, int, int]] | None
) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    code, report = run(path)
    assert code == 1
    found = rules_of(report)
    if expected is not None:
        assert found == expected
    else:
        assert found and all(rule.startswith("HY0") for rule, _, _ in found)


@pytest.mark.parametrize("command", ["validate", "lint"])
def test_contract_values_of_the_wrong_kind_are_located_errors(tmp_path: Path, command: str) -> None:
    """A field's type written as a list, its profile as a mapping, its shape as a mapping:
    what the contract's summary for the checks across documents keeps of them must not
    break the run (it once ended in HY000, "unhashable type")."""
    model = model_manifest(
        inputs={"x": "{shape: scalar, type: [float32], profile: {a: 1}}"},
        outputs={"y": "{shape: {a: 1}, type: float32, profile: numerical}"},
    )
    (tmp_path / "m.yaml").write_text(model)
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", command, "--no-file-checks", "-f", "json",
         str(tmp_path / "m.yaml")],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert rules_of(json.loads(done.stdout)) == [
        ("HY107", 8, 30),
        ("HY107", 8, 50),
        ("HY305", 10, 16),
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("kind: Model\nname: " + "[" * 100_000 + "]" * 100_000 + "\n", 2),  # flow
        ("kind: Model\nname: x\n---\n" + "- " * 100_000 + "x\n", 4),  # block, one line
    ],
)
def test_deep_nesting_is_reported_where_it_gets_too_deep(
    tmp_path: Path, text: str, line: int
) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    _, report = run(path)
    deep = [(d["rule"], d["line"]) for d in report["diagnostics"] if d["rule"] == "HY011"]
    assert deep == [("HY011", line)]


# ------------------------------------------------------------------ big and strange files

MIB = 1024 * 1024


def timed(path: Path, *options: str) -> tuple[float, int, dict]:
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hydro_manifest",
            "validate",
            "--no-file-checks",
            "-f",
            "json",
            *options,
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr
    return time.monotonic() - started, done.returncode, json.loads(done.stdout)


def test_a_file_over_the_size_limit_is_reported_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as stream:
        stream.write("kind: Model\nname: huge\nmetadata:\n")
        line = "  key: " + "v" * 90 + "\n"
        stream.write(line * (100 * MIB // len(line)))
    seconds, code, report = timed(path)
    assert seconds < 2 and code == 1
    (diagnostic,) = report["diagnostics"]
    assert (diagnostic["rule"], diagnostic["line"], diagnostic["column"]) == ("HY014", 1, 1)
    assert diagnostic["message"].startswith("the file is 100.0 MiB; hydro reads files up to 10 MiB")


def test_the_size_limit_can_be_raised_and_applies_to_stdin(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("kind: Application\nname: big\nsingular:\n  model: m:1\n# " + "x" * 2 * MIB)
    assert timed(path)[1] == 0
    assert [d["rule"] for d in timed(path, "--max-file-size", "1")[2]["diagnostics"]] == ["HY014"]
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "validate", "--max-file-size", "1", "-"],
        input=path.read_bytes(),
        capture_output=True,
        timeout=60,
    )
    assert b"error[HY014]" in done.stdout


@pytest.mark.parametrize(
    ("name", "content", "rule", "line", "column"),
    [
        ("one-line", b"kind: Model\nname: " + b"a" * MIB + b"\n", "HY113", 2, 7),
        (
            "many-keys",
            b"kind: Model\nname: many\nmetadata:\n"
            + b"".join(b"  k%d: v\n" % i for i in range(100_000)),
            "HY103",
            1,
            1,
        ),
        ("nul", b"kind: Model\nname: x\x00y\n", "HY001", 2, 8),
        ("utf-16-bom", "kind: Model\nname: m\n".encode("utf-16"), "HY002", 1, 1),
        ("utf-16-no-bom", "kind: Model\nname: m\n".encode("utf-16-le"), "HY002", 1, 1),
        ("utf-16-be-no-bom", "kind: Model\nname: m\n".encode("utf-16-be"), "HY002", 1, 1),
        ("invalid-utf-8", b"kind: Application\nname: app\xff\n", "HY002", 2, 10),
    ],
)
def test_strange_files_finish_fast_with_a_located_finding(
    tmp_path: Path, name: str, content: bytes, rule: str, line: int, column: int
) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    seconds, code, report = timed(path)
    assert seconds < 2 and code == 1
    found = [(d["rule"], d["line"], d["column"]) for d in report["diagnostics"]]
    assert (rule, line, column) in found
    assert all(len(d["message"]) <= 400 for d in report["diagnostics"])


# ------------------------------------------------------------------ escapes that write a NUL


@pytest.mark.parametrize("command", ["validate", "lint"])
def test_a_nul_written_as_an_escape_is_a_located_error_not_a_crash(
    tmp_path: Path, command: str
) -> None:
    (tmp_path / "serving.yaml").write_text(
        "kind: Model\nname: census\nruntime: hydrosphere/serving-runtime-tensorflow-1.13.1:3.0.0\n"
        'payload: ["model.pkl\\0"]\ntraining-data: "data/train\\0.csv"\n'
        "contract:\n  name: predict\n"
        "  inputs: {age: {shape: scalar, type: int64, profile: numerical}}\n"
        "  outputs: {income: {shape: scalar, type: string, profile: categorical}}\n"
    )
    target = str(tmp_path / "serving.yaml") if command == "validate" else str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", command, "-f", "json", target],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "Traceback" not in done.stderr and done.returncode == 1
    found = [
        (d["rule"], d["line"], d["column"], d["path"])
        for d in json.loads(done.stdout)["diagnostics"]
    ]
    assert found == [
        ("HY016", 4, 11, ["payload", 0]),
        ("HY016", 5, 16, ["training-data"]),
    ]
    messages = {d["message"] for d in json.loads(done.stdout)["diagnostics"]}
    assert messages == {"a NUL character in a path: `hs apply` cannot open it"}


@pytest.mark.parametrize("where", ["first", "last"])
def test_lint_knows_an_alias_bomb_with_a_kind_is_a_manifest(tmp_path: Path, where: str) -> None:
    """Whether a file is a manifest is read off its top-level keys, without expanding."""
    bomb = billion_laughs(12).removesuffix("kind: Model\n")
    text = "kind: Model\n" + bomb if where == "first" else bomb + "kind: Model\n"
    (tmp_path / "bomb.yaml").write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "hydro_manifest", "lint", "-f", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["summary"]["skipped"] == 0
    assert [d["rule"] for d in report["diagnostics"]] == ["HY010"]
