"""What a Model points at: its `payload` entries and its `training-data`.

Local paths are resolved as `hs apply` 3.x does, relative to the manifest's folder.
`s3://` training data is only collected here; `hydro_manifest.s3` asks S3 about it, and
the CSV header it reads comes back through `check_csv`, as for a local file.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from ... import spec
from ...diagnostics import Finding, Path, Target, undecodable_escaped
from ...fixes.changes import Change, Remove
from ...rules import Rule
from ...suggest import closest
from ..values import mapping, sequence
from .rules import (
    PAYLOAD_DUPLICATE,
    PAYLOAD_FOLDER,
    PAYLOAD_NOT_FOUND,
    TRAINING_DATA_COLUMNS,
    TRAINING_DATA_CSV,
    TRAINING_DATA_NOT_FOUND,
)

#: How much of a CSV file is read to find its header line.
HEADER_BYTES = 64 * 1024
#: How many folder entries are looked at to decide that a payload folder has files.
_FOLDER_SCAN_LIMIT = 10_000

PAYLOAD, TRAINING_DATA = "payload", "training-data"


@dataclass
class Reference:
    """One thing a manifest points at, and what it resolved to (None: not checked)."""

    role: str
    entry: str
    path: Path
    location: str
    exists: bool | None = None
    type: str | None = None
    size: int | None = None
    columns: list[str] | None = None
    document: int = 0
    findings: list[Finding] = field(default_factory=list, repr=False)

    @property
    def remote(self) -> bool:
        return self.location.startswith(spec.S3_SCHEME)

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "role": self.role,
            "entry": undecodable_escaped(self.entry),
            "path": list(self.path),
            "location": undecodable_escaped(self.location),
            "exists": self.exists,
            "type": self.type,
            "size": self.size,
            "columns": self.columns,
        }


def references(doc: dict[str, Any], base: FilePath) -> list[Reference]:
    """The payload entries and training data of a Model document, not yet resolved."""
    if doc.get("kind") != "Model":
        return []
    found = []
    for index, entry in enumerate(sequence(doc.get("payload"))):
        if isinstance(entry, str) and entry.strip() and "\x00" not in entry:
            location = os.path.normpath(os.path.join(base, entry))
            found.append(Reference(PAYLOAD, entry, (PAYLOAD, index), location))
    data = doc.get(TRAINING_DATA)
    if (
        isinstance(data, str)
        and data.strip().lower().endswith(spec.TRAINING_DATA_EXTENSION)
        and "\x00" not in data  # reported as HY016; no file system takes it
    ):
        scheme, separator, _ = data.partition("://")
        if not separator:
            location = os.path.normpath(os.path.join(base, data))
            found.append(Reference(TRAINING_DATA, data, (TRAINING_DATA,), location))
        elif scheme.lower() == "s3":
            found.append(Reference(TRAINING_DATA, data, (TRAINING_DATA,), data))
    return found


def resolve_local(doc: dict[str, Any], found: list[Reference]) -> None:
    """Look every local reference up on disk, recording findings on the references."""
    for reference in found:
        if reference.remote:
            continue
        if reference.role == PAYLOAD:
            _payload_entry(reference)
        else:
            _training_data(doc, reference)
    _duplicates([r for r in found if r.role == PAYLOAD and r.exists])


def _stat(reference: Reference) -> os.stat_result | None:
    try:
        status = os.stat(reference.location)
    except OSError:
        reference.exists = False
        return None
    reference.exists = True
    reference.type = "dir" if os.path.isdir(reference.location) else "file"
    reference.size = status.st_size if reference.type == "file" else None
    return status


def _report(
    reference: Reference,
    rule: Rule,
    message: str,
    hint: str | None = None,
    change: Change | None = None,
) -> None:
    reference.findings.append(Finding(rule, message, reference.path, hint, change=change))


def _dvc_hint(location: str) -> str | None:
    """The Hydrosphere examples track models with DVC: `NAME.dvc` beside a missing or empty
    NAME means the data was never pulled."""
    tracked = location.rstrip("/" + os.sep) + ".dvc"
    if os.path.isfile(tracked):
        return f"run `dvc pull` first: DVC tracks it, {os.path.basename(tracked)} is beside it"
    return None


def _not_found(reference: Reference, rule: Rule, what: str) -> None:
    folder, name = os.path.split(reference.location)
    try:
        near = closest(name, os.listdir(folder), limit=1)
    except OSError:
        near = []
    dvc = _dvc_hint(reference.location)
    if any(c in reference.entry for c in "*?["):
        hint = "`hs apply` 3.x looks for this exact name: it does not expand globs"
    elif dvc:
        hint = dvc
    elif near:
        shown = os.path.join(os.path.dirname(reference.entry.rstrip("/")), near[0])
        hint = f"did you mean '{shown}'?"
    elif not os.path.isdir(folder):
        hint = f"the folder {folder} does not exist either; paths are relative to the manifest"
    else:
        hint = "paths are relative to the manifest's folder"
    _report(reference, rule, f"{what} '{reference.entry}' not found: {reference.location}", hint)


def _payload_entry(reference: Reference) -> None:
    if _stat(reference) is None:
        _not_found(reference, PAYLOAD_NOT_FOUND, "payload entry")
    elif reference.type == "file" and reference.entry.endswith("/"):
        _report(
            reference,
            PAYLOAD_FOLDER,
            f"payload entry '{reference.entry}' ends in '/' but is a file",
            f"write '{reference.entry.rstrip('/')}'",
        )
    elif reference.type == "dir" and not _has_files(reference.location):
        _report(
            reference,
            PAYLOAD_FOLDER,
            f"payload folder '{reference.entry}' has no files (hidden ones are skipped): "
            f"{reference.location}",
            _dvc_hint(reference.location) or "put the model's files in it, or remove the entry",
        )


def _has_files(folder: str) -> bool:
    """Whether a folder holds a file the manager unpacks (it skips hidden ones)."""
    for seen, (_, folders, files) in enumerate(os.walk(folder)):
        folders[:] = [f for f in folders if not f.startswith(".")]
        if any(not f.startswith(".") for f in files) or seen > _FOLDER_SCAN_LIMIT:
            return True  # (a huge tree of folders is not worth walking to the end)
    return False


def _duplicates(payload: list[Reference]) -> None:
    """Entries naming a file already named, or inside a folder already listed."""
    real = [(r, os.path.realpath(r.location)) for r in payload]
    for index, (reference, path) in enumerate(real):
        for earlier, earlier_path in real[:index]:
            inside = earlier.type == "dir" and path.startswith(earlier_path.rstrip(os.sep) + os.sep)
            if path == earlier_path or inside:
                how = "is inside" if inside else "names the same file as"
                _report(
                    reference,
                    PAYLOAD_DUPLICATE,
                    f"payload entry '{reference.entry}' {how} entry '{earlier.entry}'; "
                    "it is packed twice",
                    "remove one of them",
                    Remove(),
                )
                break


def _training_data(doc: dict[str, Any], reference: Reference) -> None:
    if _stat(reference) is None:
        _not_found(reference, TRAINING_DATA_NOT_FOUND, "training data")
        return
    if reference.type == "dir":
        _report(
            reference,
            TRAINING_DATA_NOT_FOUND,
            f"training data '{reference.entry}' is a folder: {reference.location}",
            "name the CSV file in it",
        )
        return
    try:
        with open(reference.location, "rb") as stream:
            head = stream.read(HEADER_BYTES)
    except OSError as error:
        reason = error.strerror or str(error)
        _report(
            reference,
            TRAINING_DATA_NOT_FOUND,
            f"training data '{reference.entry}' cannot be read ({reason}): {reference.location}",
        )
        return
    check_csv(doc, reference, head)


def check_csv(doc: dict[str, Any], reference: Reference, head: bytes) -> None:
    """The header of training data from its first bytes, checked against the contract."""
    problem = _csv_problem(head)
    if problem is not None:
        _report(
            reference,
            TRAINING_DATA_CSV,
            f"training data '{reference.entry}' {problem}: {reference.location}",
            "the monitoring needs a CSV file with a header line of column names",
        )
        return
    text = head.decode("utf-8-sig", errors="ignore")
    first = text.splitlines()[0] if text.splitlines() else ""
    reference.columns = [c.strip() for c in next(csv.reader([first]), [])]
    inputs = mapping(mapping(doc.get("contract")).get("inputs"))
    for name in inputs:
        if str(name) not in reference.columns:
            near = closest(str(name), reference.columns, limit=1)
            shown = ", ".join(reference.columns[:12]) + (
                ", ..." if len(reference.columns) > 12 else ""
            )
            reference.findings.append(
                Finding(
                    TRAINING_DATA_COLUMNS,
                    f"input '{name}' has no column in the training data {reference.location}",
                    ("contract", "inputs", name),
                    f"did you mean '{near[0]}'? columns: {shown}" if near else f"columns: {shown}",
                    Target.KEY,
                )
            )


def _csv_problem(head: bytes) -> str | None:
    if not head.strip():
        return "is empty"
    if b"\0" in head:
        return "is binary, not a CSV file"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut by the byte limit
            return "is not UTF-8 text"
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip()
    if not first:
        return "starts with an empty line instead of a header"
    return None
