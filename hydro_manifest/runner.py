"""A run: every file checked (`file_check`), in this process or in a pool (`pool`), then
what needs all of them.

`run` checks the files as they are found, then asks S3 about every `s3://` reference at
once and hands pip each Model's requirements (`--remote`), runs the checks across
documents, applies suppressions and the configuration's rule selection, and returns the
report in the order the files were given.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .asking import ask_s3, resolve
from .config import Config
from .diagnostics import Diagnostic
from .file_check import FileResult, Job, check_file
from .options import Options, Progress
from .reading import suppressions
from .redaction import scrub
from .report import FileReport, Report

if TYPE_CHECKING:
    from .cache import LintCache
    from .project import Summary

#: Below this many files a process pool costs more than it saves.
_POOL_THRESHOLD = 64


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception by `stop_on_sigterm`: the run ends as on Ctrl-C,
    with the files checked so far."""


def stop_on_sigterm() -> None:
    """From now on SIGTERM stops a run as Ctrl-C does (the report says which signal).

    Only the main thread of a process can set a signal handler; elsewhere SIGTERM keeps
    its default meaning.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def run(
    jobs: Iterable[Job],
    options: Options,
    *,
    config: Config | None = None,
    processes: int = 1,
    progress: Progress | None = None,
    resolving: Progress | None = None,
    resolvers: int | None = None,
    cache: LintCache | None = None,
) -> Report:
    """Check every job; the report lists the files in the order of `jobs`. Given as an
    iterator (a walk of folders), the jobs of a large run are checked in worker processes
    as they come, and `progress` is told the jobs found so far until the last.

    With `options.remote`, S3 is asked about training data, and pip resolves the Models'
    requirements, `resolvers` (else `processes`) at a time (`resolving` is told how many
    are done).

    Comment suppressions, then the configuration's rule selection, apply at the end, to
    the findings of every kind of check. Ctrl-C stops the run: the report then holds the
    files checked so far and says it was interrupted.

    With a `cache`, a file whose check would see the disk as the last run's did has that
    run's result; the others are checked, and kept for the next run.
    """
    every: list[Job] = []  # the jobs given, in order
    reused: dict[int, FileResult] = {}  # from the cache, by their place in `every`
    results: list[FileResult] = []  # of the jobs checked, in order
    stream = _to_check(jobs, cache, every, reused)
    known: list[Job] = []  # the jobs taken from `stream` so far, in order
    stopped_by: signal.Signals | None = None
    keep = cache.keep if cache is not None else None
    finished = False
    try:
        with _without_cyclic_gc():  # in a pool's parent too: it unpacks the results
            known.extend(itertools.islice(stream, _POOL_THRESHOLD))
            if processes > 1 and len(known) >= _POOL_THRESHOLD:
                from .pool import in_pool

                in_pool(known, stream, processes, results, progress, keep)
            else:
                known.extend(stream)
                for job in known:
                    results.append(check_file(job, kept=True))
                    if keep is not None:
                        keep(job, results[-1])
                    if progress is not None:
                        progress(len(results), len(known))
        finished = True
    except Terminated:
        stopped_by = signal.SIGTERM
    except KeyboardInterrupt:
        stopped_by = signal.SIGINT
    finally:
        if cache is not None and finished:
            cache.save()
        elif cache is not None:
            cache.discard()
    interrupted = stopped_by is not None
    report = Report([], [], interrupted=interrupted, signal=stopped_by)
    ordered = list(_in_order(every, reused, results))
    results = [result for _, result in ordered]
    for job, result in ordered:
        if result.report is None:
            report.skipped.append(job.name)
        else:
            report.files.append(result.report)
    if options.remote and not interrupted:
        ask_s3([(r.report, p) for r in results if r.report for p in r.pending], options)
        waiting = [(r.report, w) for r in results if r.report for w in r.resolutions]
        resolve(waiting, options, resolvers or processes, resolving)
    if not interrupted:
        report.summaries = [s for r in results for s in r.summaries]
        _across_documents(report, report.summaries)
    secrets = frozenset().union(*(result.secrets for result in results))
    for file in report.files:
        file.diagnostics = selected(file, config)
        file.diagnostics.sort(key=lambda d: d.sort_key)
        if secrets:
            scrubbed(file, secrets)
    _once_in_shared_files(report)
    return report


def _to_check(
    jobs: Iterable[Job], cache: LintCache | None, every: list[Job], reused: dict[int, FileResult]
) -> Iterator[Job]:
    """The jobs that need checking, as they come: all of them, or those the cache has no
    result for that still stands (the others are `reused`); each job is added to `every`."""
    for job in jobs:
        every.append(job)
        found = cache.result(job) if cache is not None else None
        if found is None:
            yield job
        else:
            reused[len(every) - 1] = found


def _in_order(
    every: list[Job], reused: dict[int, FileResult], results: list[FileResult]
) -> Iterator[tuple[Job, FileResult]]:
    """Each job with its result, in the order given, up to the first not checked (an
    interrupted run)."""
    checked = iter(results)
    for index, job in enumerate(every):
        result = reused.get(index) or next(checked, None)
        if result is None:
            return
        yield job, result


def check_alone(job: Job, config: Config | None = None) -> list[Diagnostic]:
    """One file's diagnostics as a run reports them (suppressions and the configuration
    applied), without the checks across documents: what fixing a file checks again."""
    result = check_file(job)
    if result.report is None:
        return []
    if result.secrets:
        scrubbed(result.report, result.secrets)
    return selected(result.report, config)


def scrubbed(file: FileReport, secrets: frozenset[str]) -> None:
    """Hides `secrets` in the file's diagnostics and documents' names (`scrub`)."""
    file.diagnostics = [d.scrubbed(secrets) for d in file.diagnostics]
    file.documents = [
        d if d.name is None else dataclasses.replace(d, name=scrub(d.name, secrets))
        for d in file.documents
    ]


def selected(file: FileReport, config: Config | None) -> list[Diagnostic]:
    """A file's diagnostics that its comments do not silence and the configuration keeps."""
    kept = suppressions.apply(file.file, file.suppressions, file.diagnostics)
    return config.apply(kept) if config else kept


def _once_in_shared_files(report: Report) -> None:
    """Each manifest reads the payload files it ships; a file several of them ship (a shared
    `src/`) gets each finding in it reported once."""
    seen: set[tuple[str, str, int, int, str]] = set()
    for file in report.files:
        kept = []
        for found in file.diagnostics:
            if found.file != file.file:
                key = (found.file, found.rule, found.line, found.column, found.message)
                if key in seen:
                    continue
                seen.add(key)
            kept.append(found)
        file.diagnostics = kept


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Composing thousands of files makes Python's cyclic collector scan an ever larger
    heap, again and again: half the time of a large lint. Nothing hydro builds is cyclic,
    so reference counting frees it all (a parser that builds cycles collects them itself:
    kinds.model.container.build); the collector is back on afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ------------------------------------------------------------------ all files


def _across_documents(report: Report, summaries: list[Summary]) -> None:
    from .project import check

    by_file = {file.file: file for file in report.files}
    found: list[Diagnostic] = check(summaries)
    for item in found:
        by_file[item.file].diagnostics.append(item)


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity, which containers and `taskset`
    narrow), else all of them."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1
