"""Applications as Graphviz DOT: a cluster per Application and per stage, a node per
variant, the fields passed on the edges, problems in red with their rule.

Node ids are hydro's own (`a1_s2_v1`); labels are quoted DOT strings with `"` and `\\`
escaped, `&` written as `&amp;` (Graphviz reads entities in labels), and lines joined by
`\\n`, so any name is safe; a URL's password in a label is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..project.graph import Graph
from ..redaction import redact

_PROBLEM = 'color="#cc0000", fontcolor="#cc0000", penwidth=2'


def dot(graphs: Iterable[Graph]) -> str:
    lines = ["digraph hydro {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    for graph in graphs:
        lines.append(f"  subgraph cluster_{graph.id} {{")
        lines.append(f"    label={_quoted([graph.title])};")
        lines.append(f'    {graph.request} [label="request", shape=oval];')
        for number, stage in enumerate(graph.stages, 1):
            lines.append(f"    subgraph cluster_{graph.id}_s{number} {{")
            lines.append(f'      label="stage {number}";')
            for node in stage:
                style = f", {_PROBLEM}" if node.problems else ""
                lines.append(f"      {node.id} [label={_quoted(node.lines())}{style}];")
            lines.append("    }")
        lines.append(f'    {graph.response} [label="response", shape=oval];')
        lines.append("  }")
        for edge in graph.edges:
            style = f", {_PROBLEM}" if edge.broken else ""
            label = f"label={_quoted(edge.fields)}" if edge.fields else 'label=""'
            lines.append(f"  {edge.source} -> {edge.target} [{label}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quoted(parts: Iterable[str]) -> str:
    def escaped(text: str) -> str:
        text = redact(text).replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace("&", "&amp;")  # Graphviz decodes entities in labels
        return text.replace("\r", " ").replace("\n", " ")

    return '"' + "\\n".join(escaped(part) for part in parts) + '"'
