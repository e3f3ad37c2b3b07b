"""`check_file`s whose worker process dies, or stalls, on one file, for tests/test_faults.py.

It lives in a module of its own so that worker processes can find it by name.
"""

from __future__ import annotations

import os
import struct
import sys
import time
from pathlib import Path
from typing import Any

KILLER = "HYDRO_TEST_KILLER_FILE"
PARENT = "HYDRO_TEST_PARENT_PID"
check_file: Any = None  # the real one, set by the test


def check_file_or_die(job: Any, *args: Any) -> Any:
    if job.name.endswith(os.environ[KILLER]) and os.getpid() != int(os.environ[PARENT]):
        os._exit(9)  # what a crash in a C library or the out-of-memory killer does
    return check_file(job, *args)


STALLED = "HYDRO_TEST_STALLED_MARKER"


def check_file_or_stall(job: Any, *args: Any) -> Any:
    """On the killer file, a worker starts sending a result and stops halfway (as a worker
    ended while it sends does), then says so by creating the marker file, and waits."""
    if job.name.endswith(os.environ[KILLER]) and os.getpid() != int(os.environ[PARENT]):
        _half_a_message()
        Path(os.environ[STALLED]).touch()
        time.sleep(600)
    return check_file(job, *args)


def check_file_or_die_sending(job: Any, *args: Any) -> Any:
    """On the killer file, a worker dies halfway through sending a result (as one the
    out-of-memory killer ends then)."""
    if job.name.endswith(os.environ[KILLER]) and os.getpid() != int(os.environ[PARENT]):
        _half_a_message()
        os._exit(9)
    return check_file(job, *args)


def _half_a_message() -> None:
    """Write the start of a message to the pool's results pipe, holding its lock as a
    sending worker does (and never letting it go)."""
    frame = sys._getframe()
    while frame.f_code.co_name != "_process_worker":
        frame = frame.f_back  # type: ignore[assignment]
    results = frame.f_locals["result_queue"]
    results._wlock.acquire()
    os.write(results._writer.fileno(), struct.pack("!i", 1 << 20) + b"half a message")


def read_contracts_or_die_sending(request: Any) -> Any:
    """`check_file_or_die_sending` for the contracts read again in the workers."""
    if request[0].endswith(os.environ[KILLER]) and os.getpid() != int(os.environ[PARENT]):
        _half_a_message()
        os._exit(9)
    return read_contracts(request)


read_contracts: Any = None  # the real one, set by the test
