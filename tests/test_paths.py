"""Paths hydro joins as text, for speed, name files as pathlib would: a report shows them."""

from __future__ import annotations

import itertools
import os
from pathlib import Path, PurePath

import pytest

from hydro_manifest.api import _folder_of
from hydro_manifest.kinds.model.container.layout import on_disk

FOLDERS = ["/a/b", "/", "/a/b/", "//a", "/a/.b", "/a//b"]
RELATIVE = [
    "src/", "src", "./src", "../x.pkl", "/etc/x", "a//b", ".hidden", "", "a/./b/", "//x",
    "a\\b", "..", ".", "src/func_main.py", "a/b//", "/", "//", "./", "x/.", "x/..", "///",
]  # fmt: skip


@pytest.mark.parametrize(("folder", "relative"), list(itertools.product(FOLDERS, RELATIVE)))
def test_a_payload_file_is_where_pathlib_puts_it(folder: str, relative: str) -> None:
    assert on_disk(folder, relative) == str(PurePath(folder) / relative)


@pytest.mark.parametrize(
    "name",
    ["", "x.yaml", "a/b.yaml", "../x.yaml", "/a/x.yaml", "/x.yaml", "./x.yaml", "a//b.yaml",
     "a/../b.yaml", "a/./b.yaml", "a/b/", "..", ".", "/", "a/.", "a/..", ".hidden", "//x"],
)  # fmt: skip
@pytest.mark.parametrize("working", ["/", "/tmp"])
def test_a_manifest_folder_is_where_pathlib_puts_it(
    name: str, working: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(working)
    assert _folder_of(name) == str(Path(name).absolute().parent)
    assert os.getcwd() == working
