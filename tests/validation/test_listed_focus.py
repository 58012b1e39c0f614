"""The compiled engine names a target's focus nodes in its queries when they are few IRIs, and
keeps the target's pattern otherwise; the results are the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from imet_kg import KnowledgeGraph, Layout
from imet_kg.store.graph import parse_file
from imet_kg.terms import rdflib_graph
from imet_kg.validation import compiled
from imet_kg.validation.compiled import Engine, Focus, Found, Task, compiled_results
from imet_kg.validation.report import ShapeResult

from ..conftest import DATA

SHAPES = DATA / "shapes"
CASES = sorted((SHAPES / "invalid").glob("*.ttl"))


def case_graph(layout: Layout, case: Path) -> KnowledgeGraph:
    graph = KnowledgeGraph()
    graph.load_file(layout.ontology_file, "urn:test:ontology")
    graph.load_file(SHAPES / "base.ttl", "urn:test:base")
    graph.load_file(case, "urn:test:case")
    return graph


def keys(results: list[ShapeResult]) -> list[tuple[str, ...]]:
    return sorted(
        (str(r.focus), str(r.source_shape), str(r.component), str(r.value), str(r.path))
        for r in results
    )


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.stem)
def test_listing_the_focus_nodes_finds_what_the_pattern_finds(
    layout: Layout, case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = case_graph(layout, case)
    shapes = rdflib_graph(parse_file(layout.shapes_file))
    listed = keys(compiled_results(graph, shapes))
    monkeypatch.setattr(compiled, "LISTED", -1)  # every target by its pattern
    assert listed == keys(compiled_results(graph, shapes))
    assert listed  # each case breaks a shape


TARGETS = """
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:Few a sh:NodeShape ; sh:targetClass ex:F ;
    sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] .
ex:Many a sh:NodeShape ; sh:targetClass ex:M ;
    sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] .
ex:Blank a sh:NodeShape ; sh:targetClass ex:B ;
    sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] .
"""


def test_few_iris_are_listed_and_many_or_blank_ones_are_not(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = "@prefix ex: <http://example.org/> .\n"
    data += "ex:f1 a ex:F ; ex:n 1 . ex:f2 a ex:F ; ex:n 2 .\n"
    data += "".join(f"ex:m{i} a ex:M ; ex:n {i} .\n" for i in range(4))
    data += 'ex:b1 a ex:B ; ex:n "x" . [] a ex:B ; ex:n 3 .\n'
    (tmp_path / "data.ttl").write_text(data, encoding="utf-8")
    graph = KnowledgeGraph()
    graph.load_file(tmp_path / "data.ttl", "urn:test:data")
    shapes = rdflib.Graph().parse(data=TARGETS, format="turtle")
    monkeypatch.setattr(compiled, "LISTED", 3)
    seen: dict[str, Focus] = {}
    evaluate = Engine._evaluate

    def spy(self: Engine, task: Task) -> list[Found]:
        shape, _, _, focus = task
        root = next(iter(self.shapes.subjects(rdflib.SH.property, shape)), shape)
        seen[str(root)] = focus
        return evaluate(self, task)

    monkeypatch.setattr(Engine, "_evaluate", spy)
    found = Engine(graph, shapes, written=False).run()
    few, many, blank = (seen[f"http://example.org/{name}"] for name in ("Few", "Many", "Blank"))
    assert {str(node) for node in few.nodes} == {
        "<http://example.org/f1>",
        "<http://example.org/f2>",
    }
    assert not few.group
    assert many.group
    assert not many.nodes
    assert blank.group
    assert not blank.nodes
    assert [str(f.focus) for f in found] == ["<http://example.org/b1>"]
