"""`hydro lsp`: the language server (pygls over stdio).

The protocol's side only: positions converted between the editor's units and characters,
diagnostics and fixes turned into the protocol's types, checks debounced and run off the
event loop. What is checked and answered lives in `workspace` and `features`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from ..config import CONFIG_FILES
from ..diagnostics import Diagnostic, Related
from ..discovery import MANIFEST_SUFFIXES
from ..reading.suppressions import ignore_on_line
from ..report import read_lines
from ..rules import Severity
from ..version import __version__
from . import features
from .workspace import Workspace

#: Quiet time after the last edit before a buffer is checked again.
DEBOUNCE_SECONDS = 0.03
#: The longest a hover, completion, definition or code action may take; past it, none.
REQUEST_SECONDS = 2.0
#: Where the rules are explained (each diagnostic links to it).
RULES_URL = "https://github.com/hydro-manifest/hydro#rules"
#: The code action that applies every safe fix of a file.
FIX_ALL = lsp.CodeActionKind.SourceFixAll.value + ".hydro"

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.NOTE: lsp.DiagnosticSeverity.Information,
}
_SYMBOL_KIND = {
    "Model": lsp.SymbolKind.Class,
    "Application": lsp.SymbolKind.Module,
    "DeploymentConfiguration": lsp.SymbolKind.Struct,
}

T = TypeVar("T")
log = logging.getLogger(__name__)


class HydroServer(LanguageServer):
    """The server and what it keeps: the workspace, the buffers' pending checks, and one
    thread that runs the checks (they never overlap, and the event loop stays free)."""

    def __init__(self) -> None:
        super().__init__(
            "hydro", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental
        )
        self.index = Workspace([])
        self.checks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hydro-check")
        self.pending: dict[str, asyncio.TimerHandle] = {}
        #: The version of each buffer as last checked: its diagnostics are of that version.
        self.checked_versions: dict[str, int] = {}
        #: Work started in the background (kept referenced until done).
        self.tasks: set[asyncio.Task[None]] = set()

    def in_background(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # -- files and positions

    def document(self, path: str) -> TextDocument | None:
        """The editor's buffer of `path`, when it is open."""
        uri = from_fs_path(path)
        return self.workspace.text_documents.get(uri) if uri else None

    def lines_of(self, path: str) -> list[str]:
        """The lines of the text last checked: the buffer's when open, else the file's."""
        text = self.index.text(path)
        return text.split("\n") if text is not None else read_lines(path)

    def position(self, lines: Sequence[str], line: int, column: int) -> lsp.Position:
        """A 1-based line and column in characters, in the editor's units."""
        return self.workspace.position_codec.position_to_client_units(
            lines, lsp.Position(max(line - 1, 0), max(column - 1, 0))
        )

    def range(
        self, lines: Sequence[str], line: int, column: int, end_line: int, end_column: int
    ) -> lsp.Range:
        return lsp.Range(
            self.position(lines, line, column), self.position(lines, end_line, end_column)
        )

    def at(self, document: TextDocument, position: lsp.Position) -> tuple[int, int]:
        """The editor's position as a 0-based line and column in characters."""
        found = document.position_codec.position_from_client_units(document.lines, position)
        return found.line, found.character

    # -- checks and diagnostics

    async def in_check_thread(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.checks, work)

    async def check_and_publish(self, paths: list[str]) -> None:
        def work() -> dict[str, list[Diagnostic]]:
            for path in paths:
                document = self.document(path)
                if document is None:
                    self.index.set_text(path, None)
                    self.checked_versions.pop(path, None)
                else:  # the text and its version read together, as the loop leaves them
                    self.index.set_text(path, document.source)
                    self.checked_versions[path] = document.version or 0
                self.index.check(path)
            changed = self.index.changed_diagnostics()
            for path in paths:  # a checked buffer's, even unchanged: they are of its version
                changed.setdefault(path, self.index.diagnostics_of(path))
            return changed

        self.publish(await self.in_check_thread(work))

    def check_later(self, path: str) -> None:
        """Check a buffer once the edits have paused for DEBOUNCE_SECONDS."""
        waiting = self.pending.pop(path, None)
        if waiting is not None:
            waiting.cancel()
        loop = asyncio.get_running_loop()

        def start() -> None:
            self.pending.pop(path, None)
            self.in_background(self.check_and_publish([path]))

        self.pending[path] = loop.call_later(DEBOUNCE_SECONDS, start)

    def publish(self, changed: dict[str, list[Diagnostic]]) -> None:
        for path, found in changed.items():
            uri = from_fs_path(path)
            if uri is None:
                continue
            lines = self.lines_of(path)
            version = self.checked_versions.get(path)
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(
                    uri, [self.diagnostic(lines, d, version) for d in found], version=version
                )
            )

    def diagnostic(
        self, lines: Sequence[str], found: Diagnostic, version: int | None
    ) -> lsp.Diagnostic:
        """One finding as the editor shows it; its fix (in the editor's units, for the
        buffer's version it was found in) travels in `data` to come back with a code action."""
        data: dict[str, Any] = {"rule": found.rule}
        if found.fix is not None:
            data["fix"] = {
                "safe": found.fix.safe,
                "version": version,
                "edits": [
                    {
                        "range": self.unstructured(
                            self.range(lines, e.line, e.column, e.end_line, e.end_column)
                        ),
                        "newText": e.text,
                    }
                    for e in found.fix.edits
                ],
            }
        return lsp.Diagnostic(
            self.range(lines, *found.span),
            found.message if not found.hint else f"{found.message} ({found.hint})",
            severity=_SEVERITY[found.severity],
            code=found.rule,
            code_description=lsp.CodeDescription(RULES_URL),
            source="hydro",
            related_information=[self.related(r) for r in found.related] or None,
            data=data,
        )

    def related(self, place: Related) -> lsp.DiagnosticRelatedInformation:
        file = place.file or ""
        uri = from_fs_path(os.path.abspath(file)) or file
        return lsp.DiagnosticRelatedInformation(
            lsp.Location(uri, self.range(self.lines_of(file), *place.span)), place.message
        )

    def unstructured(self, value: Any) -> Any:
        return self.protocol._converter.unstructure(value)

    def structured(self, value: Any, kind: type[T]) -> T:
        return self.protocol._converter.structure(value, kind)


server = HydroServer()


def serve() -> None:
    """Serve one editor over standard input and output until it says exit."""
    server.start_io()


def _path(uri: str) -> str | None:
    path = to_fs_path(uri)
    return os.path.abspath(path) if path else None


def _answers(
    default: Any,
) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """A request that fails or takes longer than REQUEST_SECONDS answers `default` and logs
    why: one bad file or one bug never stops the server."""

    def wrap(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(handler)
        async def answered(ls: HydroServer, params: Any) -> Any:
            try:
                return await asyncio.wait_for(handler(ls, params), REQUEST_SECONDS)
            except Exception as error:  # a timeout too
                log.warning("%s failed: %r", handler.__name__, error)
                return default

        return answered

    return wrap


async def _off_loop(work: Callable[[], T]) -> T:
    """Work on one buffer (parsing it): in a thread, so that a huge file cannot hold the
    event loop past REQUEST_SECONDS."""
    return await asyncio.get_running_loop().run_in_executor(None, work)


# ------------------------------------------------------------------ lifecycle


@server.feature(lsp.INITIALIZED)
async def initialized(ls: HydroServer, params: lsp.InitializedParams) -> None:
    roots = [p for folder in ls.workspace.folders.values() if (p := _path(folder.uri))]
    if not roots and ls.workspace.root_path:
        roots = [os.path.abspath(ls.workspace.root_path)]
    ls.index.roots = roots
    ls.in_background(_index(ls))
    watching = ls.client_capabilities.workspace
    if (
        watching is not None
        and watching.did_change_watched_files is not None
        and watching.did_change_watched_files.dynamic_registration
    ):  # files changed outside the editor (a checkout, a pull) are checked again
        watchers = [
            lsp.FileSystemWatcher(glob_pattern=f"**/{name}")
            for name in ("*.yaml", "*.yml", *CONFIG_FILES)
        ]
        options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
        registration = lsp.Registration(
            "hydro-watched-files", lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, options
        )
        ls.client_register_capability(lsp.RegistrationParams([registration]))


async def _index(ls: HydroServer, roots: list[str] | None = None) -> None:
    """Check every manifest of the workspace (or of the folders `roots`) in the
    background, in a thread of its own (the buffers' checks and the requests go on
    meanwhile), then publish the findings."""

    def work() -> int:
        ls.index.complete = False
        try:
            paths = ls.index.manifests(roots)
            for path in paths:
                if ls.index.text(path) is None:  # an open buffer is checked from its text
                    ls.index.check(path)
            return len(paths)
        finally:  # whatever happened, the checks across documents run over what is known
            ls.index.complete = True

    started = time.perf_counter()
    count = await asyncio.get_running_loop().run_in_executor(None, work)
    ls.publish(await ls.in_check_thread(ls.index.changed_diagnostics))
    seconds = time.perf_counter() - started
    ls.window_log_message(
        lsp.LogMessageParams(
            lsp.MessageType.Info,
            f"hydro: {count} manifests of the workspace checked in {seconds:.2f} s",
        )
    )
    for problem in ls.index.config_problems.values():
        ls.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"hydro: {problem}"))


@server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
async def folders_changed(ls: HydroServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
    """Folders added to the workspace are indexed; the files of removed ones forgotten."""
    added = [p for f in params.event.added if (p := _path(f.uri))]
    removed = [p for f in params.event.removed if (p := _path(f.uri))]
    for root in removed:
        ls.index.forget_under(root)
    ls.index.roots = [r for r in ls.index.roots if r not in removed]
    ls.index.roots += [a for a in added if a not in ls.index.roots]
    ls.in_background(_index(ls, added))


# ------------------------------------------------------------------ buffers


def _is_manifest_name(path: str) -> bool:
    return path.endswith(MANIFEST_SUFFIXES)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: HydroServer, params: lsp.DidOpenTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if path is not None and _is_manifest_name(path):
        await ls.check_and_publish([path])


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: HydroServer, params: lsp.DidChangeTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if path is not None and _is_manifest_name(path):
        ls.check_later(path)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: HydroServer, params: lsp.DidSaveTextDocumentParams) -> None:
    """A saved manifest is checked at once; a saved configuration file applies to all; a
    saved payload file (func_main.py, requirements) re-checks the Models that may ship it."""
    path = _path(params.text_document.uri)
    if path is None:
        return
    if os.path.basename(path) in CONFIG_FILES:
        ls.index.forget_configs()
        await ls.check_and_publish(ls.index.checked_files())
    elif _is_manifest_name(path):
        await ls.check_and_publish([path])
    else:
        await ls.check_and_publish(ls.index.dependents(path))


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: HydroServer, params: lsp.DidCloseTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if path is None or not _is_manifest_name(path):
        return

    waiting = ls.pending.pop(path, None)
    if waiting is not None:
        waiting.cancel()

    def work() -> dict[str, list[Diagnostic]]:
        ls.checked_versions.pop(path, None)
        ls.index.close(path)
        return ls.index.changed_diagnostics()

    ls.publish(await ls.in_check_thread(work))


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def watched_files_changed(ls: HydroServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    """Files changed on disk, not in the editor: a manifest is checked again (or forgotten
    when deleted), a configuration file makes every file be checked again."""
    changed: list[str] = []
    for change in params.changes:
        path = _path(change.uri)
        if path is None or ls.document(path) is not None:  # an open buffer is what counts
            continue
        if os.path.basename(path) in CONFIG_FILES:
            ls.index.forget_configs()
            changed.extend(ls.index.checked_files())
        elif change.type == lsp.FileChangeType.Deleted:
            ls.index.remove(path)
        elif _is_manifest_name(path) and ls.index.under_roots(path):
            changed.append(path)
    await ls.check_and_publish(list(dict.fromkeys(changed)))


# ------------------------------------------------------------------ requests


def _buffer(ls: HydroServer, uri: str) -> tuple[str, TextDocument] | None:
    """The open manifest a request is about; None for another file, or one larger than
    hydro reads (its diagnostics say so): parsing it could outlast any request."""
    path = _path(uri)
    document = ls.workspace.text_documents.get(uri)
    if path is None or document is None or not _is_manifest_name(path):
        return None
    if len(document.source) > ls.index.config(path).max_file_size:
        return None
    return path, document


class _Cursor(NamedTuple):
    """Where a request asks about: the buffer, its text now, and the position in it (a
    0-based line and column in characters)."""

    path: str
    text: str
    line: int
    column: int


def _cursor(
    ls: HydroServer, params: lsp.HoverParams | lsp.CompletionParams | lsp.DefinitionParams
) -> _Cursor | None:
    found = _buffer(ls, params.text_document.uri)
    if found is None:
        return None
    path, document = found
    return _Cursor(path, document.source, *ls.at(document, params.position))


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
@_answers(None)
async def hover(ls: HydroServer, params: lsp.HoverParams) -> lsp.Hover | None:
    at = _cursor(ls, params)
    if at is None:
        return None
    diagnostics = ls.index.diagnostics_of(at.path)
    markdown = await _off_loop(lambda: features.hover(*at, ls.index, diagnostics))
    if markdown is None:
        return None
    return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, markdown))


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[":", " ", "-"])
)
@_answers(None)
async def completion(ls: HydroServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    at = _cursor(ls, params)
    if at is None:
        return None
    choices = await _off_loop(lambda: features.completion(*at[1:], ls.index))
    items = [
        lsp.CompletionItem(
            choice.label,
            kind=lsp.CompletionItemKind.Property if choice.is_key else lsp.CompletionItemKind.Value,
            detail=choice.detail,
            documentation=(
                lsp.MarkupContent(lsp.MarkupKind.Markdown, choice.documentation)
                if choice.documentation
                else None
            ),
            insert_text=f"{choice.label}: " if choice.is_key else choice.label,
        )
        for choice in choices
    ]
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
@_answers(None)
async def definition(ls: HydroServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    at = _cursor(ls, params)
    if at is None:
        return None
    place = await _off_loop(lambda: features.definition(*at, ls.index))
    if place is None:
        return None
    uri = from_fs_path(place.file)
    if uri is None:
        return None
    lines = ls.lines_of(place.file)
    return lsp.Location(
        uri, ls.range(lines, place.line, place.column, place.end_line, place.end_column)
    )


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@_answers([])
async def document_symbols(
    ls: HydroServer, params: lsp.DocumentSymbolParams
) -> list[lsp.DocumentSymbol]:
    found = _buffer(ls, params.text_document.uri)
    if found is None:
        return []
    _, document = found
    text, lines = document.source, list(document.lines)
    symbols = await _off_loop(lambda: features.symbols(text))

    def span(start: tuple[int, int], end: tuple[int, int]) -> lsp.Range:
        return ls.range(lines, start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1)

    return [
        lsp.DocumentSymbol(
            name=symbol.name,
            detail=symbol.kind,
            kind=_SYMBOL_KIND.get(symbol.kind, lsp.SymbolKind.Object),
            range=span(symbol.start, symbol.end),
            selection_range=span(symbol.name_start, symbol.name_end),
        )
        for symbol in symbols
    ]


# ------------------------------------------------------------------ code actions


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL]),
)
@_answers([])
async def code_actions(ls: HydroServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """Each hydro diagnostic's fix, "ignore this rule on this line", and "fix all safe
    fixes in the file"."""
    found = _buffer(ls, params.text_document.uri)
    if found is None:
        return []
    path, document = found
    only = params.context.only
    actions: list[lsp.CodeAction] = []
    wants_quick_fixes = only is None or lsp.CodeActionKind.QuickFix in only
    for diagnostic in params.context.diagnostics if wants_quick_fixes else ():
        if diagnostic.source != "hydro" or not isinstance(diagnostic.data, dict):
            continue
        actions.extend(_quick_fixes(ls, document, diagnostic))
    if only is None or any(FIX_ALL.startswith(kind) for kind in only):
        fixed = await _fix_all(ls, path, document)
        if fixed is not None:
            actions.append(fixed)
    return actions


def _quick_fixes(
    ls: HydroServer, document: TextDocument, diagnostic: lsp.Diagnostic
) -> list[lsp.CodeAction]:
    data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
    rule = str(data.get("rule", diagnostic.code))
    actions = []
    fix = data.get("fix")
    if isinstance(fix, dict) and fix.get("version") in (None, document.version):
        edits = [ls.structured(edit, lsp.TextEdit) for edit in fix.get("edits", [])]
        actions.append(
            lsp.CodeAction(
                f"Fix {rule}: {diagnostic.message}"[:120],
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=bool(fix.get("safe")),
                edit=lsp.WorkspaceEdit(changes={document.uri: edits}),
            )
        )
    ignored = _ignore_comment(ls, document, diagnostic.range.start.line, rule)
    if ignored is not None:
        actions.append(
            lsp.CodeAction(
                f"Ignore {rule} on this line",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=lsp.WorkspaceEdit(changes={document.uri: [ignored]}),
            )
        )
    return actions


def _ignore_comment(
    ls: HydroServer, document: TextDocument, line: int, rule: str
) -> lsp.TextEdit | None:
    """`# hydro: ignore[RULE]` at the end of the line (or the rule added to the comment
    there); none inside a text of several lines, where a comment would be text."""
    lines = document.lines
    if line >= len(lines) or features.in_multiline_text(document.source, line):
        return None
    text = lines[line].rstrip("\r\n")
    column, inserted = ignore_on_line(text, rule)
    position = ls.position(lines, line + 1, column + 1)
    return lsp.TextEdit(lsp.Range(position, position), inserted)


async def _fix_all(ls: HydroServer, path: str, document: TextDocument) -> lsp.CodeAction | None:
    """Every safe fix of the buffer applied (as `hydro validate --fix` would), as one
    edit of the whole buffer; None when there is nothing to fix."""
    text, version = document.source, document.version
    fixed = await ls.in_check_thread(lambda: ls.index.fixed(path, text))
    if fixed is None or document.version != version:
        return None
    lines = document.lines
    if not text or text.endswith("\n"):
        end = lsp.Position(len(lines), 0)
    else:
        end = ls.position(lines, len(lines), len(lines[-1]) + 1)
    return lsp.CodeAction(
        "Fix all safe hydro fixes in the file",
        kind=FIX_ALL,
        edit=lsp.WorkspaceEdit(
            changes={document.uri: [lsp.TextEdit(lsp.Range(lsp.Position(0, 0), end), fixed)]}
        ),
    )
