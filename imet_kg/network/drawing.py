"""Static pictures of a projection through Graphviz: nodes coloured and shaped by type,
relations styled by kind, edge labels with their source counts, and a legend."""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

from imet_kg.errors import ImetKgError
from imet_kg.network.formats import quote
from imet_kg.network.style import edge_style, node_style

if TYPE_CHECKING:
    import networkx as nx

PICTURE_FORMATS = ("svg", "png")
_FONT = "Helvetica"


def to_styled_dot(network: nx.MultiDiGraph) -> str:
    """DOT for drawing: one labelled, styled node per entity and a legend of what is shown."""
    lines = [
        f"digraph {quote(str(network.graph.get('name', 'imet')))} {{",
        "  graph [rankdir=LR, overlap=false, splines=true, nodesep=0.35, ranksep=1.1,"
        f' fontname="{_FONT}", fontsize=18, labelloc=t,'
        f" label={quote(str(network.graph.get('summary', '')))}];",
        f'  node [fontname="{_FONT}", fontsize=11, style="filled,rounded", penwidth=0];',
        f'  edge [fontname="{_FONT}", fontsize=9, arrowsize=0.7];',
    ]
    for node, data in sorted(network.nodes(data=True)):
        style = node_style(str(data.get("type", "")))
        lines.append(
            f"  {quote(node)} [label={quote(_wrap(str(data.get('label', node))))},"
            f" shape={style['shape']}, fillcolor={quote(style['color'] + '33')},"
            f" color={quote(style['color'])}, penwidth=1.5, tooltip={quote(node)}];"
        )
    for source, target, data in sorted(
        network.edges(data=True), key=lambda e: (e[0], e[1], str(e[2]))
    ):
        style = edge_style(str(data.get("predicate", "")))
        count = len(str(data.get("sources", "")).split(", ")) if data.get("sources") else 0
        text = str(data.get("label", ""))
        if data.get("date"):
            text += f" {data['date']}"
        if count:
            text += f" ({count} source{'s' if count != 1 else ''})"
        lines.append(
            f"  {quote(source)} -> {quote(target)} [label={quote(text)},"
            f" color={quote(style['color'])}, fontcolor={quote(style['color'])},"
            f" style={style['style']}, tooltip={quote(str(data.get('sources', '')))}];"
        )
    lines.extend(_legend(network))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _legend(network: nx.MultiDiGraph) -> list[str]:
    """A table of the node types and relations the picture uses."""
    types = sorted(
        {
            (str(d.get("type", "")), str(d.get("type_label", "")))
            for _, d in network.nodes(data=True)
        }
    )
    relations = sorted(
        {
            (str(d.get("predicate", "")), str(d.get("label", "")))
            for _, _, d in network.edges(data=True)
        },
        key=lambda pair: pair[1],
    )
    rows = ['<TR><TD COLSPAN="2"><B>Legend</B></TD></TR>']
    for node_type, label in types:
        colour = node_style(node_type)["color"]
        rows.append(
            f'<TR><TD BGCOLOR="{colour}" WIDTH="18"> </TD><TD ALIGN="LEFT">{_html(label)}</TD></TR>'
        )
    for predicate, label in relations:
        style = edge_style(predicate)
        rows.append(
            f'<TR><TD><FONT COLOR="{style["color"]}">{_stroke(style["style"])}</FONT></TD>'
            f'<TD ALIGN="LEFT"><FONT COLOR="{style["color"]}">{_html(label)}</FONT></TD></TR>'
        )
    table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2">' + "".join(rows) + "</TABLE>"
    return [
        "  subgraph cluster_legend {",
        '    graph [label="", color="#bbbbbb", style=rounded];',
        f'    legend [shape=plaintext, style="", label=<{table}>];',
        "  }",
    ]


def _stroke(style: str) -> str:
    return {"dashed": "- - -", "dotted": "· · ·", "bold": "━━━"}.get(style, "───")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(text: str, width: int = 24) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def render_picture(network: nx.MultiDiGraph, picture_format: str) -> bytes:
    """The projection drawn by Graphviz as SVG or PNG."""
    if picture_format not in PICTURE_FORMATS:
        raise ImetKgError(
            f"unknown picture format {picture_format!r}; use one of {PICTURE_FORMATS}"
        )
    dot = shutil.which("dot")
    if dot is None:
        raise ImetKgError("drawing needs Graphviz's 'dot' program: apt-get install graphviz")
    completed = subprocess.run(
        [dot, f"-T{picture_format}"],
        input=to_styled_dot(network).encode("utf-8"),
        capture_output=True,
        check=False,
        timeout=120,
    )
    if completed.returncode != 0:
        raise ImetKgError(f"Graphviz failed: {completed.stderr.decode('utf-8', 'replace').strip()}")
    return completed.stdout
