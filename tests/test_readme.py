"""Every code block of the README runs as written.

The blocks are read out of README.md and each is given to what it is written for: shell
commands run in bash, in a folder laid out as the README's commands expect (a model with
its files as `serving.yaml`, an application, `models/`, a request); a `console` block's
command runs and every line it shows (but `...`) must be in its output; Python runs and
type-checks under mypy; the configuration snippets are read by their own tools (hydro's
configuration loader, pre-commit, a JSON and a YAML parser). A block the test does not
know how to run fails it, so a new block cannot go untested.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from hydro_manifest.config import load
from tests.conftest import EXAMPLES, ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

README = ROOT / "README.md"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Block:
    language: str
    text: str
    line: int

    @property
    def id(self) -> str:
        return f"{self.language}@{self.line}"


def blocks() -> list[Block]:
    found, lines = [], README.read_text(encoding="utf-8").split("\n")
    opening = None
    for number, line in enumerate(lines, start=1):
        if line.startswith("```") and opening is None:
            opening = (line[3:].strip(), number, [])
        elif line.startswith("```") and opening is not None:
            language, start, body = opening
            found.append(Block(language, "\n".join(body) + "\n", start))
            opening = None
        elif opening is not None:
            opening[2].append(line)
    return found


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the README's commands expect in the working folder."""
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(EXAMPLES, root / "examples")
    shutil.copytree(ROOT / "fuzz", root / "fuzz")
    census = EXAMPLES / "census"
    for item in census.iterdir():
        target = root / item.name
        (shutil.copytree if item.is_dir() else shutil.copy)(item, target)
    (root / "models" / "census").mkdir(parents=True)
    shutil.copy(census / "serving.yaml", root / "models" / "census" / "serving.yaml")
    application = "kind: Application\nname: census-app\nsingular:\n  model: census:1\n"
    (root / "app.yaml").write_text(application)
    (root / "apps").mkdir()
    (root / "apps" / "census-app.yaml").write_text(application)
    (root / "request.json").write_text('{"age": 42, "workclass": "Private", "hours_per_week": 40}')
    (root / "response.json").write_text('{"income": ">50K"}')
    (root / "claims").mkdir()
    return root


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_ACTIONS")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    return env


def _bash(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=_environment(),
    )


#: Lines of shell blocks that are not run here, and why.
_NOT_RUN = {
    "pip install atheris": "atheris is a local tool, not a test dependency",
    "python fuzz/fuzz_validate.py": "ten minutes of fuzzing (needs atheris)",
}


def _run_shell(block: Block, folder: Path) -> None:
    for line in block.text.strip().split("\n"):
        command = line.split("  #")[0].strip() if "#" in line else line.strip()
        if not command or command.startswith("#"):
            continue
        if "python3 -m venv" in command:
            _setup(command, folder)
            continue
        if any(command.startswith(skipped) for skipped in _NOT_RUN):
            continue
        done = _bash(command, folder)
        assert "Traceback" not in done.stderr, (command, done.stderr)
        assert done.returncode in (0, 1), (command, done.returncode, done.stderr)


def _setup(command: str, folder: Path) -> None:
    """The two set-up commands: their installs are what `.ci/run` does in a fresh virtual
    environment (this test runs inside one); what follows the install runs here."""
    steps = [step.strip() for step in command.split("&&")]
    install = next(step for step in steps if step.startswith("pip install"))
    ci = (ROOT / ".ci" / "run").read_text()
    last = steps[-1]
    if last == "pytest":  # the test command itself: CI runs exactly it
        assert f"pip install --quiet {install.removeprefix('pip install ')}" in ci
        assert "\npytest\n" in ci
        return
    assert install == "pip install ."
    done = _bash(last, folder)
    assert done.returncode == 1, done.stdout  # examples/broken fails on purpose
    assert "Traceback" not in done.stderr


def _run_console(block: Block, folder: Path) -> None:
    command, *shown = block.text.strip().split("\n")
    assert command.startswith("$ ")
    done = _bash(command[2:], folder)
    assert "Traceback" not in done.stderr
    produced = [_words(line.replace(str(folder), "/…")) for line in done.stdout.split("\n")]
    for line in shown:
        if line.strip() in ("...", "…"):
            continue
        assert _words(line) in produced, (line, done.stdout)


def _words(line: str) -> list[str]:
    """A line as its words: tables are aligned to the width of local paths."""
    return line.split()


def _run_python(block: Block, folder: Path, tmp_path: Path) -> None:
    script = tmp_path / "snippet.py"
    script.write_text(block.text)
    done = subprocess.run(
        [sys.executable, str(script)], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    if shutil.which("mypy", path=str(BIN)) is None:
        pytest.skip("mypy is not installed")
    typed = subprocess.run(
        [
            str(BIN / "mypy"),
            "--strict",
            "--follow-imports=silent",  # the snippet's own typing; hydro's is CI's mypy run
            "--no-error-summary",
            str(script),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert typed.returncode == 0, typed.stdout


def _serves_lsp(command: list[str]) -> None:
    """The command an editor is told to start answers an LSP session: initialize (with
    the capabilities hydro offers), shutdown and exit, over standard input and output."""
    messages = [
        {"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None,
                                                     "capabilities": {}}},
        {"method": "initialized", "params": {}},
        {"id": 2, "method": "shutdown"},
        {"method": "exit"},
    ]  # fmt: skip
    framed = b""
    for message in messages:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        framed += b"Content-Length: %d\r\n\r\n" % len(body) + body
    done = subprocess.run(
        [str(BIN / command[0]), *command[1:]], input=framed, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    for capability in (b"hoverProvider", b"completionProvider", b"codeActionProvider"):
        assert capability in done.stdout, done.stdout[:500]


def _run_mermaid(block: Block) -> None:
    """A drawing: what the `hydro graph` command named just above it prints, exactly."""
    above = README.read_text(encoding="utf-8").split("\n")[block.line - 4 : block.line - 1]
    commands = re.findall(r"`(hydro graph [^`]*)`", "\n".join(above))
    assert commands, f"README line {block.line}: name the command that draws this"
    done = _bash(commands[-1], ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout == block.text


def _run_lua(block: Block) -> None:
    """The Neovim snippet: the `cmd` it starts serves LSP."""
    command = re.search(r"cmd = \{([^}]*)\}", block.text)
    assert command is not None, block.text
    _serves_lsp(re.findall(r'"([^"]*)"', command[1]))


def _run_toml(block: Block, tmp_path: Path) -> None:
    if "[language-server." in block.text:  # Helix's languages.toml
        servers = tomllib.loads(block.text)["language-server"]
        _serves_lsp([servers["hydro"]["command"], *servers["hydro"]["args"]])
        return
    (tmp_path / "pyproject.toml").write_text(block.text)
    config = load(start=str(tmp_path))
    assert config.source == tmp_path / "pyproject.toml"


def _run_json(block: Block) -> None:
    settings = json.loads(block.text)
    assert isinstance(settings, dict)
    if "glspc.server.command" in settings:  # VS Code's generic LSP client
        _serves_lsp([settings["glspc.server.command"], *settings["glspc.server.commandArguments"]])


def _run_yaml(block: Block, folder: Path, tmp_path: Path) -> None:
    first = block.text.split("\n", 1)[0]
    named = re.fullmatch(r"# (\.[\w./-]+)", first)
    if named and named[1] == ".pre-commit-config.yaml":
        config = tmp_path / ".pre-commit-config.yaml"
        config.write_text(block.text)
        done = subprocess.run(
            [str(BIN / "pre-commit"), "validate-config", str(config)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
        used = {h["id"] for repo in yaml.safe_load(block.text)["repos"] for h in repo["hooks"]}
        assert used <= hooks
    elif named:  # a CI workflow: it parses, and its hydro commands run
        workflow = yaml.safe_load(block.text)
        assert isinstance(workflow, dict)
        for command in re.findall(r"(hydro lint[^\n]*)", block.text):
            done = _bash(command, folder / "examples")
            assert done.returncode in (0, 1) and "Traceback" not in done.stderr, command
    else:  # a manifest: hydro reads it as the README says
        manifest = folder / "readme-snippet.yaml"
        manifest.write_text(block.text)
        done = _bash(f"hydro validate -f json {manifest.name}", folder)
        report = json.loads(done.stdout)
        rules = [d["rule"] for d in report["diagnostics"]]
        if "hydro: ignore" in block.text:  # the suppression example: only the stale one
            assert rules == ["HY609"], rules
        else:
            assert all(d["severity"] == "note" for d in report["diagnostics"]), rules


@pytest.mark.parametrize("block", blocks(), ids=lambda b: b.id)
def test_readme_block_runs_as_written(block: Block, folder: Path, tmp_path: Path) -> None:
    if block.language == "sh":
        _run_shell(block, folder)
    elif block.language == "console":
        _run_console(block, folder)
    elif block.language == "python":
        _run_python(block, folder, tmp_path)
    elif block.language == "toml":
        _run_toml(block, tmp_path)
    elif block.language == "json":
        _run_json(block)
    elif block.language == "yaml":
        _run_yaml(block, folder, tmp_path)
    elif block.language == "lua":
        _run_lua(block)
    elif block.language == "mermaid":
        _run_mermaid(block)
    else:
        pytest.fail(f"README line {block.line}: no way to run a `{block.language}` block")


def test_the_readme_has_its_blocks() -> None:
    languages = {b.language for b in blocks()}
    assert {"sh", "console", "python", "toml", "yaml", "json", "lua", "mermaid"} <= languages
