"""Checking one file: everything about it that does not need the other files.

A `Job` is one file. `check_file` reads, loads and validates it, runs the file checks of
its Models (what their payload, install command, requirements and `func_main.py` hold),
resolves its local references and keeps the small summaries the checks across documents
need; `runner` checks every file this way, in one process or in a pool (`pool`).
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .asking import Pending, pending
from .diagnostics import Finding, Path, Span, diagnostic, file_diagnostic
from .fixes.edits import FileText
from .kinds.model.files import references, resolve_local
from .options import DEFAULT_MAX_FILE_SIZE
from .pickling import by_fields
from .reading import suppressions
from .reading.document import DocumentOutcome, is_manifest, validate_document
from .reading.loader import SourceDocument, SourceFile, load
from .reading.rules import ENCODING, FILE_TOO_LARGE, OUTSIDE_ROOT, READ_ERROR
from .reading.text import decode, strip_bom
from .report import ISSUES_URL, DocumentInfo, FileReport
from .root import Kind, Root, note_secrets, remembered_probes
from .root import at as root_at
from .rules import INTERNAL_ERROR

if TYPE_CHECKING:
    from .cache import Observed
    from .kinds.model.container import ShellBudget
    from .kinds.model.container.resolver import Resolution
    from .project import Summary

#: A line that makes an unreadable YAML file worth reporting in `hydro lint`.
_MANIFEST_KIND_LINE = re.compile(
    r"^\s*kind\s*:\s*['\"]?(Model|Application|DeploymentConfiguration)\b", re.MULTILINE
)


@by_fields()
@dataclass(frozen=True, slots=True)
class Job:
    """One file: its name in the report, its text (or None: read `name`), the folder its
    references resolve from (None: file checks off), and the repository root no file
    outside of which is opened (None: the file's own folder)."""

    name: str
    text: str | bytes | None = None
    base: str | None = None
    root: str | None = None
    lint: bool = False
    max_size: int = DEFAULT_MAX_FILE_SIZE
    #: A folder `hydro lint` could not search, and why: reported in place of its files.
    unreadable: str | None = None
    #: A path `hydro lint` did not walk (a link out of the root, a loop): the finding.
    refused: Finding | None = None
    #: Record each Model's container layout (Options.layout).
    layout: bool = False
    #: List what the manifests point at in the report (Options.references).
    references: bool = True
    #: Hand each Model's requirements to pip after the files are checked (Options.remote).
    remote: bool = False
    #: Record what the check sees of the disk, for the cache to keep (Options.cache).
    cached: bool = False


@by_fields("shell")
@dataclass(slots=True)
class FileResult:
    """What checking one file gives: its report, and what later steps of the run need."""

    report: FileReport | None  # None: `hydro lint` found no manifest in the file
    summaries: list[Summary] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    #: What the file's install commands may still take of the shell grammar's time (while
    #: the file is checked: a result pickled leaves it out).
    shell: ShellBudget | None = None
    #: Each Model's requirements, for pip to resolve (`--remote`).
    resolutions: list[Resolution] = field(default_factory=list)
    #: What the check saw of the disk, for the cache (Job.cached): each path it probed (the
    #: file itself, what its Models ship and read, the folders listed).
    observed: Observed = ()
    #: The passwords of the URLs in what the check read, which no report may show.
    secrets: frozenset[str] = frozenset()


#: Which Models keep their contract fields in their summaries: all (one process checks
#: every file), none, or those named (the rest keep where the contract is, to be read
#: again if a check compares them).
Kept = bool | frozenset[str]


def check_file(job: Job, kept: Kept = False) -> FileResult:
    """Everything about one file that does not need the other files (each path its checks
    ask about probed once); `kept`: whose contract fields its summaries carry."""
    with remembered_probes(answers=job.cached) as asked:
        result = _check_file(job, kept)
    result.secrets = frozenset(asked.secrets)
    if job.cached:
        from .cache import seen

        result.observed = seen(asked)
    return result


def _check_file(job: Job, kept: Kept) -> FileResult:
    data = _read(job)
    if isinstance(data, Finding):
        return FileResult(FileReport(job.name, [], [file_diagnostic(job.name, data)]))
    if isinstance(data, bytes):
        text, findings = decode(data)
        bom = data.startswith(codecs.BOM_UTF8)
    else:
        text, findings = strip_bom(data)
        bom = data.startswith("\ufeff")
        note_secrets(text)  # (a file's bytes are noted as the root reads them)
    # Fixes are edits of UTF-8 text: a file in another encoding gets none.
    placed = None if any(f.rule is ENCODING for f in findings) else FileText(text, bom)
    try:
        return _check_decoded(job, text, findings, placed, kept)
    except Exception as error:  # a bug in hydro: report it, keep going with other files
        findings.append(internal_error(error, Span(1, 1, 1, 2)))
        diagnostics = [file_diagnostic(job.name, f) for f in findings]
        return FileResult(FileReport(job.name, [], diagnostics, text))


def _read(job: Job) -> str | bytes | Finding:
    """The file's content, or why it is not read: a FIFO or device would block, a huge file
    would exhaust memory, and a file may vanish between discovery and reading."""
    if job.refused is not None:
        return job.refused
    if job.unreadable is not None:
        return _read_error(f"cannot read the folder: {job.unreadable}")
    if job.text is not None:
        size = len(job.text)
        return _too_large(size, job.max_size) if size > job.max_size else job.text
    root = job_root(job)
    found = root.read(job.name, job.max_size)
    if isinstance(found, bytes):
        return found
    if found.kind is Kind.OUTSIDE:
        return outside_root_file(root)
    if found.kind in (Kind.FOLDER, Kind.OTHER):
        what = "a folder" if found.kind is Kind.FOLDER else "not a regular file"
        return _read_error(f"cannot read the file: it is {what}")
    if found.kind is Kind.FILE:
        return _too_large(found.size or 0, job.max_size)
    if found.reason:  # (could not be opened: the system's words)
        return _read_error(f"cannot read the file: {found.reason}")
    try:  # (missing, a loop, a name too long: the system says why)
        os.stat(job.name)
    except OSError as error:
        return _read_error(f"cannot read the file: {error.strerror or error}")
    return _read_error(f"cannot read the file: it is {found.kind.value}")


def job_root(job: Job) -> Root:
    """The folder the job's files may be read in (its own folder unless a root is set)."""
    if job.root is not None:
        return root_at(job.root)
    folder = job.base or os.path.dirname(os.path.abspath(job.name))
    return root_at(folder)


def outside_root_file(root: Root) -> Finding:
    """A manifest (or a folder) whose real location leaves the root: not read."""
    return Finding(
        OUTSIDE_ROOT,
        "the real location of this path (symbolic links followed) lies outside the repository "
        "root: hydro does not read it",
        hint=f"the root is {root.folder}; set another with --root",
        span=Span(1, 1, 1, 2),
    )


def _read_error(message: str) -> Finding:
    return Finding(READ_ERROR, message, span=Span(1, 1, 1, 2))


def _too_large(size: int, limit: int) -> Finding:
    mib = 1024 * 1024
    return Finding(
        FILE_TOO_LARGE,
        f"the file is {size / mib:.1f} MiB; hydro reads files up to {limit / mib:g} MiB",
        hint="is it a manifest? raise the limit with --max-file-size if it is",
        span=Span(1, 1, 1, 2),
    )


def _check_decoded(
    job: Job,
    text: str,
    findings: list[Finding],
    placed: FileText | None,
    kept: Kept,
) -> FileResult:
    source = load(text)
    if job.lint and _other_yaml(source, text):
        return FileResult(None)
    report = FileReport(job.name, [], [], text)
    report.diagnostics.extend(
        file_diagnostic(job.name, f, placed.fix_of(f) if placed is not None else None)
        for f in [*findings, *source.findings]
    )
    report.suppressions = suppressions.parse(text, [d.node for d in source.documents], placed)
    result = FileResult(report)
    for document in source.documents:
        if job.lint and not is_manifest(document.node):
            continue
        try:
            _check_document(job, document, result, placed, kept)
        except Exception as error:  # a bug in hydro: report it, keep going with the others
            line = document.line
            finding = internal_error(error, Span(line, 1, line, 2))
            report.diagnostics.append(file_diagnostic(job.name, finding))
            report.documents.append(DocumentInfo(document.index, None, None, document.line))
    if job.text is None and not report.diagnostics:
        report.source = ""  # a clean file on disk: re-read only if a later check finds something
    return result


def _other_yaml(source: SourceFile, text: str) -> bool:
    """A workflow, a Helm chart, a Kubernetes object: YAML that `hydro lint` skips. A file
    that cannot be read is a manifest if a line says `kind: Model` (or the other two)."""
    if any(is_manifest(d.node) for d in source.documents):
        return False
    return bool(source.documents) or not _MANIFEST_KIND_LINE.search(text)


def _check_document(
    job: Job,
    document: SourceDocument,
    result: FileResult,
    placed: FileText | None,
    kept: Kept,
) -> None:
    report = result.report
    assert report is not None
    outcome = validate_document(document)
    _add(report, document.index, outcome, outcome.findings, placed)
    if job.base is not None and isinstance(document.value, dict):
        found = references(document.value, job.base)
        resolve_local(document.value, found, job_root(job))
        for reference in found:
            reference.document = document.index
            if job.references:
                report.references.append(reference)
            _add(report, document.index, outcome, reference.findings, placed)
            if reference.remote:
                result.pending.append(pending(document, outcome, reference))
    if outcome.kind == "Model" and isinstance(document.value, dict):
        _add(report, document.index, outcome, _container(job, document, outcome, result))
        if job.layout and job.base is not None:
            from .kinds.model.container.layout import Container

            payload = document.value.get("payload")
            container = Container(payload, job.base, job_root(job))
            from .kinds.model.container.images import summary as image_summary

            image = image_summary(document.value.get("runtime"))
            report.layouts.append(container.layout(document.index, outcome.name, job.name, image))
    from .project import summarize

    keeps = kept if isinstance(kept, bool) else outcome.name in kept
    on_disk = job.text is None and not keeps
    folder = job_root(job).folder
    summary = summarize(job.name, document, outcome, on_disk, folder, sent=kept is not True)
    if summary is not None:
        result.summaries.append(summary)
    resource = None if job.lint else outcome.resource  # lint keeps summaries, not documents
    report.documents.append(
        DocumentInfo(
            document.index,
            outcome.kind,
            outcome.name,
            document.line,
            resource,  # type: ignore[arg-type]  # one of the three kinds
        )
    )


def _container(
    job: Job, document: SourceDocument, outcome: DocumentOutcome, result: FileResult
) -> list[Finding]:
    """What the Model's image build and runtime would fail on (kinds.model.container); the
    file's Models share one budget of the shell grammar's time (`result.shell`)."""
    from .kinds.model.container import ShellBudget, check_container
    from .reading.positions import find_node, text_span

    def locate_text(path: Path, start: int, end: int) -> Span:
        return text_span(find_node(document.node, outcome.source_path(path))[1], start, end)

    if result.shell is None:
        result.shell = ShellBudget()
    resolutions = result.resolutions if job.remote else None
    before = len(result.resolutions)
    found = check_container(
        document.value, job.base, job_root(job), job.name, locate_text, result.shell, resolutions
    )
    for resolution in result.resolutions[before:]:
        resolution.document = document.index
    return found


def _add(
    report: FileReport,
    index: int,
    outcome: DocumentOutcome,
    findings: Iterable[Finding],
    placed: FileText | None = None,
) -> None:
    """Findings of one document, placed in the file (or in the payload file they are in),
    each with its fix when it has one."""
    for finding in findings:
        if finding.file is not None and finding.span is not None:
            report.diagnostics.append(diagnostic(finding.file, None, finding.span, None, finding))
            continue
        span, path = outcome.place(finding)
        fix = None
        if placed is not None and finding.change is not None:
            fix = placed.fix_of(finding, outcome.node, path)
        report.diagnostics.append(diagnostic(report.file, index, span, path, finding, fix))


def internal_error(error: Exception, span: Span) -> Finding:
    return Finding(
        INTERNAL_ERROR,
        f"hydro failed on this document ({type(error).__name__}: {error}); this is a bug",
        hint=f"please report it at {ISSUES_URL} with the file",
        span=span,
    )
