"""What a Model points at: its `payload` entries and its `training-data`.

Local paths are resolved as `hs apply` 3.x does, relative to the manifest's folder.
`s3://` training data is only collected here; `hydro_manifest.s3` asks S3 about it, and
the CSV header it reads comes back through `check_csv`, as for a local file.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from typing import Any

from ... import spec
from ...diagnostics import Finding, Path, Target, undecodable_escaped
from ...fixes.changes import Change, Remove
from ...reading.rules import OUTSIDE_ROOT
from ...redaction import redact
from ...root import NAME_MAX, Kind, Probe, Root
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
_ROLE_NAMES = {PAYLOAD: "payload entry", TRAINING_DATA: "training data"}


@dataclass(slots=True)
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
    #: Its real location leaves the repository root: not looked at (HY019).
    outside: bool = False
    findings: list[Finding] = field(default_factory=list, repr=False)

    @property
    def remote(self) -> bool:
        return self.location.startswith(spec.S3_SCHEME)

    def to_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "role": self.role,
            "entry": redact(undecodable_escaped(self.entry)),
            "path": list(self.path),
            "location": redact(undecodable_escaped(self.location)),
            "exists": self.exists,
            "type": self.type,
            "size": self.size,
            "columns": self.columns,
            "outside_root": self.outside,
        }


def references(doc: dict[str, Any], base: str) -> list[Reference]:
    """The payload entries and training data of a Model document, not yet resolved (`base`:
    the folder they resolve from)."""
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


def resolve_local(doc: dict[str, Any], found: list[Reference], root: Root) -> None:
    """Look every local reference up on disk, recording findings on the references.
    Nothing outside `root` is looked at: such a reference is reported as outside."""
    for reference in found:
        if reference.remote:
            continue
        if reference.role == PAYLOAD:
            _payload_entry(reference, root)
        else:
            _training_data(doc, reference, root)
    _duplicates([r for r in found if r.role == PAYLOAD and r.exists], root)


def _probe(reference: Reference, root: Root) -> Probe:
    found = root.probe(reference.location)
    if found.kind is Kind.OUTSIDE:
        reference.outside = True
        _report(
            reference,
            OUTSIDE_ROOT,
            f"{_ROLE_NAMES[reference.role]} '{reference.entry}' leads outside the repository "
            "root: hydro does not read it",
            f"the root is {root.folder}; keep the model's files in the repository",
        )
        return found
    reference.exists = found.exists
    if found.exists:
        reference.type = "dir" if found.kind is Kind.FOLDER else "file"
        reference.size = found.size if reference.type == "file" else None
    return found


def _report(
    reference: Reference,
    rule: Rule,
    message: str,
    hint: str | None = None,
    change: Change | None = None,
) -> None:
    reference.findings.append(Finding(rule, message, reference.path, hint, change=change))


def _dvc_hint(location: str, root: Root) -> str | None:
    """The Hydrosphere examples track models with DVC: `NAME.dvc` beside a missing or empty
    NAME means the data was never pulled."""
    tracked = location.rstrip("/" + os.sep) + ".dvc"
    if root.probe(tracked).kind is Kind.FILE:
        return f"run `dvc pull` first: DVC tracks it, {os.path.basename(tracked)} is beside it"
    return None


def _not_found(reference: Reference, rule: Rule, what: str, found: Probe, root: Root) -> None:
    if found.kind in _NOT_A_NAME:
        problem, hint = _NOT_A_NAME[found.kind]
        _report(reference, rule, f"{what} '{reference.entry}' {problem}", hint)
        return
    folder, name = os.path.split(reference.location)
    near = closest(name, [n for n in root.listdir(folder) if n != name], limit=1)
    dvc = _dvc_hint(reference.location, root)
    if any(c in reference.entry for c in "*?["):
        hint = "`hs apply` 3.x looks for this exact name: it does not expand globs"
    elif dvc:
        hint = dvc
    elif near:
        shown = os.path.join(os.path.dirname(reference.entry.rstrip("/")), near[0])
        hint = f"did you mean '{shown}'?"
    elif root.probe(folder).kind is not Kind.FOLDER:
        hint = f"the folder {folder} does not exist either; paths are relative to the manifest"
    else:
        hint = "paths are relative to the manifest's folder"
    _report(reference, rule, f"{what} '{reference.entry}' not found: {reference.location}", hint)


#: Paths that name nothing for another reason than a missing file: what to say instead.
_NOT_A_NAME = {
    Kind.LOOP: (
        "is a symbolic link loop: it names no file",
        "point the link at a file or folder, or remove it",
    ),
    Kind.TOO_LONG: (
        f"has a name longer than {NAME_MAX} bytes, which no Linux file system allows",
        "shorten the name",
    ),
}


def _payload_entry(reference: Reference, root: Root) -> None:
    found = _probe(reference, root)
    if reference.outside:
        return
    if not found.exists:
        _not_found(reference, PAYLOAD_NOT_FOUND, "payload entry", found, root)
    elif reference.type == "file" and reference.entry.endswith("/"):
        _report(
            reference,
            PAYLOAD_FOLDER,
            f"payload entry '{reference.entry}' ends in '/' but is a file",
            f"write '{reference.entry.rstrip('/')}'",
        )
    elif reference.type == "dir" and not has_files(reference.location, root):
        _report(
            reference,
            PAYLOAD_FOLDER,
            f"payload folder '{reference.entry}' has no files (hidden ones are skipped): "
            f"{reference.location}",
            _dvc_hint(reference.location, root)
            or "put the model's files in it, or remove the entry",
        )


def has_files(folder: str, root: Root) -> bool:
    """Whether a folder holds a file the manager unpacks (it skips hidden ones, and the
    files of hidden folders): a walk that ends at the first such file, and does not follow
    links to folders (a huge tree of folders is not worth walking to the end). The answer
    is noted for the lint cache (`HAS_FILES`), which asks again when a folder changed."""
    found = _has_files(folder, root)
    root.answered(folder, HAS_FILES, found)
    return found


#: The question `has_files` answers (`Root.answered`).
HAS_FILES = "has files"


def _has_files(folder: str, root: Root) -> bool:
    if root.probe(folder).kind is not Kind.FOLDER:
        return False
    waiting, walked = [folder], 0
    while waiting:
        walked += 1
        if walked > _FOLDER_SCAN_LIMIT:
            return True
        try:
            with os.scandir(waiting.pop()) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    try:
                        is_folder = entry.is_dir()
                    except OSError:
                        is_folder = False
                    if not is_folder:
                        return True
                    # (probed, so that a check remembers each folder it looked in)
                    if not entry.is_symlink() and root.probe(entry.path).kind is Kind.FOLDER:
                        waiting.append(entry.path)
        except OSError:
            continue
    return False


def _duplicates(payload: list[Reference], root: Root) -> None:
    """Entries naming a file already named, or inside a folder already listed."""
    if len(payload) < 2:
        return
    real = [(r, root.probe(r.location).real or root.realpath(r.location)) for r in payload]
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


def _training_data(doc: dict[str, Any], reference: Reference, root: Root) -> None:
    found = _probe(reference, root)
    if reference.outside:
        return
    if not found.exists:
        _not_found(reference, TRAINING_DATA_NOT_FOUND, "training data", found, root)
        return
    if reference.type == "dir":
        _report(
            reference,
            TRAINING_DATA_NOT_FOUND,
            f"training data '{reference.entry}' is a folder: {reference.location}",
            "name the CSV file in it",
        )
        return
    head = root.read(reference.location, HEADER_BYTES, head=True)
    if isinstance(head, Probe):
        _report(
            reference,
            TRAINING_DATA_NOT_FOUND,
            f"training data '{reference.entry}' cannot be read ({head.reason or head.kind.value})"
            f": {reference.location}",
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
