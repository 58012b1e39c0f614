"""The SHACL shapes, tested as data: each valid case conforms; each invalid case gives the
violation its first line names (`# expect: SHAPE | message fragment`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from imet_kg import KnowledgeGraph, Layout, Violation
from imet_kg.namespaces import prefixes
from imet_kg.store.graph import parse_file
from imet_kg.terms import rdflib_graph
from imet_kg.validation.shapes_pyshacl import run_shapes

from ..conftest import DATA

SHAPES = DATA / "shapes"
VALID = sorted((SHAPES / "valid").glob("*.ttl"))
INVALID = sorted((SHAPES / "invalid").glob("*.ttl"))


def shape_results(layout: Layout, case: Path | None) -> list[Violation]:
    graph = KnowledgeGraph()
    graph.load_file(layout.ontology_file, "urn:test:ontology")
    graph.load_file(SHAPES / "base.ttl", "urn:test:base")
    if case is not None:
        graph.load_file(case, "urn:test:case")
    shapes = rdflib_graph(parse_file(layout.shapes_file))
    return run_shapes(graph, shapes, prefixes(layout.context_file))


def expectation(case: Path) -> tuple[str, str]:
    first = case.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{case} must start with '# expect: SHAPE | message'"
    rule, fragment = first.removeprefix("# expect: ").split(" | ", 1)
    return rule.strip(), fragment.strip()


def test_there_are_cases() -> None:
    assert len(VALID) >= 4
    assert len(INVALID) >= 15


def test_base_world_conforms(layout: Layout) -> None:
    assert shape_results(layout, None) == []


@pytest.mark.parametrize("case", VALID, ids=lambda path: path.stem)
def test_valid_case_conforms(layout: Layout, case: Path) -> None:
    results = shape_results(layout, case)
    assert results == [], "\n".join(f"{r.focus}: {r.rule}: {r.message}" for r in results)


@pytest.mark.parametrize("case", INVALID, ids=lambda path: path.stem)
def test_invalid_case_gives_its_violation(layout: Layout, case: Path) -> None:
    rule, fragment = expectation(case)
    results = shape_results(layout, case)
    matching = [r for r in results if r.rule == rule and fragment in r.message]
    found = "\n".join(f"{r.focus}: {r.rule}: {r.message}" for r in results) or "nothing"
    assert matching, f"expected {rule} with {fragment!r}; found:\n{found}"
    assert all(r.severity == "Violation" for r in matching)


def test_every_class_is_covered_by_a_shape(layout: Layout) -> None:
    """Each imet class is the target of a node shape, itself or through a superclass."""
    from rdflib.namespace import OWL, RDF, RDFS, SH

    ontology = rdflib_graph(parse_file(layout.ontology_file))
    shapes = rdflib_graph(parse_file(layout.shapes_file))
    targeted = set(shapes.objects(None, SH.targetClass))
    classes = {
        c
        for c in ontology.subjects(RDF.type, OWL.Class)
        if str(c).startswith("https://w3id.org/imet-kg/ontology#")
    }
    uncovered = [
        str(c)
        for c in classes
        if not targeted & set(ontology.transitive_objects(c, RDFS.subClassOf))
    ]
    assert classes
    assert uncovered == []
