"""Blank value nodes checked against nested node shapes: the compiled engine binds each blank
focus node in a query of its own, and its results are those of pySHACL, for nodes that
conform and nodes that do not, whatever the node shape asks of its focus node."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import rdflib

from imet_kg import KnowledgeGraph
from imet_kg.validation.compiled import compiled_results
from imet_kg.validation.report import ShapeResult
from imet_kg.validation.shapes_pyshacl import pyshacl_results
from imet_kg.validation.written import load_as_written, read_as_written

EX = rdflib.Namespace("http://example.org/")
PREFIXES = """
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# Each inner node shape, asked of every value of ex:p: two blank nodes (one of ex:C, one of
# ex:D, one with a label) and an IRI of ex:C.
INNER = {
    "Class": "sh:class ex:C",
    "BlankKind": "sh:nodeKind sh:BlankNode",
    "IriKind": "sh:nodeKind sh:IRI",
    "In": "sh:in ( ex:b )",
    "HasValue": "sh:hasValue ex:b",
    "Not": "sh:not [ sh:class ex:C ]",
    "Property": "sh:property [ sh:path ex:label ; sh:minCount 1 ]",
}
DATA = """
ex:a ex:p [ a ex:C ; ex:label "one" ] , [ a ex:D ] , ex:b .
ex:b a ex:C .
"""


def outcomes(results: list[ShapeResult], shapes: rdflib.Graph) -> Counter[tuple[str, str]]:
    """How many results each inner shape gave, for blank values and for each IRI value."""
    found: Counter[tuple[str, str]] = Counter()
    for result in results:
        inner = shapes.value(result.source_shape, rdflib.SH.node)
        value = result.value
        kind = "blank" if isinstance(value, rdflib.BNode) or "://" not in str(value) else value
        found[str(inner).removeprefix(str(EX)), str(kind)] += 1
    return found


@pytest.mark.parametrize("name", sorted(INNER))
def test_blank_values_of_a_nested_node_shape(name: str, tmp_path: Path) -> None:
    shapes_text = (
        f"{PREFIXES}ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n"
        f"    sh:property [ sh:path ex:p ; sh:node ex:{name} ] .\n"
        f"ex:{name} a sh:NodeShape ; {INNER[name]} .\n"
    )
    path = tmp_path / "case.ttl"
    path.write_text(shapes_text + DATA, encoding="utf-8")
    data = read_as_written(path)
    graph = KnowledgeGraph()
    graph.add(load_as_written(data), "urn:imet-kg:test:data")
    expected = outcomes(pyshacl_results(data, data), data)
    assert outcomes(compiled_results(graph, data, written=True), data) == expected
    assert expected  # every inner shape here fails at least one value
