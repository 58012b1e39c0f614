"""The curated data itself: sources match the seed files, codes are real ISO codes, every
entity is named, and the context declares each prefix once."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pycountry
import pyoxigraph as ox
import pytest

from imet_kg import KnowledgeGraph, Layout
from imet_kg.sparql import internal_query

from .conftest import SEEDS, subject, value

IMET = "https://w3id.org/imet-kg/ontology#"


def values(
    graph: KnowledgeGraph, subject: ox.NamedNode | ox.BlankNode, predicate: str
) -> list[str]:
    quads = graph.store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
    return sorted({value(quad.object) for quad in quads})


def sources(graph: KnowledgeGraph) -> dict[str, str]:
    files = graph.store.quads_for_pattern(None, ox.NamedNode(f"{IMET}fileName"), None)
    return {value(q.object): values(graph, subject(q.subject), f"{IMET}sha256")[0] for q in files}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside the checkout")
def test_every_seed_is_a_source_with_its_digest(graph: KnowledgeGraph) -> None:
    on_disk = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in SEEDS.glob("*.txt")
    }
    assert sources(graph) == on_disk


def test_country_codes_are_iso_3166(graph: KnowledgeGraph) -> None:
    codes = list(graph.store.quads_for_pattern(None, ox.NamedNode(f"{IMET}isoCode"), None))
    assert len(codes) >= 9
    for quad in codes:
        code = value(quad.object)
        [label] = values(
            graph, subject(quad.subject), "http://www.w3.org/2004/02/skos/core#prefLabel"
        )
        country = pycountry.countries.get(alpha_2=code)
        assert country is not None, f"{code} is not an ISO 3166-1 alpha-2 code"
        names = {country.name, getattr(country, "common_name", country.name)}
        assert label in names or label == "United States", (code, label)


def test_every_claim_names_its_sources(graph: KnowledgeGraph) -> None:
    counts = graph.select(internal_query("claim-count")).dicts()[0]
    by_source = graph.select(internal_query("claims-by-source")).dicts()
    assert int(counts["claims"].value) >= 70  # type: ignore[union-attr]
    assert all(int(row["count"].value) > 0 for row in by_source)  # type: ignore[union-attr]


def test_no_noise_from_the_seeds_entered_the_graph(layout: Layout) -> None:
    """Chat lines and page chrome are not data (the source caveats may describe them)."""
    files = [path for path in layout.curated_files() if path.stem != "sources"]
    text = "\n".join(path.read_text(encoding="utf-8") for path in files)
    for noise in ("gollark", "self-driving", "colony ship", "Akismet", "View Full Data Set", "🐝"):
        assert noise not in text


def test_context_declares_each_key_once(layout: Layout) -> None:
    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in pairs]
        duplicated = {key for key in keys if keys.count(key) > 1}
        assert not duplicated, f"{layout.context_file} declares {duplicated} twice"
        return dict(pairs)

    json.loads(layout.context_file.read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)


def test_one_file_per_concern(layout: Layout) -> None:
    names = {path.stem for path in layout.curated_files()}
    assert {
        "sources",
        "legislation",
        "agencies",
        "programmes",
        "schools",
        "countries",
        "events",
        "statistics",
    } <= names


def test_installed_data_layout_matches_checkout(layout: Layout) -> None:
    for path in (layout.ontology_file, layout.shapes_file, layout.context_file):
        assert path.is_file()
    assert Path(layout.rules_dir).is_dir()
    assert Path(layout.checks_dir).is_dir()
