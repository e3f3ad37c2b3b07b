"""Applications as a Mermaid flowchart (`flowchart LR`), which GitHub and GitLab draw
inside Markdown: one subgraph per Application, one per stage, a node per variant, the
fields passed on the edges, problems in red with their rule.

Node ids are hydro's own (`a1_s2_v1`), never a model's name; every label is quoted with
Mermaid's entity codes for what would end or change it, so any name is safe, and a URL's
password in it is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..project.graph import Graph, Node
from ..redaction import redact

_ENTITIES = {
    "&": "#amp;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "#": "#35;",
    "|": "#124;",
    "`": "#96;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
}


def mermaid(graphs: Iterable[Graph]) -> str:
    lines = ["flowchart LR"]
    broken_nodes: list[str] = []
    broken_edges: list[int] = []
    edge_count = 0
    for graph in graphs:
        lines.append(f'  subgraph {graph.id}["{_text(graph.title)}"]')
        lines.append("    direction LR")
        lines.append(f'    {graph.request}(["request"])')
        for number, stage in enumerate(graph.stages, 1):
            lines.append(f'    subgraph {graph.id}_s{number}["stage {number}"]')
            for node in stage:
                lines.append(f'      {node.id}["{_label(node)}"]')
                if node.problems:
                    broken_nodes.append(node.id)
            lines.append("    end")
        lines.append(f'    {graph.response}(["response"])')
        lines.append("  end")
        for edge in graph.edges:
            label = "<br/>".join(_text(field) for field in edge.fields)
            arrow = f'-->|"{label}"|' if edge.fields else "-->"
            lines.append(f"  {edge.source} {arrow} {edge.target}")
            if edge.broken:
                broken_edges.append(edge_count)
            edge_count += 1
    if broken_nodes or broken_edges:
        lines.append("  classDef problem fill:#fdd,stroke:#c00,color:#600")
    if broken_nodes:
        lines.append(f"  class {','.join(broken_nodes)} problem")
    if broken_edges:
        lines.append(f"  linkStyle {','.join(map(str, broken_edges))} stroke:#c00,color:#c00")
    return "\n".join(lines) + "\n"


def _label(node: Node) -> str:
    return "<br/>".join(_text(part) for part in node.lines())


def _text(text: str) -> str:
    """Text inside a quoted label: credentials in URLs hidden, what Mermaid would read as
    syntax as entity codes."""
    return "".join(_ENTITIES.get(c, " " if c in "\r\n\t" else c) for c in redact(text))
