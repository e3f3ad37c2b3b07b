"""The library: validate, lint and load manifests, returning results (never printing or
exiting).

>>> report = validate_text("kind: Application\\nname: app\\nsingular:\\n  model: m:1\\n")
>>> report.ok
True
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any, TextIO, cast

from .config import Config
from .diagnostics import STDIN, Diagnostic
from .discovery import Discovered, discover, walk
from .file_check import Job
from .kinds.model.files import Reference
from .options import Options, Progress
from .report import ISSUES_URL, DocumentInfo, ExitCode, FileReport, ManifestError, Report
from .root import root_of
from .runner import Terminated, available_cpus, check_alone, run, stop_on_sigterm

if TYPE_CHECKING:
    from .conformance.check import RuntimeCheck
    from .fixes.engine import FixedFile, Refusal
    from .kinds import Application, DeploymentConfiguration, Model
    from .report import Resource


__all__ = [
    "ISSUES_URL",
    "STDIN",
    "Config",
    "DocumentInfo",
    "ExitCode",
    "FileReport",
    "FixedFile",
    "Fixing",
    "ManifestError",
    "Options",
    "Report",
    "Terminated",
    "available_cpus",
    "check_runtime",
    "draw_applications",
    "encode_contract",
    "encode_sample",
    "fix_paths",
    "lint_paths",
    "list_files",
    "load_application",
    "load_deployment_configuration",
    "load_file",
    "load_model",
    "load_text",
    "missing_paths",
    "resolve_file",
    "stop_on_sigterm",
    "validate_file",
    "validate_paths",
    "validate_text",
]


def validate_text(
    text: str | bytes,
    filename: str = STDIN,
    *,
    options: Options | None = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> Report:
    """Validate manifest text (all its documents); `filename` names it in diagnostics.

    Files it points at are resolved from `base_dir`: by default the folder of `filename`,
    or the working directory for standard input.
    """
    options = options or Options()
    return run([_job(filename, options, text=text, base_dir=base_dir)], options)


def validate_file(path: str | os.PathLike[str], *, options: Options | None = None) -> Report:
    """Validate one manifest file. Raises FileNotFoundError if it does not exist; a file
    that cannot be read for another reason (permissions) is a finding (HY013)."""
    path = os.fspath(path)
    try:
        os.stat(path)
    except FileNotFoundError:
        raise
    except OSError:
        pass  # the report says why it cannot be read
    return validate_paths([path], options=options)


def validate_paths(
    paths: Sequence[str],
    *,
    stdin_filename: str | None = None,
    options: Options | None = None,
    config: Config | None = None,
    resolving: Progress | None = None,
) -> Report:
    """Validate several files in order; `-` reads standard input (named `stdin_filename`).

    `config` (see `hydro_manifest.config.load`) selects rules and changes severities;
    `resolving` is told how many Models' requirements pip has resolved (`options.remote`).
    """
    options = options or Options()
    jobs = _validate_jobs(paths, stdin_filename, options)
    return run(jobs, options, config=config, resolving=resolving, resolvers=available_cpus())


def _validate_jobs(paths: Sequence[str], stdin_filename: str | None, options: Options) -> list[Job]:
    return [_input(path, stdin_filename, options) for path in paths]


def lint_paths(
    paths: Sequence[str] = (".",),
    *,
    config: Config | None = None,
    exclude: Iterable[str] = (),
    options: Options | None = None,
    stdin_filename: str | None = None,
    processes: int | None = None,
    progress: Progress | None = None,
    resolving: Progress | None = None,
) -> Report:
    """Lint files and folders together: every document's checks, then the checks across
    documents. Folders are searched for `*.yaml`/`*.yml` (see `hydro_manifest.discovery`);
    YAML that is not a Hydrosphere manifest is skipped and listed in `Report.skipped`.

    `config` (see `hydro_manifest.config.load`) selects rules, changes severities and adds
    excludes; without `options`, its `file-checks`, `remote` and `s3-endpoint-url` apply.
    `processes` defaults to, and is capped at, the CPUs available; `progress` is told
    (files done, files in all). With `options.cache`, a file whose checks would see the disk
    as the last such lint's did has that lint's result (`hydro_manifest.cache`).
    """
    config = config or Config()
    options = options or config.options()
    cache = None
    if options.cache:
        from .cache import LintCache

        cache = LintCache.open(paths)
    jobs = _lint_jobs(paths, config, exclude, options, stdin_filename, cached=cache is not None)
    processes = _processes(processes)
    return run(
        jobs,
        options,
        config=config,
        processes=processes,
        progress=progress,
        resolving=resolving,
        cache=cache,
    )


def _lint_jobs(
    paths: Sequence[str],
    config: Config,
    exclude: Iterable[str],
    options: Options,
    stdin_filename: str | None,
    *,
    cached: bool = False,
) -> Iterator[Job]:
    """The files to lint, as the folders are walked (`run` checks the first while the
    others are looked for); the folders that cannot be read and the links refused last.
    `cached`: each file on disk is checked for the run's cache."""
    if STDIN in paths:
        yield _input(STDIN, stdin_filename, options, lint=True)
    found = Discovered([], {})
    folders = [p for p in paths if p != STDIN]
    for path in walk(folders, [*config.exclude, *exclude], options.root, found):
        root = found.roots.get(path)
        yield _input(path, stdin_filename, options, lint=True, root=root, cached=cached)
    yield from (Job(folder, unreadable=reason) for folder, reason in found.unreadable.items())
    yield from (Job(link, refused=finding) for link, finding in found.refused.items())


def _processes(wanted: int | None) -> int:
    cpus = available_cpus()
    return min(wanted or cpus, cpus)  # more workers than CPUs only cost memory


@dataclass
class Fixing:
    """What `fix_paths` did: the report of what remains, and the files it changed."""

    report: Report
    files: list[FixedFile]
    #: Files whose fixes could not be written, and why.
    unwritten: dict[str, str] = field(default_factory=dict)
    #: Standard input after fixing (as read when nothing was fixed); None when not read.
    stdin: bytes | None = None
    #: Fixes not applied because they would break the file or add an error.
    refused: list[Refusal] = field(default_factory=list)

    @property
    def fixed(self) -> int:
        """How many findings were fixed."""
        return sum(sum(f.fixed.values()) for f in self.files)

    def diff(self) -> str:
        """The unified diff of every changed file (`patch -p0` applies it)."""
        return "".join(f.diff() for f in self.files)


def fix_paths(
    paths: Sequence[str],
    *,
    lint: bool = False,
    unsafe: bool = False,
    write: bool = True,
    config: Config | None = None,
    exclude: Iterable[str] = (),
    options: Options | None = None,
    stdin_filename: str | None = None,
    processes: int | None = None,
) -> Fixing:
    """Check files as `validate_paths` (or, with `lint`, as `lint_paths`) does, apply the
    fixes of the findings (safe ones; all with `unsafe`) until none is left, and check
    again: the report shows what remains. With `write`, changed files are replaced whole
    (a temporary file renamed over them, mode kept); standard input never is.

    A fix that would leave a file unreadable, or with a new error, is not applied. Only
    files in UTF-8 are fixed.
    """
    from .fixes.engine import FixedFile, fix_file, wanted

    config = config or Config()
    if lint:
        options = options or config.options()
        jobs = list(_lint_jobs(paths, config, exclude, options, stdin_filename))
    else:
        options = options or Options()
        jobs = _validate_jobs(paths, stdin_filename, options)
    processes = _processes(processes) if lint else 1
    first = run(jobs, options, config=config, processes=processes)
    by_name = {job.name: job for job in jobs}
    changed: dict[str, FixedFile] = {}
    refused: list[Refusal] = []
    for file in first.files:
        job = by_name.get(file.file)
        if job is None or not wanted(file.diagnostics, file.file, unsafe):
            continue
        data = _original(job)
        if data is None:
            continue

        def check(text: bytes, job: Job = job) -> list[Diagnostic]:
            return check_alone(replace(job, text=text), config)

        after, fixed, refusals = fix_file(file.file, data, check, unsafe)
        refused.extend(refusals)
        if after != data:
            changed[file.file] = FixedFile(file.file, data, after, fixed)
    unwritten = _write(changed, by_name) if write else {}
    for name in unwritten:
        del changed[name]
    stdin = next((_text(j, changed) for j in jobs if j.text is not None), None)
    if not changed:
        return Fixing(first, [], unwritten, stdin, refused)
    again = [replace(j, text=changed[j.name].after) if j.name in changed else j for j in jobs]
    report = run(again, options, config=config, processes=processes)
    return Fixing(report, list(changed.values()), unwritten, stdin, refused)


def _text(job: Job, changed: dict[str, FixedFile]) -> bytes:
    """A file given as text (standard input), fixed if it was."""
    if job.name in changed:
        return changed[job.name].after
    if isinstance(job.text, str):
        return job.text.encode("utf-8", "surrogateescape")
    return job.text or b""


def _original(job: Job) -> bytes | None:
    """A file's bytes when they are UTF-8 (fixes edit UTF-8 text), else None."""
    if job.unreadable is not None:
        return None
    data = job.text
    if data is None:
        try:
            data = FilePath(job.name).read_bytes()
        except OSError:
            return None
    if isinstance(data, str):
        return data.encode("utf-8", "surrogateescape")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return data


def _write_bytes(data: bytes, stream: TextIO) -> None:
    stream.buffer.write(data)


def _write(changed: dict[str, FixedFile], jobs: dict[str, Job]) -> dict[str, str]:
    """Replace each changed file on disk (through a symbolic link, the file it names);
    standard input is left alone. Returns the files that could not be written."""
    from .reporters import write_file

    failed = {}
    for name, fixed in changed.items():
        if jobs[name].text is not None:  # standard input: the caller prints it
            continue
        try:
            write_file(os.path.realpath(name), functools.partial(_write_bytes, fixed.after))
        except OSError as error:
            failed[name] = error.strerror or str(error)
    return failed


#: The drawings `draw_applications` makes.
DIAGRAM_FORMATS = ("mermaid", "dot")


def draw_applications(report: Report, form: str = "mermaid", application: str | None = None) -> str:
    """The Applications of a lint's report (`lint_paths`) as a diagram: Mermaid (a
    `flowchart LR`) or Graphviz DOT; only `application` when named. Stages, variants, the
    fields passed between stages and the findings at each variant are drawn. LookupError
    when `application` is not among them; ValueError for another `form`."""
    from .project.graph import graphs

    if form not in DIAGRAM_FORMATS:
        raise ValueError(f"unknown diagram format '{form}' (valid: {', '.join(DIAGRAM_FORMATS)})")
    drawn = graphs(report.summaries, report.diagnostics, application)
    if application is not None and not drawn:
        raise LookupError(f"no Application '{application}' among the linted files")
    if form == "dot":
        from .reporters.dot import dot

        return dot(drawn)
    from .reporters.mermaid import mermaid

    return mermaid(drawn)


def list_files(
    paths: Sequence[str] = (".",),
    *,
    config: Config | None = None,
    exclude: Iterable[str] = (),
    root: str | None = None,
) -> list[str]:
    """The files `lint_paths` would read."""
    return discover(paths, [*(config.exclude if config else ()), *exclude], root).files


def resolve_file(
    path: str | os.PathLike[str], *, remote: bool = False, s3_endpoint_url: str | None = None
) -> list[Reference]:
    """What a manifest's payload entries and training data resolve to.

    Each reference says where it points, whether it exists, its kind and size, the CSV
    columns of training data, and its findings. `remote` asks S3 about `s3://` data.
    """
    options = Options(file_checks=True, remote=remote, s3_endpoint_url=s3_endpoint_url)
    return validate_file(path, options=options).references


def encode_contract(model: Model, form: str = "protobin") -> bytes:
    """The bytes of the model's `/model/contract.protobin` (`form="protobin"`), or the same
    `ModelSignature` in protobuf's JSON mapping (`"json"`) or text format (`"text"`).

    Needs the `grpc` extra (ImportError without it); ValueError for another `form`.
    """
    from .wire.contract import signature
    from .wire.messages import encode

    return encode(signature(model), form)


def encode_sample(
    model: Model, form: str = "json", *, seed: int = 0, batch: int = 1, outputs: bool = False
) -> bytes:
    """A sample `PredictRequest` for the model (`PredictResponse` for `outputs`), as a
    runtime receives it: `sample_request`'s values in typed tensors, in protobuf's JSON
    mapping (`"json"`, what `grpcurl -d` takes), binary (`"protobin"`) or text format.

    Needs the `grpc` extra (ImportError without it); ValueError for another `form`.
    """
    from .requests import sample_request
    from .wire.messages import encode
    from .wire.tensors import body_message

    body = sample_request(model, seed=seed, batch=batch, outputs=outputs)
    return encode(body_message(model, body, outputs=outputs), form)


def check_runtime(
    address: str,
    model: Model,
    manifest: str | os.PathLike[str],
    *,
    requests: int = 20,
    timeout: float = 5.0,
    tls: bool = False,
) -> RuntimeCheck:
    """Check a running runtime (`host:port`, port 9090 by default) against `model`'s
    contract: its health service, then `requests` Predict calls, edge cases first, each
    response against the outputs. Findings are placed in `manifest`, the model's file;
    the result also holds each call's latency. Needs the `grpc` extra."""
    from .conformance.check import check_runtime as check

    return check(address, model, os.fspath(manifest), requests=requests, timeout=timeout, tls=tls)


def missing_paths(paths: Iterable[str]) -> list[str]:
    """The paths that do not exist (a usage error for the CLI, not a finding)."""
    return [p for p in paths if p != STDIN and not os.path.lexists(p)]


def load_text(text: str | bytes, filename: str = STDIN, **kwargs: Any) -> list[Resource]:
    """The typed models of every document in `text`; ManifestError if any has an error."""
    return _resources(validate_text(text, filename, **kwargs))


def load_file(path: str | os.PathLike[str], *, options: Options | None = None) -> list[Resource]:
    """The typed models of every document in a file; ManifestError if any has an error."""
    return _resources(validate_file(path, options=options))


def load_model(path: str | os.PathLike[str], *, options: Options | None = None) -> Model:
    """The first Model of a file, typed; ManifestError if a document of the file has an
    error, LookupError if it holds no Model."""
    return cast("Model", _first(load_file(path, options=options), "Model", path))


def load_application(
    path: str | os.PathLike[str], *, options: Options | None = None
) -> Application:
    """The first Application of a file (as `load_model`)."""
    return cast("Application", _first(load_file(path, options=options), "Application", path))


def load_deployment_configuration(
    path: str | os.PathLike[str], *, options: Options | None = None
) -> DeploymentConfiguration:
    """The first DeploymentConfiguration of a file (as `load_model`)."""
    found = _first(load_file(path, options=options), "DeploymentConfiguration", path)
    return cast("DeploymentConfiguration", found)


def _first(resources: list[Resource], kind: str, path: str | os.PathLike[str]) -> Resource:
    found = next((r for r in resources if r.kind == kind), None)
    if found is None:
        raise LookupError(f"no {kind} in {os.fspath(path)}")
    return found


def _resources(report: Report) -> list[Resource]:
    if not report.ok or any(d.resource is None for d in report.documents):
        raise ManifestError(report)
    return report.resources


def _folder_of(filename: str) -> str:
    """The folder of a file, as `Path(filename).absolute().parent` gives it (`..` left as
    written: a link's `..` is its target's parent), without building paths for a file a
    walk found (already normalized) as a large tree has thousands."""
    if (
        not filename
        or "//" in filename
        or "/." in filename
        or filename[0] == "."
        or filename[-1] == "/"
    ):
        return str(FilePath(filename).absolute().parent)  # (rare: the exact way)
    absolute = filename if filename.startswith("/") else os.path.join(os.getcwd(), filename)
    return os.path.dirname(absolute)


def _job(
    filename: str,
    options: Options,
    *,
    text: str | bytes | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    lint: bool = False,
    root: str | None = None,
    cached: bool = False,
) -> Job:
    """A file to check; its references resolve from its folder (stdin: the working one),
    and nothing outside its root is opened (`root`, else `options.root`, else the nearest
    folder above it holding `.git`, else its own folder); `cached`: checked for a cache."""
    if base_dir is not None:
        folder = str(FilePath(base_dir).absolute())
    elif filename == STDIN:
        folder = os.getcwd()
    else:
        folder = _folder_of(filename)
    root = root or root_of(folder, folder, options.root)
    base = folder if options.file_checks else None
    return Job(
        filename,
        text,
        base,
        root,
        lint,
        options.max_file_size,
        layout=options.layout,
        references=options.references,
        remote=options.remote and base is not None,
        cached=cached,
    )


def _input(
    path: str,
    stdin_filename: str | None,
    options: Options,
    *,
    lint: bool = False,
    root: str | None = None,
    cached: bool = False,
) -> Job:
    if path == STDIN:
        data = sys.stdin.buffer.read(options.max_file_size + 1)  # enough to know it is too big
        return _job(stdin_filename or STDIN, options, text=data, lint=lint, root=root)
    return _job(path, options, lint=lint, root=root, cached=cached)
