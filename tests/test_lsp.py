"""`hydro lsp` end to end: the real server over stdio, driven by a real client (pytest-lsp).

Each test starts the server on a workspace of real files (a Model with its payload, an
Application of it, a DeploymentConfiguration), opens and edits buffers as an editor does,
and reads what the server publishes and answers.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402

SCORER = """\
kind: Model
name: scorer
runtime: hydrosphere/serving-runtime-python-3.7:3.0.0
payload:
  - src/
  - requirements.txt
install-command: pip install -r requirements.txt
contract:
  name: predict
  inputs:
    age:
      shape: scalar
      type: flaot32
      profile: numerical
  outputs:
    score:
      shape: []
      type: double
      profile: numerical
"""
FUNC_MAIN = "def predict(age):\n    return {'score': age}\n"
APPLICATION = """\
kind: Application
name: scoring
pipeline:
  - - model: census:1
  - - model: missing:1
      deployment-config: small
"""
CONFIGURATION = """\
kind: DeploymentConfiguration
name: small
hpa:
  minReplicas: 1
  maxReplicas: 2
  cpuUtilization: 70
"""


def make_workspace(root: Path) -> Path:
    """models/census (the bundled example with its files), models/scorer (payload only),
    apps/scoring.yaml and configs/small.yaml."""
    shutil.copytree(EXAMPLES / "census", root / "models" / "census")
    scorer = root / "models" / "scorer"
    (scorer / "src").mkdir(parents=True)
    (scorer / "src" / "func_main.py").write_text(FUNC_MAIN)
    (scorer / "requirements.txt").write_text("numpy==1.26.4\n")
    (root / "apps").mkdir()
    (root / "apps" / "scoring.yaml").write_text(APPLICATION)
    (root / "configs").mkdir()
    (root / "configs" / "small.yaml").write_text(CONFIGURATION)
    return root


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "hydro_manifest", "lsp"])
)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest):
    root = make_workspace(request.getfixturevalue("tmp_path"))
    lsp_client.workspace_root = root  # type: ignore[attr-defined]
    registered: list[lsp.Registration] = []
    lsp_client.registered = registered  # type: ignore[attr-defined]

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:  # as editors do: accepted
        registered.extend(params.registrations)

    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(root.as_uri(), "workspace")],
        )
    )
    yield
    await lsp_client.shutdown_session()


# ------------------------------------------------------------------ helpers


def root_of(client: LanguageClient) -> Path:
    return client.workspace_root  # type: ignore[attr-defined,no-any-return]


async def published(
    client: LanguageClient,
    uri: str,
    until: Callable[[Sequence[lsp.Diagnostic]], bool] = lambda found: True,
    timeout: float = 20,
) -> Sequence[lsp.Diagnostic]:
    """The diagnostics of `uri` once the server has published some that satisfy `until`."""

    async def wait() -> Sequence[lsp.Diagnostic]:
        while not (uri in client.diagnostics and until(client.diagnostics[uri])):
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]

    return await asyncio.wait_for(wait(), timeout)


async def indexed(client: LanguageClient, timeout: float = 20) -> None:
    """Wait until the server says it has checked the workspace's manifests."""

    async def wait() -> None:
        while not any("manifests of the workspace" in m.message for m in client.log_messages):
            await client.wait_for_notification(lsp.WINDOW_LOG_MESSAGE)

    await asyncio.wait_for(wait(), timeout)


def rules(found: Sequence[lsp.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in found)


def open_buffer(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "yaml", version, text))
    )
    return uri


def replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [lsp.TextDocumentContentChangeWholeDocument(text)],
        )
    )


def edits_of(action: lsp.CodeAction, uri: str) -> list[lsp.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    return list(action.edit.changes[uri])


def span(line: int, character: int, end_line: int, end_character: int) -> lsp.Range:
    return lsp.Range(lsp.Position(line, character), lsp.Position(end_line, end_character))


def apply(text: str, edits: Sequence[lsp.TextEdit]) -> str:
    """The text with the edits applied (positions in UTF-16 units; these texts are ASCII)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[min(edit.range.end.line, len(lines))] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text


# ------------------------------------------------------------------ diagnostics


async def test_diagnostics_on_open_and_as_the_buffer_changes(client: LanguageClient):
    path = root_of(client) / "models" / "scorer" / "serving.yaml"
    uri = open_buffer(client, path, SCORER)
    found = await published(client, uri, lambda d: len(d) == 2)
    assert rules(found) == ["HY308", "HY309"]
    unknown = next(d for d in found if d.code == "HY309")
    assert unknown.range == span(12, 12, 12, 19)
    assert unknown.severity == lsp.DiagnosticSeverity.Error
    assert unknown.source == "hydro"
    assert "did you mean 'float32'?" in unknown.message
    assert unknown.code_description is not None
    assert unknown.code_description.href.endswith("#rules")

    replace_all(client, uri, SCORER.replace("flaot32", "float32"), 2)
    found = await published(client, uri, lambda d: rules(d) == ["HY308"])
    assert found[0].range == span(16, 13, 16, 15)
    assert found[0].severity == lsp.DiagnosticSeverity.Warning

    replace_all(client, uri, SCORER.replace("flaot32", "float32").replace("[]", "scalar"), 3)
    assert list(await published(client, uri, lambda d: not d)) == []


async def test_positions_are_in_the_editors_units(client: LanguageClient):
    """UTF-16 code units by default: a character beyond the BMP counts twice."""
    path = root_of(client) / "models" / "scorer" / "serving.yaml"
    line = 'metadata: {note: "\U0001f642", team: yes}'
    uri = open_buffer(client, path, SCORER.replace("flaot32", "float32") + line + "\n")
    found = await published(client, uri, lambda d: "HY015" in rules(d))
    boolean = next(d for d in found if d.code == "HY015")
    characters = line.index("yes")
    assert boolean.range == span(19, characters + 1, 19, characters + 4)


async def test_broken_yaml_is_a_finding_and_the_server_keeps_serving(client: LanguageClient):
    path = root_of(client) / "models" / "scorer" / "serving.yaml"
    uri = open_buffer(client, path, "kind: Model\nname: [unclosed\n")
    found = await published(client, uri, lambda d: bool(d))
    assert rules(found) == ["HY001"]
    assert found[0].range.start.line == 2

    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(0, 2))
    )
    assert hover is None or "HY001" in str(hover.contents)  # an answer, not a crash
    replace_all(client, uri, SCORER, 2)
    assert rules(await published(client, uri, lambda d: len(d) == 2)) == ["HY308", "HY309"]


async def test_a_file_too_large_is_a_finding(client: LanguageClient):
    (root_of(client) / "big").mkdir()
    (root_of(client) / "big" / ".hydro.yaml").write_text("max-file-size: 0.001\n")  # 1 KiB
    big = root_of(client) / "big" / "big.yaml"
    text = "kind: Model\nname: big\n" + "".join(f"# {n:080}\n" for n in range(40))
    uri = open_buffer(client, big, text)
    found = await published(client, uri, lambda d: bool(d))
    assert rules(found) == ["HY014"]
    symbols = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(uri))
    )
    assert symbols == []  # not parsed: still answering, with nothing
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(0, 1))
    )
    assert hover is None


async def test_workspace_is_checked_across_documents_without_opening_it(client: LanguageClient):
    app = (root_of(client) / "apps" / "scoring.yaml").as_uri()
    await indexed(client)
    found = client.diagnostics[app]
    assert rules(found) == ["HY601"]
    assert found[0].range == span(4, 13, 4, 22)  # missing:1
    assert "no Model named 'missing'" in found[0].message

    # a new buffer defining the missing Model (taking what census gives): the
    # Application's finding goes away
    model = root_of(client) / "models" / "missing.yaml"
    text = (
        SCORER.replace("name: scorer", "name: missing")
        .replace("    age:", "    income:")
        .replace(
            "type: flaot32\n      profile: numerical", "type: string\n      profile: categorical"
        )
    )
    open_buffer(client, model, text)
    assert list(await published(client, app, lambda d: not d)) == []


async def test_related_places_of_a_duplicate_key_and_a_pipeline_mismatch(
    client: LanguageClient,
):
    path = root_of(client) / "models" / "scorer" / "serving.yaml"
    uri = open_buffer(client, path, SCORER.replace("name: scorer", "name: scorer\nname: again"))
    found = await published(client, uri, lambda d: len(d) == 3)
    duplicate = next(d for d in found if "duplicate key `name`" in d.message)
    assert duplicate.range.start.line == 2
    assert list(duplicate.related_information or ()) == [
        lsp.DiagnosticRelatedInformation(
            lsp.Location(uri, span(1, 0, 1, 4)), "`name` first set here"
        )
    ]

    await indexed(client)
    model = root_of(client) / "models" / "missing.yaml"
    open_buffer(client, model, SCORER.replace("name: scorer", "name: missing"))
    app = (root_of(client) / "apps" / "scoring.yaml").as_uri()
    found = await published(client, app, lambda d: rules(d) == ["HY603"])
    census = (root_of(client) / "models" / "census" / "serving.yaml").as_uri()
    assert list(found[0].related_information or ()) == [
        lsp.DiagnosticRelatedInformation(
            lsp.Location(app, span(3, 13, 3, 21)), "stage 1: 'census'"
        ),
        lsp.DiagnosticRelatedInformation(
            lsp.Location(census, span(2, 6, 2, 12)), "Model 'census' is defined here"
        ),
    ]


async def test_files_changed_outside_the_editor_are_checked_again(client: LanguageClient):
    await indexed(client)
    (watching,) = client.registered  # type: ignore[attr-defined]
    assert watching.method == "workspace/didChangeWatchedFiles"
    created = root_of(client) / "apps" / "pulled.yaml"
    created.write_text("kind: Application\nname: pulled\nsingular:\n  model: nowhere:1\n")
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(created.as_uri(), lsp.FileChangeType.Created)]
        )
    )
    found = await published(client, created.as_uri(), lambda d: bool(d))
    assert rules(found) == ["HY601"]

    created.unlink()
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(created.as_uri(), lsp.FileChangeType.Deleted)]
        )
    )
    assert list(await published(client, created.as_uri(), lambda d: not d)) == []


async def test_workspace_folders_added_and_removed(client: LanguageClient, tmp_path_factory):
    await indexed(client)
    other = tmp_path_factory.mktemp("other")
    (other / "app.yaml").write_text(APPLICATION.replace("name: scoring", "name: second"))
    folder = lsp.WorkspaceFolder(other.as_uri(), "other")
    client.workspace_did_change_workspace_folders(
        lsp.DidChangeWorkspaceFoldersParams(lsp.WorkspaceFoldersChangeEvent([folder], []))
    )
    found = await published(client, (other / "app.yaml").as_uri(), lambda d: bool(d))
    assert rules(found) == ["HY601"]  # census:1 is found in the first folder

    client.workspace_did_change_workspace_folders(
        lsp.DidChangeWorkspaceFoldersParams(lsp.WorkspaceFoldersChangeEvent([], [folder]))
    )
    assert list(await published(client, (other / "app.yaml").as_uri(), lambda d: not d)) == []


async def test_payload_file_findings_go_to_that_file(client: LanguageClient):
    func_main = root_of(client) / "models" / "scorer" / "src" / "func_main.py"
    func_main.write_text("def predict(age, extra):\n    return {'score': age}\n")
    path = root_of(client) / "models" / "scorer" / "serving.yaml"
    open_buffer(client, path, SCORER.replace("flaot32", "float32"))
    found = await published(client, func_main.as_uri(), lambda d: bool(d))
    assert "HY812" in rules(found)
    assert found[0].range.start.line == 0


# ------------------------------------------------------------------ code actions


async def test_quick_fix_ignore_comment_and_fix_all(client: LanguageClient):
    path = root_of(client) / "models" / "scorer" / "serving.yaml"
    uri = open_buffer(client, path, SCORER)
    found = await published(client, uri, lambda d: len(d) == 2)
    unknown = next(d for d in found if d.code == "HY309")

    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri), unknown.range, lsp.CodeActionContext([unknown])
        )
    )
    by_title = {a.title: a for a in actions or [] if isinstance(a, lsp.CodeAction)}
    assert sorted(by_title) == [
        "Fix HY309: " + unknown.message[:109],
        "Fix all safe hydro fixes in the file",
        "Ignore HY309 on this line",
    ]
    fix = by_title["Fix HY309: " + unknown.message[:109]]
    assert fix.is_preferred is False  # HY309's fix is unsafe
    assert apply(SCORER, edits_of(fix, uri)) == SCORER.replace("flaot32", "float32")
    ignored = apply(SCORER, edits_of(by_title["Ignore HY309 on this line"], uri))
    assert "      type: flaot32  # hydro: ignore[HY309]\n" in ignored
    fix_all = by_title["Fix all safe hydro fixes in the file"]
    assert fix_all.kind == "source.fixAll.hydro"
    assert apply(SCORER, edits_of(fix_all, uri)) == SCORER.replace("[]", "scalar")  # safe only

    replace_all(client, uri, ignored, 2)
    assert rules(await published(client, uri, lambda d: len(d) == 1)) == ["HY308"]


async def test_ignore_comment_on_a_block_text_goes_after_its_indicator(client: LanguageClient):
    path = root_of(client) / "models" / "scorer" / "serving.yaml"
    text = SCORER.replace(
        "install-command: pip install -r requirements.txt",
        "install-command: |\n  pip install -r requirements.txt\n  pip install -r missing.txt",
    ).replace("flaot32", "float32")
    uri = open_buffer(client, path, text)
    found = await published(client, uri, lambda d: "HY802" in rules(d))
    missing = next(d for d in found if d.code == "HY802")
    assert missing.range == span(6, 17, 9, 0)  # the whole text, from its `|`
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri),
            missing.range,
            lsp.CodeActionContext([missing], only=[lsp.CodeActionKind.QuickFix]),
        )
    )
    assert [a.title for a in actions or [] if isinstance(a, lsp.CodeAction)] == [
        "Ignore HY802 on this line"
    ]
    assert isinstance(actions[0], lsp.CodeAction)
    ignored = apply(text, edits_of(actions[0], uri))
    assert "install-command: |  # hydro: ignore[HY802]\n  pip install" in ignored
    replace_all(client, uri, ignored, 2)
    assert "HY802" not in rules(await published(client, uri, lambda d: "HY802" not in rules(d)))


# ------------------------------------------------------------------ hover, completion, navigation


async def test_hover_on_a_key_a_value_and_a_model_reference(client: LanguageClient):
    path = root_of(client) / "models" / "scorer" / "serving.yaml"
    uri = open_buffer(client, path, SCORER)
    await published(client, uri, lambda d: len(d) == 2)

    async def hover(uri: str, line: int, character: int) -> str:
        found = await client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(line, character))
        )
        assert found is not None and isinstance(found.contents, lsp.MarkupContent)
        return found.contents.value

    on_key = await hover(uri, 11, 7)  # shape
    assert on_key.startswith("**`shape`**: `scalar`, or a list of dimensions")
    on_value = await hover(uri, 17, 13)  # double
    assert "64-bit double-precision floating-point" in on_value
    on_error = await hover(uri, 12, 14)  # flaot32
    assert "**HY309 unknown-type** (error)" in on_error

    await indexed(client)
    app = open_buffer(client, root_of(client) / "apps" / "scoring.yaml", APPLICATION)
    await published(client, app, lambda d: rules(d) == ["HY601"])
    reference = await hover(app, 3, 15)  # census:1
    assert "**Model `census`**" in reference
    assert "| in | `age` | int64 | scalar | numerical |" in reference
    assert "| out | `income` | string | scalar | categorical |" in reference


async def test_the_configuration_applies_to_diagnostics_and_hover(client: LanguageClient):
    quiet = root_of(client) / "quiet"
    quiet.mkdir()
    config = "severity:\n  HY309: warning\nignore: [HY308]\nfile-checks: false\n"
    (quiet / ".hydro.yaml").write_text(config)
    uri = open_buffer(client, quiet / "serving.yaml", SCORER)
    found = await published(client, uri, lambda d: "HY309" in rules(d))
    assert rules(found) == ["HY309"]  # HY308 ignored
    assert found[0].severity == lsp.DiagnosticSeverity.Warning
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(12, 14))
    )
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "**HY309 unknown-type** (warning)" in hover.contents.value


async def test_completion_of_keys_values_and_model_names(client: LanguageClient):
    path = root_of(client) / "models" / "scorer" / "serving.yaml"
    text = SCORER.replace("      profile: numerical\n  outputs", "      pro\n  outputs", 1)
    uri = open_buffer(client, path, text)

    async def labels(line: int, character: int, buffer: str) -> list[str]:
        found = await client.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(buffer), lsp.Position(line, character))
        )
        assert isinstance(found, lsp.CompletionList)
        return [item.label for item in found.items]

    assert await labels(13, 9, uri) == ["profile"]  # shape and type are written already
    clean = open_buffer(client, root_of(client) / "models" / "clean.yaml", SCORER)
    types = await labels(12, 12, clean)  # after `type: `
    assert "float32" in types and "int64" in types and "flaot32" not in types

    await indexed(client)
    unfinished = APPLICATION.replace("census:1", "")
    app = open_buffer(client, root_of(client) / "apps" / "scoring.yaml", unfinished)
    assert await labels(3, 13, app) == ["census:", "scorer:"]  # the Models of the workspace

    toleration = (
        "kind: DeploymentConfiguration\nname: t\npod:\n  tolerations:\n"
        "    - key: gpu\n      operator: \n      effect: \n"
    )
    config = open_buffer(client, root_of(client) / "configs" / "t.yaml", toleration)
    assert await labels(5, 16, config) == ["Equal", "Exists"]
    assert await labels(6, 14, config) == ["NoSchedule", "PreferNoSchedule", "NoExecute"]
    singular = "kind: Application\nname: x\nsingular:\n  model: census:1\n  \n"
    other = open_buffer(client, root_of(client) / "apps" / "other.yaml", singular)
    assert await labels(4, 2, other) == ["deployment-config"]
    top = open_buffer(client, root_of(client) / "apps" / "new.yaml", "kind: \n")
    assert await labels(0, 6, top) == ["Model", "Application", "DeploymentConfiguration"]


async def test_definition_and_document_symbols(client: LanguageClient):
    await indexed(client)
    uri = open_buffer(client, root_of(client) / "apps" / "scoring.yaml", APPLICATION)
    await published(client, uri, lambda d: rules(d) == ["HY601"])
    found = await client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(3, 15))
    )
    census = (root_of(client) / "models" / "census" / "serving.yaml").as_uri()
    assert found == lsp.Location(census, span(2, 6, 2, 12))  # name: census
    config = await client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(5, 27))
    )
    small = (root_of(client) / "configs" / "small.yaml").as_uri()
    assert config == lsp.Location(small, span(1, 6, 1, 11))

    multi = root_of(client) / "multi.yaml"
    text = (EXAMPLES / "multi-document.yaml").read_text()
    symbols = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(lsp.TextDocumentIdentifier(open_buffer(client, multi, text)))
    )
    assert symbols is not None
    assert [(s.detail, s.name) for s in symbols if isinstance(s, lsp.DocumentSymbol)] == [
        ("DeploymentConfiguration", "cpu-small"),
        ("Application", "census-app"),
    ]


# ------------------------------------------------------------------ without the protocol


def test_a_comment_is_never_offered_inside_a_text_of_several_lines() -> None:
    from hydro_manifest.lsp.features import in_multiline_text

    text = 'install-command: |\n  pip install x\n  pip install y\nname: "a\n  b"\nkind: Model\n'
    assert [in_multiline_text(text, line) for line in range(6)] == [
        False,  # the key and `|`: a comment after the indicator is a comment
        True,
        True,
        False,
        True,  # the second line of a quoted text
        False,
    ]


def test_completion_in_a_document_that_does_not_compose_is_empty() -> None:
    from hydro_manifest.lsp.features import completion
    from hydro_manifest.lsp.workspace import Workspace

    text = "kind: Model\ncontract:\n  inputs: [unclosed\n  \n"
    assert completion(text, 3, 2, Workspace([])) == []


@pytest.mark.parametrize(
    ("text", "line", "absent"),
    [
        (  # a Model with the Python spelling written
            "kind: Model\nname: m\ninstall_command: pip install x\n\n",
            3,
            "install-command",
        ),
        (  # a DeploymentConfiguration's hpa with the snake spelling written
            "kind: DeploymentConfiguration\nname: d\nhpa:\n  min_replicas: 1\n  \n",
            4,
            "minReplicas",
        ),
    ],
)
def test_completion_counts_a_key_written_in_any_accepted_spelling(
    text: str, line: int, absent: str
) -> None:
    from hydro_manifest.lsp.features import completion
    from hydro_manifest.lsp.workspace import Workspace

    column = len(text.split("\n")[line])
    offered = [choice.label for choice in completion(text, line, column, Workspace([]))]
    assert offered, "other keys are still offered"
    assert absent not in offered


def test_without_the_lsp_extra_the_command_says_what_to_install() -> None:
    import subprocess

    script = (
        "import sys\n"
        "sys.modules['pygls'] = None  # as if the lsp extra were not installed\n"
        "sys.argv = ['hydro', 'lsp']\n"
        "from hydro_manifest.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 2
    assert "pip install 'hydro-manifest[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_server_runs_with_the_cyclic_collector_on() -> None:
    """`hydro` turns Python's cyclic collector off for its short commands; the server, which
    runs for hours, turns it back on."""
    import subprocess

    script = (
        "import gc, sys\n"
        "import hydro_manifest.lsp.server as server\n"
        "server.serve = lambda: print('collector on:', gc.isenabled())\n"
        "sys.argv = ['hydro', 'lsp']\n"
        "from hydro_manifest.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "collector on: True\n"
