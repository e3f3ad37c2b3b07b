"""What is checked besides the manifest's own text (shared by the API, config and CLI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Manifests are kilobytes; a file of many megabytes is generated or not a manifest.
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
#: pip resolves most requirements in seconds; a big set from a slow index takes a minute.
DEFAULT_RESOLVE_TIMEOUT = 120.0
#: Told (done, in all) as a run goes: the files checked, the requirements resolved.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Options:
    """What is checked besides the manifest's own text.

    `file_checks`: payload entries and local training data, relative to the manifest's
    folder. `remote`: `s3://` training data, asked of S3 (or `s3_endpoint_url`), and each
    Model's requirements resolved by pip for its image (from the container's index, or
    `index_url`; each within `resolve_timeout` seconds).
    `max_file_size`: larger files are reported (HY014), not read. `layout`: also record
    each Model's container as its payload fills it (what `hydro resolve` shows). `root`:
    the repository root, outside of which no file is opened (by default the nearest folder
    above each manifest that holds `.git`, else the folder given to lint or the manifest's
    own folder; `hydro_manifest.root`). `references`: each file's report lists what its
    manifests point at and what that resolved to (`FileReport.references`, what `hydro
    resolve` shows); the findings about them come either way (`hydro lint`, which prints
    findings only, leaves the list out of a large tree's memory). `cache`: a lint reuses
    the last run's result of a file whose checks would see the disk as they did
    (`hydro_manifest.cache`), and keeps this run's.
    """

    file_checks: bool = True
    remote: bool = False
    s3_endpoint_url: str | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    layout: bool = False
    root: str | None = None
    index_url: str | None = None
    resolve_timeout: float = DEFAULT_RESOLVE_TIMEOUT
    references: bool = True
    cache: bool = False
