"""What a package index lists for a project, and what a file of it holds, asked over HTTP
for `--remote` when pip's answer needs explaining (no release at all: is the project
missing, the index down, or only source releases there?) and for the import names of the
wheels pip resolved.

The index speaks the simple repository API (PEP 503 HTML, PEP 691 JSON). Nothing fetched
is run or unpacked: an sdist is read as an archive in memory, a wheel's file list from its
zip directory (an HTTP range of its end where the server allows it).
"""

from __future__ import annotations

import ast
import base64
import io
import json
import tarfile
import urllib.error
import urllib.request
import zipfile
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from packaging.utils import canonicalize_name

from .python_grammar import syntax_tree

#: A project page is kilobytes to a few megabytes (numpy's lists thousands of files).
PAGE_LIMIT = 16 * 1024 * 1024
#: An sdist read for C sources, and a wheel read whole where ranges are refused.
ARCHIVE_LIMIT = 64 * 1024 * 1024
#: The end of a wheel asked first: its zip directory is almost always within it.
_TAIL = 256 * 1024
_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.2"
#: Sources a compiler builds: an sdist holding them needs one to install.
COMPILED = (".c", ".cc", ".cpp", ".cxx", ".pyx", ".f", ".f90", ".rs", ".cu")
#: Names in setup.py that declare a compiled extension.
_EXTENSIONS = {"Extension", "ext_modules", "cythonize", "Pybind11Extension", "CMakeExtension"}


class File(NamedTuple):
    """A file the index lists for a project."""

    filename: str
    url: str
    requires_python: str | None


class Unreachable(NamedTuple):
    """Why the index could not be asked (network, timeout, refused credentials)."""

    reason: str


def project_files(index: str, project: str, timeout: float) -> list[File] | Unreachable | None:
    """The files `index` lists for `project`; None when the index has no such project."""
    url = urljoin(index.rstrip("/") + "/", canonicalize_name(project) + "/")
    try:
        body, content_type, final = _get(url, timeout, PAGE_LIMIT, accept=_ACCEPT)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        return Unreachable(f"the index answered {error.code} {error.reason}")
    except (OSError, ValueError) as error:
        return Unreachable(_why(error))
    if "json" in content_type:
        try:
            data = json.loads(body)
            return [
                File(
                    str(item["filename"]),
                    urljoin(final, str(item["url"])),
                    item.get("requires-python"),
                )
                for item in data.get("files", [])
            ]
        except (ValueError, KeyError, TypeError, AttributeError):
            return Unreachable("the index's answer is not the simple API's JSON")
    links = _Links()
    links.feed(body.decode("utf-8", "replace"))
    return [File(name, urljoin(final, href), requires) for name, href, requires in links.found]


def compiled_sources(url: str, timeout: float) -> list[str] | Unreachable:
    """The compiled-language sources an sdist ships, and setup.py if it declares an
    extension; read in memory, never unpacked or run."""
    try:
        body, _, _ = _get(url, timeout, ARCHIVE_LIMIT)
    except (OSError, ValueError) as error:
        return Unreachable(_why(error))
    names: list[str] = []
    setup: bytes | None = None
    try:
        if url.split("#")[0].endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                names = archive.namelist()
                top = [n for n in names if n.count("/") == 1 and n.endswith("/setup.py")]
                setup = archive.read(top[0]) if top else None
        else:
            with tarfile.open(fileobj=io.BytesIO(body), mode="r:*") as archive:
                for member in archive:
                    names.append(member.name)
                    if (
                        member.isfile()
                        and member.name.count("/") == 1
                        and (member.name.endswith("/setup.py"))
                    ):
                        read = archive.extractfile(member)
                        setup = read.read(1024 * 1024) if read is not None else None
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as error:
        return Unreachable(f"the sdist cannot be read: {error}")
    found = [name for name in names if name.lower().endswith(COMPILED)]
    if setup is not None and _declares_extension(setup):
        found.insert(0, names[0].split("/")[0] + "/setup.py")
    return found


def _declares_extension(source: bytes) -> bool:
    try:
        tree = syntax_tree(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(
        (isinstance(node, ast.Name) and node.id in _EXTENSIONS)
        or (isinstance(node, ast.keyword) and node.arg in _EXTENSIONS)
        or (isinstance(node, ast.Attribute) and node.attr in _EXTENSIONS)
        for node in ast.walk(tree)
    )


def wheel_modules(url: str, timeout: float) -> frozenset[str] | Unreachable:
    """The top-level modules and packages a wheel installs, from its zip directory: the
    end of the file is asked for first, the whole file only where ranges are refused."""
    try:
        body, _, _ = _get(url, timeout, _TAIL, ranged=True)
        if len(body) >= _TAIL:  # a range: the directory may start before it
            names = _names_in_tail(body)
            if names is None:
                body, _, _ = _get(url, timeout, ARCHIVE_LIMIT)
                names = _names(body)
        else:
            names = _names(body)
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        return Unreachable(_why(error))
    modules = set()
    for name in names:
        first = name.split("/")[0]
        if first.endswith((".dist-info", ".data")) or not first:
            continue
        if "/" in name:
            modules.add(first)
        elif first.endswith((".py", ".so", ".pyd", ".pyc")):
            modules.add(first.split(".")[0])
    return frozenset(modules)


def _names(body: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return archive.namelist()


def _names_in_tail(tail: bytes) -> list[str] | None:
    """The names in a zip's central directory when all of it lies in `tail`, the end of
    the file (None: it starts earlier)."""
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        return None
    size = int.from_bytes(tail[end + 12 : end + 16], "little")
    if size + 22 > end + 22 or size == 0xFFFFFFFF:
        return None  # not within the tail, or zip64
    directory = tail[end - size : end]
    names, position = [], 0
    while position + 46 <= len(directory) and directory[position : position + 4] == b"PK\x01\x02":
        length = int.from_bytes(directory[position + 28 : position + 30], "little")
        extra = int.from_bytes(directory[position + 30 : position + 32], "little")
        comment = int.from_bytes(directory[position + 32 : position + 34], "little")
        names.append(directory[position + 46 : position + 46 + length].decode("utf-8", "replace"))
        position += 46 + length + extra + comment
    return names


def _get(
    url: str, timeout: float, limit: int, *, accept: str = "*/*", ranged: bool = False
) -> tuple[bytes, str, str]:
    """A GET of `url` (its credentials sent as basic authentication, not in the address):
    the body up to `limit` bytes, its content type, and the address it came from."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"hydro asks indexes over http(s) only, not {parts.scheme}:")
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    request = urllib.request.Request(
        urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")),
        headers={"Accept": accept, "User-Agent": "hydro (package index check)"},
    )
    if parts.username:
        secret = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        request.add_header("Authorization", "Basic " + base64.b64encode(secret.encode()).decode())
    if ranged:
        request.add_header("Range", f"bytes=-{limit}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read(limit + 1)
        if len(body) > limit and not (ranged and response.status == 206):
            if ranged:  # the whole file came: read it within the archive limit
                body += response.read(ARCHIVE_LIMIT - len(body) + 1)
                if len(body) > ARCHIVE_LIMIT:
                    raise ValueError("the file is larger than hydro reads")
                return body, response.headers.get("Content-Type", ""), response.url
            raise ValueError("the answer is larger than hydro reads")
        return body, response.headers.get("Content-Type", ""), response.url


def _why(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"the index answered {error.code} {error.reason}"
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "the index did not answer in time"
    return f"the index could not be reached ({reason})"


class _Links(HTMLParser):
    """The anchors of a PEP 503 page: file name, address, `data-requires-python`."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []
        self._open: tuple[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            values = dict(attrs)
            href = values.get("href")
            if href:
                self._open = (href, values.get("data-requires-python"))
                self._text = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            href, requires = self._open
            name = "".join(self._text).strip() or unquote(href.split("#")[0].rsplit("/", 1)[-1])
            self.found.append((name, href, requires))
            self._open = None
