"""SELECT answers the engine writes itself: the same bytes as the project's own writer, the
row limit held to the row, and rows read in Python wherever the engine cannot hold it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from imet_kg.query.results import serialise_result
from imet_kg.store.graph import KnowledgeGraph, QueryResult
from imet_kg.web.endpoint import ENGINE_FORMATS, EngineWritten, Limits, run_guarded
from imet_kg.web.guard import QueryRefused

XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = ox.NamedNode("https://example.org/graph")
P = ox.NamedNode("https://example.org/p")
ALL = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o"
# Every character from U+0001 to U+02FF, and some beyond, in one literal.
CHARACTERS = "".join(map(chr, range(1, 0x300))) + "\u2028\u2029\ufeff\U0001f642\U0010ffff"


def tricky_terms() -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
    return [
        ox.NamedNode("https://example.org/é?x=1&y=2,3"),
        ox.BlankNode("b1"),
        ox.Literal("plain"),
        ox.Literal(CHARACTERS),
        ox.Literal('with "quote", comma\r\nand a line'),
        ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("1.0E0", datatype=ox.NamedNode(XSD + "double")),
        ox.Literal("hi", language="en-GB"),
        ox.Literal(""),
        ox.Literal(" leading space"),
        ox.Literal("x</script>"),
    ]


def graph_of(objects: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> KnowledgeGraph:
    graph = KnowledgeGraph()
    for number, value in enumerate(objects):
        subject = ox.NamedNode(f"https://example.org/s/{number:03}")
        graph.store.add(ox.Quad(subject, P, value, GRAPH))
    return graph


def rows_of(graph: KnowledgeGraph, sparql: str, limits: Limits) -> QueryResult:
    answer = run_guarded(graph, sparql, limits)
    assert isinstance(answer, QueryResult)
    return answer


@pytest.mark.parametrize("results_format", sorted(ENGINE_FORMATS))
@pytest.mark.parametrize(
    "sparql",
    [
        ALL,
        "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?s",
        "SELECT ?s WHERE { ?s ?p ?o FILTER(false) }",
        "SELECT * WHERE { }",
        "SELECT ?o (STRLEN(?o) AS ?n) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) } ORDER BY ?n",
    ],
    ids=["terms", "unbound", "no-rows", "no-variables", "computed"],
)
def test_the_engine_writes_what_the_project_writer_writes(results_format: str, sparql: str) -> None:
    """The command line writes rows in Python and the endpoint lets the engine write them:
    the same answer must be the same bytes from both."""
    graph = graph_of(tricky_terms())
    limits = Limits(rows=100)
    written = run_guarded(graph, sparql, limits, results_format=results_format)
    assert isinstance(written, EngineWritten)
    assert written.kind == "results"
    assert written.data == serialise_result(rows_of(graph, sparql, limits), results_format)


@pytest.mark.parametrize("results_format", sorted(ENGINE_FORMATS))
@pytest.mark.parametrize("width", [1, 400], ids=["short-rows", "long-rows"])
def test_the_row_limit_is_held_to_the_row(results_format: str, width: int) -> None:
    """An answer of exactly the limit is written; one row more is refused, whether the text
    is short enough to prove the count by its length or has to be parsed to count it."""
    graph = graph_of([ox.Literal("x" * width) for _ in range(30)])
    exact = run_guarded(graph, ALL, Limits(rows=30), results_format=results_format)
    assert isinstance(exact, EngineWritten)
    assert exact.data == serialise_result(rows_of(graph, ALL, Limits(rows=30)), results_format)
    with pytest.raises(QueryRefused) as refused:
        run_guarded(graph, ALL, Limits(rows=29), results_format=results_format)
    assert refused.value.status == 422
    assert "more than 29 rows" in str(refused.value)


@pytest.mark.parametrize(
    ("sparql", "engine_writes"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o } # a comment at the very end", True),
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY DESC(?s) OFFSET 3", True),
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 10", True),
        ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 } }", True),
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1000", False),  # its own LIMIT is past the limit
        ("SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <https://example.org/s/001> }", False),
        ("ASK { ?s ?p ?o }", False),
        ("DESCRIBE <https://example.org/s/001>", False),
    ],
)
def test_the_engine_writes_only_what_it_can_bound(sparql: str, engine_writes: bool) -> None:
    graph = graph_of([ox.Literal(str(number)) for number in range(20)])
    limits = Limits(rows=50)
    answer = run_guarded(graph, sparql, limits, results_format="json")
    assert isinstance(answer, EngineWritten) is engine_writes
    if isinstance(answer, EngineWritten):  # the added LIMIT changed nothing the query asked
        assert answer.data == serialise_result(rows_of(graph, sparql, limits), "json")


def test_a_query_past_the_limit_with_its_own_limit_is_refused_by_rows() -> None:
    graph = graph_of([ox.Literal(str(number)) for number in range(20)])
    sparql = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1000"
    with pytest.raises(QueryRefused) as refused:
        run_guarded(graph, sparql, Limits(rows=10), results_format="json")
    assert refused.value.status == 422


def test_csv_stays_with_the_project_writer() -> None:
    """The engine's CSV leaves an IRI holding a comma unquoted, which splits its column; the
    endpoint's CSV quotes it."""
    graph = graph_of([ox.NamedNode("https://example.org/a,b")])
    answer = run_guarded(graph, ALL, Limits(rows=10), results_format="csv")
    assert isinstance(answer, QueryResult)
    assert b'"https://example.org/a,b"' in serialise_result(answer, "csv")


def described(graph: KnowledgeGraph, sparql: str, limits: Limits) -> bytes:
    """The DESCRIBE answer as the project writes it, from triples read in Python."""
    triples = run_guarded(graph, sparql, limits)
    assert isinstance(triples, list)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return data


def test_the_engine_writes_a_description_of_iris_in_n_triples() -> None:
    """A DESCRIBE of IRIs alone is bounded by what the store holds about them: the engine
    writes it as the project would, and a description past the row limit is refused."""
    graph = graph_of(tricky_terms())
    subject = ox.NamedNode("https://example.org/s/003")
    for number in range(29):  # 30 triples in all about s/003
        graph.store.add(ox.Quad(subject, ox.NamedNode(f"https://example.org/q{number}"), P, GRAPH))
    sparql = "DESCRIBE <https://example.org/s/003> <https://example.org/s/000>"
    written = run_guarded(graph, sparql, Limits(rows=31), graph_format="nt")
    assert isinstance(written, EngineWritten)
    assert written.kind == "graph"
    assert sorted(written.data.splitlines()) == sorted(
        described(graph, sparql, Limits(rows=31)).splitlines()
    )
    assert written.data.count(b"\n") == 31
    with pytest.raises(QueryRefused) as refused:
        run_guarded(graph, sparql, Limits(rows=30), graph_format="nt")
    assert refused.value.status == 422


@pytest.mark.parametrize(
    ("sparql", "graph_format"),
    [
        ("DESCRIBE ?s WHERE { ?s ?p ?o }", "nt"),  # a pattern: as many as it matches
        ("DESCRIBE <https://example.org/s/001> WHERE { }", "nt"),
        ("DESCRIBE <https://example.org/s/001>", "ttl"),  # Turtle uses the project's prefixes
        ("CONSTRUCT WHERE { ?s ?p ?o }", "nt"),
    ],
)
def test_other_graph_answers_are_read_in_python(sparql: str, graph_format: str) -> None:
    graph = graph_of(tricky_terms())
    answer = run_guarded(graph, sparql, Limits(rows=100), graph_format=graph_format)
    assert isinstance(answer, list)
