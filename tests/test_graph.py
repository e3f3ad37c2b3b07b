"""`hydro graph`: Applications drawn as Mermaid and DOT.

Goldens for the bundled examples and a pipeline with each kind of problem (rewrite them
with HYDRO_WRITE_GOLDEN=1 and read the diff); DOT read back by pydot, a real DOT parser;
Mermaid checked for its structure (every node declared, every edge between declared nodes,
ids and labels escaped), with names chosen to break a careless writer.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hydro_manifest import draw_applications, lint_paths
from hydro_manifest.cli import app
from tests.conftest import EXAMPLES, FIXTURES, ROOT

pydot = pytest.importorskip("pydot")
#: pydot's parser still calls pyparsing's old names; that is its business, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:'setParseAction' deprecated")

GOLDEN = Path(__file__).resolve().parent / "golden"
WRITE = bool(os.environ.get("HYDRO_WRITE_GOLDEN"))
PIPELINE = FIXTURES / "project" / "pipeline"
runner = CliRunner()

#: Every kind of problem a pipeline can show: a missing input, a type and shape mismatch,
#: variants whose signatures differ, an unresolved model; and names that quote, bracket,
#: pipe and comment.
PROBLEMS = {
    "models.yaml": """\
kind: Model
name: first
runtime: r:1
payload: [src/]
contract:
  inputs: {x: {shape: scalar, type: int64, profile: numerical}}
  outputs: {y: {shape: [-1, 2], type: double, profile: numerical}}
---
kind: Model
name: second
runtime: r:1
payload: [src/]
contract:
  inputs:
    y: {shape: [-1, 3], type: float32, profile: numerical}
    z: {shape: scalar, type: string, profile: text}
  outputs: {out: {shape: scalar, type: string, profile: text}}
---
kind: Model
name: other
runtime: r:1
payload: [src/]
contract:
  name: infer
  inputs: {y: {shape: [-1, 2], type: double, profile: numerical}}
  outputs: {out: {shape: scalar, type: string, profile: text}}
""",
    "app.yaml": """\
kind: Application
name: 'a "quoted" [app] | #1 <x>'
pipeline:
  - - model: first:1
  - - model: second:1
      weight: 70
      deployment-config: 'gpu "big" | {x}'
    - model: other:2
      weight: 30
  - - model: nowhere:1
""",
}


def problems(folder: Path) -> Path:
    for name, text in PROBLEMS.items():
        (folder / name).write_text(text)
    return folder


def drawn(folder: Path, form: str) -> str:
    return draw_applications(lint_paths([str(folder)]), form)


@pytest.mark.parametrize("form", ["mermaid", "dot"])
@pytest.mark.parametrize("case", ["examples", "pipeline"])
def test_goldens(case: str, form: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # file names as the checkout names them
    folder = EXAMPLES if case == "examples" else PIPELINE
    produced = drawn(folder.relative_to(ROOT), form)
    golden = GOLDEN / f"graph-{case}.{'mmd' if form == 'mermaid' else 'dot'}"
    if WRITE:
        golden.write_text(produced, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == produced


def test_the_pipeline_shows_each_problem_where_it_is(tmp_path: Path) -> None:
    text = drawn(problems(tmp_path), "mermaid")
    nodes = dict(re.findall(r'^\s+(a1_s\d_v\d)\["(.*)"\]$', text, re.MULTILINE))
    assert nodes["a1_s1_v1"] == "first:1<br/>signature predict"
    assert "HY604 pipeline-field-mismatch" in nodes["a1_s2_v1"]
    assert "HY603 pipeline-field-missing" in nodes["a1_s2_v1"]
    assert (
        "weight 70" in nodes["a1_s2_v1"]
        and "config gpu #quot;big#quot; #124; #123;x#125;" in nodes["a1_s2_v1"]
    )
    assert "HY605 variant-signature" in nodes["a1_s2_v2"]
    assert "HY601 unresolved-model" in nodes["a1_s3_v1"]
    edge = re.search(r'a1_s1_v1 -->\|"(.*)"\| a1_s2_v1', text)
    assert edge is not None
    assert edge[1] == "y: float64 #91;-1, 2#93; → float32 #91;-1, 3#93;<br/>z: missing"
    assert 'a1_s2_v1 -->|"?"| a1_s3_v1' in text  # nowhere:1's fields are unknown
    assert re.search(r"^  class (\S+) problem$", text, re.MULTILINE)[1].split(",") == [  # type: ignore[index]
        "a1_s2_v1",
        "a1_s2_v2",
        "a1_s3_v1",
    ]


def test_mermaid_structure_holds_whatever_the_names(tmp_path: Path) -> None:
    text = drawn(problems(tmp_path), "mermaid")
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    declared = set(re.findall(r'^\s+([A-Za-z0-9_]+)(?:\["|\(\[")', text, re.MULTILINE))
    edges = re.findall(
        r'^  ([A-Za-z0-9_]+) -->(?:\|"([^"]*)"\|)? ([A-Za-z0-9_]+)$', text, re.MULTILINE
    )
    assert len(edges) == text.count("-->")  # every edge read whole: no label broke out
    for source, _, target in edges:
        assert source in declared and target in declared
    for label in re.findall(r'"([^"]*)"', text):
        assert not set(label) & set('"[]{}|<>`') - {"<", ">"} or "<br/>" in label
        assert all(c not in label for c in '"|`[]{}')
    opened = sum(line.strip().startswith("subgraph ") for line in lines)
    assert opened == sum(line.strip() == "end" for line in lines)
    linked = re.search(r"^  linkStyle ([\d,]+) ", text, re.MULTILINE)
    assert linked is not None
    assert all(int(n) < len(edges) for n in linked[1].split(","))


def test_dot_reads_back_with_a_real_parser(tmp_path: Path) -> None:
    text = drawn(problems(tmp_path), "dot")
    (graph,) = pydot.graph_from_dot_data(text)
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []

    def walk(holder: object) -> None:
        for node in holder.get_nodes():  # type: ignore[attr-defined]
            label = node.get("label")
            if label is not None:
                nodes[node.get_name()] = label
        for edge in holder.get_edges():  # type: ignore[attr-defined]
            edges.append((edge.get_source(), edge.get_destination(), edge.get("label")))
        for sub in holder.get_subgraphs():  # type: ignore[attr-defined]
            walk(sub)

    walk(graph)
    assert nodes["a1_s2_v1"].startswith(
        '"second:1\\nweight 70\\nsignature predict\\nconfig gpu \\"big\\" | {x}'
    )
    assert all(source in nodes and target in nodes for source, target, _ in edges)
    assert len(edges) == 6  # the request, 1→2 twice, 2→3 twice, the response
    title = next(s for s in graph.get_subgraphs()).get("label")
    assert (
        title
        == '"Application a \\"quoted\\" [app] | #1 <x> (' + str(tmp_path / "app.yaml") + ':2)"'
    )


def test_the_command(tmp_path: Path) -> None:
    folder = problems(tmp_path)
    result = runner.invoke(
        app, ["graph", str(folder), "--format", "dot", "-o", str(tmp_path / "g.dot")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "g.dot").read_text() == drawn(folder, "dot")
    unknown = runner.invoke(app, ["graph", str(folder), "--app", "a quoted app"])
    assert unknown.exit_code == 2
    assert "no Application 'a quoted app' among the linted files" in unknown.output
    wrong = runner.invoke(app, ["graph", str(folder), "--format", "png"])
    assert wrong.exit_code == 2 and "unknown format 'png'" in wrong.output
    again = runner.invoke(app, ["graph", str(folder)])
    assert again.exit_code == 0 and again.stdout == drawn(folder, "mermaid")  # deterministic
    assert "hydro: the files have 7 errors; `hydro lint` shows them all" in again.output


def test_nothing_to_draw_is_said(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["graph", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2
    assert f"no such file: {tmp_path / 'nowhere'}" in missing.output
    empty = runner.invoke(app, ["graph", str(tmp_path)])
    assert empty.exit_code == 1
    assert empty.stdout == ""
    assert f"hydro: no Application found in {tmp_path}" in empty.output
    (tmp_path / "broken.yaml").write_text("kind: Application\nname: [unclosed\n")
    broken = runner.invoke(app, ["graph", str(tmp_path)])
    assert broken.exit_code == 1
    assert "the files have 1 error; `hydro lint` shows them all" in broken.output


# ------------------------------------------------------------------ in the real renderers

_STAGES_MODEL = """\
kind: Model
name: census
runtime: r:1
payload: [src/]
contract:
  inputs: {age: {shape: scalar, type: int64, profile: numerical}}
  outputs: {age: {shape: scalar, type: int64, profile: numerical}}
"""


@pytest.mark.parametrize(
    ("stage", "rule"),
    [
        ("model: census:1", None),  # a stage written as a variant, not a list of them
        ("- model: census", "HY401"),
        ("- model: census:latest", "HY401"),
        ("- model: census:1:2", "HY401"),
        ("[]", None),
        ("- weight: 100", None),  # a variant without `model`
    ],
)
def test_a_stage_with_nothing_to_draw_is_a_node_that_says_why(
    tmp_path: Path, stage: str, rule: str | None
) -> None:
    (tmp_path / "models.yaml").write_text(_STAGES_MODEL)
    (tmp_path / "app.yaml").write_text(
        f"kind: Application\nname: app\npipeline:\n  - - model: census:1\n  - {stage}\n"
    )
    report = lint_paths([str(tmp_path)])
    found = {d.rule for d in report.diagnostics if d.file.endswith("app.yaml")}
    assert found, "the stage has a finding"
    text = draw_applications(report, "dot")
    undrawn = re.search(r'a1_s2_v1 \[label="no model version to draw\\n([^"]*)"', text)
    assert undrawn is not None, text
    assert undrawn[1].split(" ")[0] in found
    if rule is not None:
        assert undrawn[1].startswith(rule)
    for edge in ("a1_s1_v1 -> a1_s2_v1", "a1_s2_v1 -> a1_response"):
        assert edge in text
    mermaid_text = draw_applications(report, "mermaid")
    assert 'a1_s2_v1["no model version to draw<br/>' in mermaid_text
    assert re.search(r"a1_s2_v1 -->.* a1_response", mermaid_text)


def _split_3x3(folder: Path) -> Path:
    models = [_STAGES_MODEL.replace("census", f"m{n}") for n in range(6)]
    (folder / "models.yaml").write_text("---\n".join(models))
    variants = [
        "\n".join(
            f"    - model: m{n}:1\n      weight: {w}"
            for n, w in zip(group, (40, 30, 30), strict=True)
        )
        for group in ((0, 1, 2), (3, 4, 5))
    ]
    (folder / "app.yaml").write_text(
        "kind: Application\nname: 'R&D &lt;split&gt;'\npipeline:\n  -\n"
        + variants[0]
        + "\n  -\n"
        + variants[1]
        + "\n"
    )
    return folder


def test_equal_edges_between_two_stages_are_labelled_once(tmp_path: Path) -> None:
    text = drawn(_split_3x3(tmp_path), "dot")
    between = re.findall(r"a1_s1_v\d -> a1_s2_v\d \[label=(\"[^\"]*\")", text)
    assert len(between) == 9
    assert between.count('"age: int64 scalar"') == 1 and between.count('""') == 8
    mermaid_text = drawn(tmp_path, "mermaid")
    assert len(re.findall(r"a1_s1_v\d -->\|", mermaid_text)) == 1


def test_an_ampersand_is_shown_as_written(tmp_path: Path) -> None:
    _split_3x3(tmp_path)
    text = drawn(tmp_path, "dot")
    assert "R&amp;D &amp;lt;split&amp;gt;" in text
    from hydro_manifest.reporters.markdown import summary_markdown

    summary = summary_markdown(lint_paths([str(tmp_path)]), "hydro lint")
    assert "R\\&D \\&lt;split\\&gt;" in summary


def _rendered_case(folder: Path, case: str) -> Path:
    """The trees the real renderers draw: the 3x3 split with `&` in its name, a stage with
    nothing to draw, and every kind of problem."""
    if case == "split":
        return _split_3x3(folder)
    if case == "undrawn":
        (folder / "models.yaml").write_text(_STAGES_MODEL)
        (folder / "app.yaml").write_text(
            "kind: Application\nname: app\npipeline:\n  - - model: census:1\n  - []\n"
        )
        return folder
    return problems(folder)


_DOT = shutil.which("dot")


@pytest.mark.skipif(_DOT is None, reason="Graphviz (`dot`) is not installed: apt install graphviz")
@pytest.mark.parametrize("case", ["split", "undrawn", "problems"])
def test_graphviz_draws_every_stage_and_the_names_as_written(tmp_path: Path, case: str) -> None:
    text = drawn(_rendered_case(tmp_path, case), "dot")
    assert _DOT is not None
    svg = subprocess.run(
        [_DOT, "-Tsvg"], input=text, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    drawn_nodes = re.findall(r"<title>(a1_[a-z0-9_]+)</title>", svg)
    assert "a1_request" in drawn_nodes and "a1_response" in drawn_nodes
    stages = {n.split("_v")[0] for n in drawn_nodes if "_s" in n and "_v" in n}
    assert len(stages) == text.count("subgraph cluster_a1_s")  # no stage dropped
    edges = re.findall(r"<title>(a1_[a-z0-9_]+)&#45;&gt;(a1_[a-z0-9_]+)</title>", svg)
    assert len(edges) == text.count(" -> ")
    if case == "split":
        assert "R&amp;D &amp;lt;split&amp;gt;" in svg  # shown as `R&D &lt;split&gt;`
    png = subprocess.run([_DOT, "-Tpng"], input=text.encode(), capture_output=True, timeout=60)
    assert png.returncode == 0 and png.stdout.startswith(b"\x89PNG")


_MMDC = shutil.which("mmdc")  # @mermaid-js/mermaid-cli: mermaid in headless Chromium


@pytest.mark.skipif(
    _MMDC is None,
    reason="mermaid-cli (`mmdc`, npm @mermaid-js/mermaid-cli with a Chromium) is not installed",
)
@pytest.mark.parametrize("case", ["split", "undrawn", "problems"])
def test_mermaid_draws_every_stage_and_the_names_as_written(tmp_path: Path, case: str) -> None:
    folder = tmp_path / "tree"
    folder.mkdir()
    text = drawn(_rendered_case(folder, case), "mermaid")
    source, target = tmp_path / "graph.mmd", tmp_path / "graph.svg"
    source.write_text(text)
    assert _MMDC is not None
    # Chromium as the machine has it, without its sandbox (tests may run as root).
    browser = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium")
    settings = tmp_path / "puppeteer.json"
    settings.write_text(
        json.dumps({"args": ["--no-sandbox"], **({"executablePath": browser} if browser else {})})
    )
    done = subprocess.run(
        [_MMDC, "-i", str(source), "-o", str(target), "-q", "-p", str(settings)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    svg = target.read_text()
    assert "Syntax error" not in svg
    for number in range(1, text.count("subgraph a1_s") + 1):
        assert f"stage {number}" in svg  # every stage drawn, none empty
    if case == "undrawn":
        assert "no model version to draw" in svg
    if case == "split":
        assert "R&amp;D" in svg
