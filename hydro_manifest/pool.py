"""Checking files in worker processes (`hydro lint` on a large tree, with more than one CPU;
`runner` imports this module only then).

The files are handed out as the folders are walked, a chunk at a time, and their results
taken back in order. Workers end with the main process, leave Ctrl-C to it, and a worker
that dies (killed, out of memory, a crash in a C library) costs one file, not the run.
"""

from __future__ import annotations

import functools
import gc
import os
import pickle
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as NotYet
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from .cache import Pickled, pickled_entry
from .diagnostics import Finding, Span, file_diagnostic
from .file_check import FileResult, Job, check_file
from .options import Progress
from .project import ContractsOfFile, Signature, compared, compared_names, interned, signatures
from .report import ISSUES_URL, FileReport
from .rules import INTERNAL_ERROR

#: Told each result as it comes back, with what its check saw and the result, both pickled
#: (`cache.LintCache.keep`).
Keep = Callable[[Job, FileResult, Pickled], None]
#: Files a worker checks in one call while the folders are still being walked.
_CHUNK = 32
#: How often the main process, waiting for a result, looks whether a worker has died.
_LOOK_SECONDS = 0.5


def in_pool(
    known: list[Job],
    stream: Iterator[Job],
    processes: int,
    results: list[FileResult],
    progress: Progress | None,
    keep: Keep | None = None,
) -> None:
    """Check the jobs in worker processes, appending to `results` in order: `known`, then
    those `stream` still gives (added to `known`), handed out as they come; `keep` (the
    cache's) is told each result with its pickle, made by the worker, as it comes back.

    A worker that dies (killed, out of memory, a crash in a C library) breaks the pool: the
    first unfinished file is then checked alone in a process of its own, reported if that
    dies too, and a new pool takes the rest.
    """

    while True:  # a new pool after a worker died, for what is left
        pool = ProcessPoolExecutor(max_workers=processes, initializer=_worker_setup)
        try:
            _hand_out(pool, known, stream, processes, results, progress, keep)
            _contracts_in_pool(pool, results, processes)
            return
        except BrokenProcessPool:
            known.extend(stream)  # the rest of the walk
            results.append(_alone(known[len(results)]))
        except KeyboardInterrupt:
            _stop_workers(pool)  # they would finish their chunks, holding our stdout open
            raise
        finally:  # the work is done or given up: waiting is short, and leaves no thread behind
            pool.shutdown(wait=True, cancel_futures=True)


#: Chunks a pool holds at once, per worker: enough to keep it busy, few enough that what
#: the results teach (the models a pipeline compares) reaches the chunks sent later.
_IN_FLIGHT = 3


def _hand_out(
    pool: ProcessPoolExecutor,
    jobs: list[Job],
    stream: Iterator[Job],
    processes: int,
    results: list[FileResult],
    progress: Progress | None,
    keep: Keep | None,
) -> None:
    """Give the pool the `jobs` that have no result yet and those `stream` adds to them, a
    chunk at a time, and take the results back in order. Once the stream ends, the rest is
    cut finer, so that the workers end together. Each chunk carries the names of the
    models the Applications seen so far compare: a worker sends those Models' fields with
    their summaries, and only the others are read again if a later Application compares
    them."""
    waiting: deque[Future[list[FileResult]] | Future[list[Pickled]]] = deque()
    compared: set[str] = set()
    named, named_count = "", 0  # `compared`, one name a line: one string crosses quickly
    sent = len(results)

    def send(size: int) -> None:
        nonlocal sent, named, named_count
        if len(compared) != named_count:  # (it only grows)
            named, named_count = "\n".join(sorted(compared)), len(compared)
        share = jobs[sent : sent + size]
        if keep is None:
            waiting.append(_submit(pool, _check_files, share, named))
        else:
            waiting.append(_submit(pool, _check_files_pickled, share, named))
        sent += size

    def take(block: bool) -> None:
        while waiting and (block or waiting[0].done()):
            block = False
            for done in _result(pool, waiting.popleft()):
                if isinstance(done, tuple):  # for the cache: what the check saw, the result
                    assert keep is not None
                    result = pickle.loads(done[1])
                    keep(jobs[len(results)], result, done)
                else:
                    result = done
                results.append(result)
                for summary in result.summaries:
                    compared.update(compared_names(summary))
                    if summary.signature is not None:
                        summary.signature = interned(summary.signature)
            if progress is not None:
                progress(len(results), len(jobs))

    for job in stream:
        jobs.append(job)
        take(block=False)
        if len(jobs) - sent >= _CHUNK and len(waiting) < processes * _IN_FLIGHT:
            send(_CHUNK)
    while sent < len(jobs):
        if len(waiting) >= processes * _IN_FLIGHT:
            take(block=True)
        left = len(jobs) - sent
        send(_CHUNK if left > _CHUNK * processes * 2 else max(1, left // (processes * 4)))
    while waiting:
        take(block=True)


def _contracts_in_pool(
    pool: ProcessPoolExecutor, results: list[FileResult], processes: int
) -> None:
    """The workers read again the contracts the checks across documents compare (the
    pool's results carry where each is, not its fields). What a broken pool leaves unread
    is read later, in this process."""

    def in_pool(
        read: Callable[[ContractsOfFile], list[Signature | None]], files: list[ContractsOfFile]
    ) -> Iterator[list[Signature | None]]:
        size = max(1, min(64, len(files) // (processes * 8)))
        shares = [files[i : i + size] for i in range(0, len(files), size)]
        chunks = [_submit(pool, _each, read, share) for share in shares]
        for chunk in chunks:
            yield from _result(pool, chunk)

    try:
        signatures(compared(s for r in results for s in r.summaries), in_pool)
    except BrokenProcessPool:
        return


def _each(
    read: Callable[[ContractsOfFile], list[Signature | None]], files: list[ContractsOfFile]
) -> list[list[Signature | None]]:
    """A worker's share of the contracts read again (as `pool.map` does it, but waited for
    by `_result`)."""
    return [read(file) for file in files]


def _check_files(jobs: list[Job], named: str) -> list[FileResult]:
    """A worker's share: a few files in one call, so that results cross back in batches;
    the Models `named` (one a line) send their contract fields along."""
    kept = _names(named)
    return [check_file(job, kept) for job in jobs]


def _check_files_pickled(jobs: list[Job], named: str) -> list[Pickled]:
    """`_check_files` for the cache: what each check saw and its result, pickled here as
    the cache keeps them (the main process only writes them)."""
    kept = _names(named)
    done = []
    for job in jobs:
        result = check_file(job, kept)
        observed, result.observed = result.observed, ()
        done.append(pickled_entry(observed, result))
    return done


@functools.lru_cache(maxsize=1)
def _names(named: str) -> frozenset[str]:
    """(The same names come with chunk after chunk.)"""
    return frozenset(named.split("\n")) if named else frozenset()


def _submit(pool: ProcessPoolExecutor, work: Callable[..., Any], *args: Any) -> Future[Any]:
    """`pool.submit`, with Ctrl-C and SIGTERM held until it is done: the pool starts its
    processes and its thread there. Raised in the middle, they left a thread that never
    ran for the shutdown to join (RuntimeError) and a worker the exit waited for; raised
    in a hook a fork runs (logging's), Python drops them."""
    with _signals_held():
        return pool.submit(work, *args)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM noted instead of acted on, then acted on as their handlers would
    (only the main thread sets handlers: elsewhere nothing is held). A process forked
    meanwhile acts as a worker does: it ignores Ctrl-C and ends on SIGTERM."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    holder, held = os.getpid(), []

    def hold(signum: int, frame: object) -> None:
        if os.getpid() == holder:
            held.append(signum)
        elif signum == signal.SIGTERM:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    handlers = {
        number: handler
        for number in (signal.SIGINT, signal.SIGTERM)
        if (handler := signal.getsignal(number)) is not None  # (None: not set from Python)
    }
    for number in handlers:
        signal.signal(number, hold)
    try:
        yield
    finally:  # (a stop held outranks what the submission raised)
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for signum in held[:1]:
            handler = handlers[signal.Signals(signum)]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


def _result(pool: ProcessPoolExecutor, future: Future[Any]) -> Any:
    """The future's result. A worker that dies halfway through sending its results wedges
    the pool, which never notices: its thread waits for the rest of the message, the other
    workers for the pipe's lock. So a dead worker seen while waiting stops the pool, which
    then fails the future as broken (BrokenProcessPool), as after any worker that dies."""
    while True:
        try:
            return future.result(timeout=_LOOK_SECONDS)
        except NotYet:
            if any(process.exitcode is not None for process in _workers(pool)):
                _stop_workers(pool)


def _workers(pool: ProcessPoolExecutor) -> list[Any]:
    """The pool's processes (Python 3.14 has `terminate_workers`; before it, they are
    reachable only through the pool's `_processes`)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers now, and wait until the pool has noticed. No future may be
    cancelled before: a pool that finds its workers gone fails its futures, and before
    Python 3.12 it breaks on a cancelled one.

    A worker ended while it sends its results leaves half a message in the results pipe,
    and the pool's thread would wait for the rest forever (the shutdown with it): this
    process holds the pipe's writing end too. With that copy closed, the pipe ends once
    the workers are gone, and the thread reads the end instead.
    """
    for process in _workers(pool):
        process.terminate()
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()
    pool.shutdown(wait=True)


def _worker_setup() -> None:
    """Workers leave Ctrl-C to the main process (which stops the run), end on SIGTERM,
    end with the main process however it ends, and check files without the cyclic
    garbage collector."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent()
    gc.disable()


def _end_with_parent() -> None:
    """Ask Linux to send SIGTERM when the main process dies, even by SIGKILL
    (`prctl(PR_SET_PDEATHSIG)`); elsewhere there is no such request."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the main process died before the request was made
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _alone(job: Job) -> FileResult:
    """Check one file in a process of its own, to tell whether it is what kills workers."""

    with ProcessPoolExecutor(max_workers=1, initializer=_worker_setup) as pool:
        try:
            return _result(pool, _submit(pool, check_file, job))
        except BrokenProcessPool:
            finding = Finding(
                INTERNAL_ERROR,
                "the process checking this file died (killed, out of memory, or a crash); "
                "the other files were checked",
                hint=f"please report it at {ISSUES_URL} with the file",
                span=Span(1, 1, 1, 2),
            )
            return FileResult(FileReport(job.name, [], [file_diagnostic(job.name, finding)]))
