"""Every export format re-parses to a graph isomorphic to the one built."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from imet_kg import EXPORT_FORMATS, KnowledgeGraph, Layout, export, serialise
from imet_kg.cli.commands import cli
from imet_kg.terms import rdflib_graph

RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}


@pytest.fixture(scope="module")
def expected(graph: KnowledgeGraph) -> rdflib.Graph:
    return rdflib_graph(graph.triples())


@pytest.mark.parametrize("export_format", sorted(RDFLIB_FORMATS))
def test_format_round_trips(
    graph: KnowledgeGraph, layout: Layout, expected: rdflib.Graph, export_format: str
) -> None:
    data = serialise(graph, export_format, layout)
    parsed = rdflib.Graph().parse(data=data, format=RDFLIB_FORMATS[export_format])
    assert len(parsed) == len(expected)
    assert isomorphic(parsed, expected)


def test_trig_keeps_named_graphs(
    graph: KnowledgeGraph, layout: Layout, expected: rdflib.Graph
) -> None:
    quads = list(ox.parse(serialise(graph, "trig", layout), format=ox.RdfFormat.TRIG))
    names = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)})
    assert names == graph.graphs()
    assert isomorphic(rdflib_graph(q.triple for q in quads), expected)


def test_jsonld_is_compacted_with_the_project_context(
    graph: KnowledgeGraph, layout: Layout
) -> None:
    document = json.loads(serialise(graph, "jsonld", layout))
    assert document["@context"]["imet"] == "https://w3id.org/imet-kg/ontology#"
    ids = {node["@id"] for node in document["@graph"]}
    assert "agency:dod" in ids


def test_turtle_uses_prefixes(graph: KnowledgeGraph, layout: Layout) -> None:
    text = serialise(graph, "ttl", layout).decode()
    assert "@prefix imet: <https://w3id.org/imet-kg/ontology#>" in text
    assert "agency:dod" in text


def test_cli_export_writes_the_whole_graph(graph: KnowledgeGraph, tmp_path: Path) -> None:
    output = tmp_path / "g.nt"
    result = CliRunner().invoke(cli, ["export", "--format", "nt", "--output", str(output)])
    assert result.exit_code == 0, result.output
    lines = [line for line in output.read_text().splitlines() if line.strip()]
    assert len(lines) == len(graph)
    assert not list(tmp_path.glob(".*.tmp"))


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "--output", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "csv" in result.output


def test_export_formats_cover_the_cli() -> None:
    from imet_kg.cli.graph import EXPORT_CHOICES

    assert set(EXPORT_CHOICES) == set(EXPORT_FORMATS)


@pytest.mark.parametrize("export_format", sorted(RDFLIB_FORMATS))
def test_large_graphs_stream(
    graph: KnowledgeGraph,
    layout: Layout,
    expected: rdflib.Graph,
    export_format: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above the size limit, exports stream through pyoxigraph (JSON-LD expanded) and still
    re-parse to the same graph."""
    import imet_kg.store.formats

    monkeypatch.setattr(imet_kg.store.formats, "COMPACT_JSONLD_LIMIT", 10)
    output = tmp_path / f"graph.{export_format}"
    export(graph, export_format, output, layout)
    parsed = rdflib.Graph().parse(output, format=RDFLIB_FORMATS[export_format])
    assert isomorphic(parsed, expected)
    assert not list(tmp_path.glob(".*.tmp"))


def test_large_trig_streams(
    graph: KnowledgeGraph, layout: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import imet_kg.store.formats

    monkeypatch.setattr(imet_kg.store.formats, "COMPACT_JSONLD_LIMIT", 10)
    output = tmp_path / "graph.trig"
    export(graph, "trig", output, layout)
    quads = list(ox.parse(path=str(output), format=ox.RdfFormat.TRIG))
    assert len(quads) == len(graph.store)
