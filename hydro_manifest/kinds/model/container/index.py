"""Package indexes: whether pip, in the image build, can use the one it is given.

An index comes from pip.conf (`index-url`, `extra-index-url`), a requirements file
(`--index-url`, `--extra-index-url`), the install command's options (`-i`) or its
environment (`PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`). pip ignores a plain `http://` index
whose host is not trusted (`PipSession.is_secure_origin`), but takes `localhost`,
`127.0.0.0/8` and `::1` as secure (`SECURE_ORIGINS`); there the problem is another one:
the build runs in a container of its own, whose loopback serves no packages.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import urlsplit

from ....redaction import redact
from ....rules import Rule
from .rules import PIP_INSECURE_INDEX, PIP_LOOPBACK_INDEX


class Problem(NamedTuple):
    rule: Rule
    message: str
    hint: str


def trusted_hosts(text: str) -> set[str]:
    """Hosts listed for `trusted-host` (pip splits the value on blanks)."""
    return {host for host in re.split(r"[\s,]+", text) if host}


def index_problem(
    url: str, trusted: Iterable[str], where: str = "trusted-host = "
) -> Problem | None:
    """What keeps pip in the build from using the index `url`, if anything. `where` is how
    to trust a host in the file the index is written in."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number: pip cannot use it either
        return None
    if host is None:
        return None
    shown = redact(url)
    if _is_loopback(host):
        return Problem(
            PIP_LOOPBACK_INDEX,
            f"the index {shown} is on this machine's loopback address: the image build runs in "
            "a container of its own, where nothing may serve packages at that address",
            "give the index's address on the network the manager's Docker daemon reaches",
        )
    names = {host, f"{host}:{port}"} if port else {host}
    if parts.scheme != "http" or names & set(trusted):
        return None
    return Problem(
        PIP_INSECURE_INDEX,
        f"pip ignores the index {shown}: it is plain http and {host} is not a trusted host",
        f"use https, or add `{where}{host}`",
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
