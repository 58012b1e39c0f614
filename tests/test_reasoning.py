"""The ontology, alone and with the curated data, is consistent under the HermiT OWL reasoner
and has no unsatisfiable class. HermiT runs on Java: `./scripts/test` installs it when missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from imet_kg import KnowledgeGraph, Layout
from imet_kg.store.graph import parse_file
from imet_kg.terms import rdflib_graph


def reason(triples_file: Path) -> list[str]:
    import owlready2

    world = owlready2.World()
    world.get_ontology(triples_file.as_uri()).load()
    # gYear and gYearMonth are outside the OWL 2 datatype map; HermiT skips such literals.
    owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    return [str(cls.iri) for cls in world.inconsistent_classes()]


@pytest.fixture(scope="module")
def java() -> None:
    if shutil.which("java") is None:
        pytest.fail("java is not installed; ./scripts/test installs default-jre-headless")


@pytest.mark.usefixtures("java")
def test_ontology_is_consistent(layout: Layout, tmp_path: Path) -> None:
    path = tmp_path / "ontology.nt"
    rdflib_graph(parse_file(layout.ontology_file)).serialize(path, format="nt", encoding="utf-8")
    assert reason(path) == []


@pytest.mark.usefixtures("java")
def test_ontology_with_curated_data_is_consistent(graph: KnowledgeGraph, tmp_path: Path) -> None:
    path = tmp_path / "graph.nt"
    rdflib_graph(graph.triples()).serialize(path, format="nt", encoding="utf-8")
    assert reason(path) == []


@pytest.mark.usefixtures("java")
def test_reasoner_detects_a_disjointness_clash(layout: Layout, tmp_path: Path) -> None:
    import owlready2

    graph = rdflib_graph(parse_file(layout.ontology_file))
    clash = tmp_path / "clash.ttl"
    clash.write_text(
        "@prefix imet: <https://w3id.org/imet-kg/ontology#> .\n"
        "<https://w3id.org/imet-kg/id/test/both> a imet:Country, imet:Body .\n"
    )
    graph.parse(clash, format="turtle")
    path = tmp_path / "clash.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        reason(path)
