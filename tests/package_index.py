"""A package index on loopback for `--remote`'s tests: a PEP 503 folder of wheels and
sdists built here (no build backend: a wheel is a zip with its dist-info, an sdist a
tar.gz with PKG-INFO and setup.py), served by http.server in a thread, which counts the
requests it answers and may ask for basic authentication."""

from __future__ import annotations

import base64
import html
import io
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Index:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.simple = folder / "simple"
        self.simple.mkdir(parents=True, exist_ok=True)
        self.requests = 0
        self.url = ""
        self.credentials: str | None = None  # "user:password" the server asks for

    def wheel(
        self,
        name: str,
        version: str,
        requires: tuple[str, ...] = (),
        *,
        python: str | None = None,
        tag: str = "py3-none-any",
        modules: tuple[str, ...] | None = None,
    ) -> None:
        """A wheel installing `modules` (by default the project's name as a package)."""
        dist = f"{name.replace('-', '_')}-{version}"
        metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
        metadata += f"Requires-Python: {python}\n" if python else ""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for module in modules or (name.replace("-", "_"),):
                archive.writestr(f"{module}/__init__.py", "")
            archive.writestr(f"{dist}.dist-info/METADATA", metadata)
            archive.writestr(f"{dist}.dist-info/WHEEL", f"Wheel-Version: 1.0\nTag: {tag}\n")
            archive.writestr(f"{dist}.dist-info/RECORD", "")
        self._add(name, f"{dist}-{tag}.whl", buffer.getvalue(), python)

    def sdist(self, name: str, version: str, files: dict[str, str]) -> None:
        buffer = io.BytesIO()
        contents = {"PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"}
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for path, text in {**contents, **files}.items():
                data = text.encode()
                member = tarfile.TarInfo(f"{name}-{version}/{path}")
                member.size = len(data)
                archive.addfile(member, io.BytesIO(data))
        self._add(name, f"{name}-{version}.tar.gz", buffer.getvalue(), None)

    def _add(self, name: str, filename: str, data: bytes, python: str | None) -> None:
        project = self.simple / name
        project.mkdir(exist_ok=True)
        (project / filename).write_bytes(data)
        links = project / "links.txt"
        line = f"{filename}\t{python or ''}\n"
        links.write_text((links.read_text() if links.exists() else "") + line)
        anchors = []
        for entry in links.read_text().splitlines():
            file, _, requires = entry.partition("\t")
            attribute = f' data-requires-python="{html.escape(requires)}"' if requires else ""
            anchors.append(f'<a href="{file}"{attribute}>{file}</a><br>')
        (project / "index.html").write_text("<html><body>" + "".join(anchors) + "</body></html>")


class _Handler(SimpleHTTPRequestHandler):
    index: Index

    def do_GET(self) -> None:
        self.index.requests += 1
        if self.index.credentials is not None:
            expected = "Basic " + base64.b64encode(self.index.credentials.encode()).decode()
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="index"')
                self.end_headers()
                return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[Index]:
    index = Index(folder)
    handler = type("Handler", (_Handler,), {"index": index})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    index.url = f"http://127.0.0.1:{server.server_address[1]}/simple/"
    try:
        yield index
    finally:
        server.shutdown()
        server.server_close()
