"""The language server's latency: diagnostics after an edit, and the workspace index.

    python benchmarks/lsp.py [--files 10000] [--edits 30]

Starts `hydro lsp` as an editor does (pygls's client over stdio) twice:

1. on a folder holding one 200-line Model: opens it, then edits one value again and
   again (a valid type, then a misspelt one) and times each edit, from the change sent
   to the diagnostics of that version received (the server's 30 ms pause included);
2. on a generated tree of `--files` manifests (bench.py's tree, file checks on): times the
   index (from `initialized` to the server's log line saying it checked them), hovers
   every 100 ms meanwhile (how long a request waits while the index is built), then the
   same edits with the whole tree indexed (the checks across documents then run over every
   summary). Prints min, median and max of each, and the server's peak memory.

Needs the `lsp` extra. Standard library and pygls only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import generate

INPUTS = 45  # four lines each: with the header and outputs, about 200 lines


def manifest() -> str:
    lines = [
        "kind: Model",
        "name: latency",
        "runtime: hydrosphere/serving-runtime-python-3.7:3.0.0",
        "contract:",
        "  name: predict",
        "  inputs:",
    ]
    for index in range(INPUTS):
        field = ["      shape: scalar", "      type: float32", "      profile: numerical"]
        lines += [f"    f{index}:", *field]
    lines += ["  outputs:", "    score:", "      shape: scalar", "      type: double",
              "      profile: numerical", ""]  # fmt: skip
    return "\n".join(lines)


class Client:
    """A client that records when each version's diagnostics and the log lines arrive."""

    def __init__(self) -> None:
        self.client = LanguageClient("hydro-bench", "1")
        self.versions: dict[tuple[str, int], float] = {}
        self.logs: list[str] = []
        self.arrived = asyncio.Event()

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(client: LanguageClient, params: lsp.PublishDiagnosticsParams) -> None:
            if params.version is not None:
                self.versions[params.uri, params.version] = time.perf_counter()
            self.arrived.set()

        @self.client.feature(lsp.WINDOW_LOG_MESSAGE)
        def logged(client: LanguageClient, params: lsp.LogMessageParams) -> None:
            self.logs.append(params.message)
            self.arrived.set()

    async def until(self, done: object, timeout: float = 600) -> None:
        deadline = time.perf_counter() + timeout
        while not done():  # type: ignore[operator]
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), max(deadline - time.perf_counter(), 0.01))

    async def start(self, root: Path) -> float:
        await self.client.start_io(sys.executable, "-m", "hydro_manifest", "lsp")
        await self.client.initialize_async(
            lsp.InitializeParams(
                capabilities=lsp.ClientCapabilities(),
                root_uri=root.as_uri(),
                workspace_folders=[lsp.WorkspaceFolder(root.as_uri(), "bench")],
            )
        )
        started = time.perf_counter()
        self.client.initialized(lsp.InitializedParams())
        return started

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


async def edits(bench: Client, uri: str, count: int) -> list[float]:
    """Seconds from each edit sent to its diagnostics received."""
    line = 8  # the first input's `type: float32`
    text = manifest()
    bench.client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "yaml", 1, text))
    )
    await bench.until(lambda: (uri, 1) in bench.versions)
    seconds = []
    for version in range(2, count + 2):
        value = "flaot32" if version % 2 else "float32"
        change = lsp.TextDocumentContentChangePartial(
            lsp.Range(lsp.Position(line, 12), lsp.Position(line, 19)), value
        )
        sent = time.perf_counter()
        bench.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
            )
        )
        await bench.until(lambda v=version: (uri, v) in bench.versions)  # type: ignore[misc]
        seconds.append(bench.versions[uri, version] - sent)
    return seconds


async def hovers_while_indexing(bench: Client, uri: str) -> list[float]:
    """Seconds each hover waits, one every 100 ms, until the index is built."""
    waited = []
    while not any("manifests of the workspace" in line for line in bench.logs):
        asked = time.perf_counter()
        await bench.client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(8, 8))
        )
        waited.append(time.perf_counter() - asked)
        await asyncio.sleep(0.1)
    return waited


def peak_memory(bench: Client) -> str:
    process = bench.client._server
    if process is None:
        return "?"
    try:
        status = Path(f"/proc/{process.pid}/status").read_text()
    except OSError:
        return "?"
    kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    return f"{kib / 1024:.0f} MiB"


def spread(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"{ms[0]:.0f}, {statistics.median(ms):.0f}, {ms[-1]:.0f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()
    print(f"`python benchmarks/lsp.py --files {args.files} --edits {args.edits}`; "
          f"Python {sys.version.split()[0]}")  # fmt: skip
    with tempfile.TemporaryDirectory() as temp:
        alone = Path(temp) / "alone"
        alone.mkdir()
        bench = Client()
        await bench.start(alone)
        uri = (alone / "latency.yaml").as_uri()
        found = await edits(bench, uri, args.edits)
        print(
            f"diagnostics after an edit, one 200-line manifest (min, median, max): {spread(found)}"
        )
        await bench.stop()

        tree = generate(Path(temp) / "tree", args.files)
        bench = Client()
        started = await bench.start(tree)
        uri = (tree / "latency.yaml").as_uri()
        bench.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "yaml", 1, manifest()))
        )
        waited = await hovers_while_indexing(bench, uri)
        indexed = time.perf_counter() - started
        print(f"workspace index of {args.files:,} manifests: {indexed:.1f} s, in the background; "
              f"{len(waited)} hovers meanwhile waited {spread(waited)}")  # fmt: skip
        bench.versions.clear()
        found = await edits(bench, (tree / "latency-2.yaml").as_uri(), args.edits)
        print(f"diagnostics after an edit, with {args.files:,} manifests indexed: {spread(found)}")
        print(f"server's peak memory: {peak_memory(bench)}")
        await bench.stop()


if __name__ == "__main__":
    asyncio.run(main())
