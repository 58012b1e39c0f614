"""Static pictures through Graphviz and matplotlib: produced, non-trivial, labelled, with a
legend; and the CLI's checks on what it is asked to draw."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from imet_kg import KnowledgeGraph, Layout
from imet_kg.cli.commands import cli
from imet_kg.network.drawing import render_picture, to_styled_dot
from imet_kg.network.projections import project
from imet_kg.network.timeline import render_timeline

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(data: bytes) -> str:
    root = ET.fromstring(data)
    return " ".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_agencies_svg_names_every_entity_and_has_a_legend(
    graph: KnowledgeGraph, layout: Layout
) -> None:
    network = project(graph, layout, "agencies")
    texts = svg_texts(render_picture(network, "svg"))
    for word in (
        "Bureau of",
        "Political-Military",
        "Defense Security",
        "Legend",
        "administers",
        "teaches students of",
        "government department",
    ):
        assert word in texts
    assert texts.count("(3 sources)") >= 2


def test_png_is_a_real_picture(graph: KnowledgeGraph, layout: Layout) -> None:
    data = render_picture(project(graph, layout, "legislation"), "png")
    width, height = png_size(data)
    assert width > 600
    assert height > 200
    assert len(data) > 20_000


def test_styles_differ_by_type_and_relation(graph: KnowledgeGraph, layout: Layout) -> None:
    """Read back from the DOT: every node of one type is drawn alike, nodes of different types
    are told apart by colour or shape, and relations of different kinds by colour or line."""
    import pydot

    network = project(graph, layout, "agencies")
    dot = to_styled_dot(network)
    graphs = pydot.graph_from_dot_data(dot)
    assert graphs is not None
    [parsed] = graphs
    looks: dict[str, set[tuple[str, str]]] = {}
    for node in parsed.get_nodes():
        iri = node.get_name().strip('"')
        if iri in network:
            look = (node.get("fillcolor"), node.get("shape"))
            looks.setdefault(str(network.nodes[iri]["type"]), set()).add(look)
    assert len(looks) >= 4  # schools, departments, agencies, the bureau...
    assert all(len(found) == 1 for found in looks.values()), looks
    assert len({next(iter(found)) for found in looks.values()}) == len(looks)
    lines: dict[str, set[tuple[str, str]]] = {}
    for edge in parsed.get_edges():
        source, target = str(edge.get_source()).strip('"'), str(edge.get_destination()).strip('"')
        if source in network and target in network:
            for data in network.get_edge_data(source, target).values():
                lines.setdefault(str(data["predicate"]), set()).add(
                    (edge.get("color"), edge.get("style"))
                )
    assert len(lines) >= 4
    assert len({look for found in lines.values() for look in found}) >= 3
    assert "cluster_legend" in dot


@pytest.mark.parametrize("image_format", ["svg", "png", "html"])
def test_timeline(graph: KnowledgeGraph, layout: Layout, image_format: str) -> None:
    data = render_timeline(graph, layout, "PK", image_format)
    if image_format == "png":
        assert png_size(data)[0] > 800
        return
    text = data.decode("utf-8")
    assert "Pakistan" in text
    if image_format == "html":
        assert text.count("<tr><td>") == 8
        assert "2018-08" in text
        assert "<svg" in text


def test_cli_viz_writes_each_kind(tmp_path: Path) -> None:
    for name, suffix in (("agencies", "svg"), ("countries", "png"), ("legislation", "html")):
        output = tmp_path / f"{name}.{suffix}"
        result = CliRunner().invoke(cli, ["viz", name, "--output", str(output)])
        assert result.exit_code == 0, result.output
        assert output.stat().st_size > 5_000
    timeline = tmp_path / "pk.svg"
    result = CliRunner().invoke(
        cli, ["viz", "timeline", "--country", "Pakistan", "--output", str(timeline)]
    )
    assert result.exit_code == 0, result.output
    assert "2019-12" in svg_texts(timeline.read_bytes())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["viz", "agencies", "--output", "x.pdf"], "must end in .svg, .png or .html"),
        (["viz", "timeline", "--output", "x.svg"], "needs --country"),
        (["viz", "timeline", "--country", "Narnia", "--output", "x.svg"], "Narnia"),
        (["viz", "nope", "--output", "x.svg"], "no projection named 'nope'"),
    ],
)
def test_cli_viz_errors(tmp_path: Path, arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 2
    assert message in result.output
