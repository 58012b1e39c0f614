"""The same saved-query text gives the same answer on Oxigraph (the store) and on rdflib's
own SPARQL engine over the same triples, with parameters bound as terms on both."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.query import Result
from rdflib.term import Node

from imet_kg import KnowledgeGraph, Layout
from imet_kg.namespaces import prefixes
from imet_kg.query.binding import bind_parameters
from imet_kg.query.saved import parse_saved_query
from imet_kg.store.graph import QueryResult
from imet_kg.terms import to_rdflib

from ..conftest import ROOT

QUERIES = sorted((ROOT / "queries").glob("*.rq"))
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {f"{XSD}{name}" for name in ("integer", "decimal", "double", "float", "long", "int")}

Cell = tuple[str, str]


@pytest.fixture(scope="module")
def rdflib_copy(graph: KnowledgeGraph) -> rdflib.Graph:
    copy = rdflib.Graph()
    for triple in graph.triples():
        copy.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return copy


def normal(value: str, datatype: str | None, language: str | None) -> Cell:
    """Engines may differ in lexical forms of numbers and in GROUP_CONCAT order."""
    if datatype in NUMERIC:
        try:
            return ("number", str(Decimal(value).normalize()))
        except InvalidOperation:
            return ("number", value)
    for separator in (" | ", ", "):
        if separator in value:
            value = separator.join(sorted(value.split(separator)))
            break
    return ("literal", f"{value}@{language}" if language else value)


def from_oxigraph(term: object) -> Cell:
    if term is None:
        return ("unbound", "")
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    assert isinstance(term, ox.Literal)
    return normal(term.value, term.datatype.value if not term.language else None, term.language)


def from_rdflib(term: Node | None) -> Cell:
    if term is None:
        return ("unbound", "")
    if isinstance(term, rdflib.URIRef):
        return ("iri", str(term))
    assert isinstance(term, rdflib.Literal)
    datatype = str(term.datatype) if term.datatype else None
    return normal(str(term), datatype, term.language)


@pytest.mark.parametrize("path", QUERIES, ids=lambda path: path.stem)
def test_same_answer_on_both_engines(
    graph: KnowledgeGraph, rdflib_copy: rdflib.Graph, layout: Layout, path: Path
) -> None:
    query = parse_saved_query(path)
    values = {p.name: p.example for p in query.parameters if p.required and p.example}
    bindings = bind_parameters(graph, query, values, prefixes(layout.context_file))

    oxigraph = graph.query(query.sparql, substitutions=bindings)
    assert isinstance(oxigraph, QueryResult)
    ours = sorted(tuple(from_oxigraph(term) for term in row) for row in oxigraph.rows)

    initial = {name: to_rdflib(term) for name, term in bindings.items()}
    theirs_result: Result = rdflib_copy.query(query.sparql, initBindings=initial)
    variables = [str(v) for v in theirs_result.vars or []]
    assert variables == list(oxigraph.variables)
    theirs = sorted(
        tuple(from_rdflib(row[i]) for i in range(len(variables)))  # type: ignore[index]
        for row in theirs_result
    )
    assert ours == theirs
