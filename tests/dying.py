"""A `check_file` whose worker process dies on one file, for tests/test_faults.py.

It lives in a module of its own so that worker processes can find it by name.
"""

from __future__ import annotations

import os
from typing import Any

KILLER = "HYDRO_TEST_KILLER_FILE"
PARENT = "HYDRO_TEST_PARENT_PID"
check_file: Any = None  # the real one, set by the test


def check_file_or_die(job: Any, *args: Any) -> Any:
    if job.name.endswith(os.environ[KILLER]) and os.getpid() != int(os.environ[PARENT]):
        os._exit(9)  # what a crash in a C library or the out-of-memory killer does
    return check_file(job, *args)
