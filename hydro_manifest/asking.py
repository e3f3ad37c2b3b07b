"""What `--remote` asks once every file is checked: S3 about the `s3://` training data,
and pip about each Model's requirements; the answers become the files' diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .diagnostics import Finding, Path, Span, Target, diagnostic
from .kinds.model.files import Reference, check_csv
from .options import Options
from .report import FileReport

if TYPE_CHECKING:
    from .kinds.model.container.resolver import Resolution
    from .options import Progress
    from .reading.document import DocumentOutcome
    from .reading.loader import SourceDocument


@dataclass(slots=True)
class Pending:
    """An `s3://` reference waiting for S3, with the places its findings go."""

    document: int
    reference: Reference
    inputs: list[str]
    places: dict[Path, tuple[Span, Path]]


def pending(document: SourceDocument, outcome: DocumentOutcome, reference: Reference) -> Pending:
    """Where S3's answers about `reference` will be reported, worked out while the
    document is at hand (the document itself does not outlive its file)."""
    value = document.value if isinstance(document.value, dict) else {}
    contract = value.get("contract")
    inputs = contract.get("inputs") if isinstance(contract, dict) else None
    names = [str(name) for name in inputs] if isinstance(inputs, dict) else []
    places = {
        path: outcome.locate(path, target)
        for path, target in [
            (reference.path, Target.VALUE),
            *((("contract", "inputs", name), Target.KEY) for name in names),
        ]
    }
    return Pending(document.index, reference, names, places)


def ask_s3(waiting: list[tuple[FileReport, Pending]], options: Options) -> None:
    if not waiting:
        return
    from .kinds.model.s3 import ask

    answers = ask([p.reference.location for _, p in waiting], options.s3_endpoint_url)
    for report, pending in waiting:
        reference, answer = pending.reference, answers[pending.reference.location]
        reference.exists, reference.size = answer.exists, answer.size
        reference.type = "object" if answer.exists else None
        if answer.rule is not None and answer.message is not None:
            reference.findings.append(
                Finding(answer.rule, answer.message, reference.path, answer.hint)
            )
        elif answer.head is not None:
            contract = {"contract": {"inputs": dict.fromkeys(pending.inputs)}}
            check_csv(contract, reference, answer.head)
        for finding in reference.findings:
            span, path = pending.places[finding.path]
            report.diagnostics.append(
                diagnostic(report.file, pending.document, span, path, finding)
            )


def resolve(
    waiting: list[tuple[FileReport, Resolution]],
    options: Options,
    processes: int,
    progress: Progress | None,
) -> None:
    if not waiting:
        return
    from .kinds.model.container.pip_answer import resolve_all

    found = resolve_all(
        [resolution for _, resolution in waiting],
        index_url=options.index_url,
        timeout=options.resolve_timeout,
        workers=processes,
        progress=progress,
    )
    for (report, resolution), findings in zip(waiting, found, strict=True):
        # what the text already showed (HY833 of numpy) is not said twice
        known = {(d.rule, d.file, d.line, d.column) for d in report.diagnostics}
        for finding in findings:
            assert finding.span is not None
            if finding.file is not None:
                where = diagnostic(finding.file, None, finding.span, None, finding)
            else:
                document = resolution.document
                where = diagnostic(report.file, document, finding.span, finding.path, finding)
            if (where.rule, where.file, where.line, where.column) not in known:
                report.diagnostics.append(where)
