"""Network projections: the nodes and edges each one draws from the seed facts."""

from __future__ import annotations

import networkx as nx
import pytest

from imet_kg import ImetKgError, KnowledgeGraph, Layout
from imet_kg.network.projections import node_info, project, projection_queries

ID = "https://w3id.org/imet-kg/id/"
IMET = "https://w3id.org/imet-kg/ontology#"


@pytest.fixture(scope="module")
def networks(graph: KnowledgeGraph, layout: Layout) -> dict[str, nx.MultiDiGraph]:
    return {name: project(graph, layout, name) for name in projection_queries(layout)}


def edges(network: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {
        (
            s.removeprefix(ID),
            d["predicate"].rsplit("#", 1)[-1].rsplit("/", 1)[-1],
            t.removeprefix(ID),
        )
        for s, t, d in network.edges(data=True)
    }


def test_projections_are_declared_as_files(layout: Layout) -> None:
    queries = projection_queries(layout)
    assert set(queries) == {"agencies", "legislation", "countries", "full", "training"}
    assert all(query.summary for query in queries.values())


def test_agencies(networks: dict[str, nx.MultiDiGraph]) -> None:
    agencies = networks["agencies"]
    assert agencies.number_of_nodes() == 14
    assert agencies.number_of_edges() == 18
    assert {
        ("agency/pm", "subOrganizationOf", "agency/dos"),
        ("agency/pm", "directsPolicyOf", "programme/imet"),
        ("agency/pm", "administers", "programme/imet"),
        ("agency/dod", "administers", "programme/imet"),
        ("agency/dsca", "oversees", "programme/imet"),
        ("agency/us-embassies", "coordinates", "programme/imet"),
        ("agency/congress", "establishes", "programme/imet"),
        ("agency/congress", "appropriatesFundsFor", "programme/imet"),
        ("agency/gao", "assesses", "programme/imet"),
        ("school/whinsec", "teaches", "programme/imet"),
    } <= edges(agencies)
    part_of = agencies.get_edge_data(f"{ID}agency/pm", f"{ID}agency/dos")[0]
    assert part_of["sources"] == (
        "000_fc129664c0adaa1d.txt, 001_358cadeb3b244d6b.txt, "
        "002_bd488ab840eb77a1.txt, 003_acfba072ead0065f.txt"
    )
    assert part_of["label"] == "is part of organisation"
    assert part_of["claims"] == f"{ID}claim/pm-part-of-dos"
    assert agencies.nodes[f"{ID}agency/pm"]["label"] == "Bureau of Political-Military Affairs"
    assert agencies.nodes[f"{ID}agency/pm"]["type"] == "imet:Bureau"
    assert not any(node.startswith(f"{ID}act/") for node in agencies)


def test_legislation(networks: dict[str, nx.MultiDiGraph]) -> None:
    legislation = networks["legislation"]
    assert edges(legislation) == {
        ("act/pl-94-329", "amends", "act/pl-87-195"),
        ("act/pl-94-329", "establishes", "programme/imet"),
        ("act/arms-export-control-act", "establishes", "programme/imet"),
        ("act/pl-87-195-section-541", "authorises", "programme/imet"),
        ("act/pl-87-195-section-541", "is_part_of", "act/pl-87-195-part-1-chapter-5"),
        ("act/pl-87-195-part-1-chapter-5", "is_part_of", "act/pl-87-195-part-1"),
        ("act/pl-87-195-part-1", "is_part_of", "act/pl-87-195"),
    }


def test_countries(networks: dict[str, nx.MultiDiGraph]) -> None:
    countries = networks["countries"]
    pakistan = [
        (d["label"], d.get("date", ""))
        for _, _, d in countries.out_edges(f"{ID}country/PK", data=True)
    ]
    assert sorted(pakistan) == sorted(
        [
            ("participation", "1960s"),
            ("suspension", "1990s"),
            ("resumption", ""),
            ("announcement", "2017-09"),
            ("suspension", "2018-08"),
            ("resumption", ""),
            ("resumption", "2019-12"),
            ("outcome", ""),
        ]
    )
    assert {node.removeprefix(ID) for node in countries} == {
        "country/PK",
        "country/SA",
        "country/EG",
        "country/ML",
        "country/SN",
        "programme/imet",
    }


def test_full_has_every_entity_and_claim_edges(
    graph: KnowledgeGraph, networks: dict[str, nx.MultiDiGraph]
) -> None:
    full = networks["full"]
    assert set(full) == set(node_info(graph, {}))
    assert f"{ID}agency/usasac" in full
    assert full.degree(f"{ID}agency/usasac") == 0
    instrument = full.get_edge_data(f"{ID}agency/congress", f"{ID}act/pl-94-329")[0]
    assert instrument["label"] == "establishes (legal instrument)"
    assert all(d.get("sources") for _, _, d in full.edges(data=True))


def test_training_is_empty_before_an_import(networks: dict[str, nx.MultiDiGraph]) -> None:
    assert networks["training"].number_of_edges() == 0


def test_unknown_projection(graph: KnowledgeGraph, layout: Layout) -> None:
    with pytest.raises(ImetKgError, match="no projection named 'nope'"):
        project(graph, layout, "nope")
