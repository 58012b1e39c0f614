"""Provenance a person can read: in the saved queries' answers, a claim resting only on the
AI-written source is flagged, a claim another source contradicts names it, and corroborated
claims come first; on pages, sources by title with their publisher and caveats, not file
names, with the same flags and "disputed by" links."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from imet_kg import KnowledgeGraph, Layout
from imet_kg.query.run import run_saved_query
from imet_kg.store.graph import QueryResult
from imet_kg.terms import term_text
from imet_kg.web.app import create_app

ID = "https://w3id.org/imet-kg/id/"


@pytest.fixture(scope="module")
def client(graph: KnowledgeGraph, layout: Layout) -> Iterator[TestClient]:
    with TestClient(create_app(graph, layout, query_processes=1)) as test_client:
        yield test_client


def rows(graph: KnowledgeGraph, layout: Layout, name: str, **values: str) -> list[dict[str, str]]:
    _, answer = run_saved_query(graph, layout, name, values)
    assert isinstance(answer, QueryResult)
    return [{k: term_text(v) for k, v in row.items()} for row in answer.dicts()]


def ai_written_files(graph: KnowledgeGraph) -> set[str]:
    answer = graph.select(
        "PREFIX imet: <https://w3id.org/imet-kg/ontology#> "
        "SELECT ?file WHERE { ?s a imet:AIGeneratedSource ; imet:fileName ?file }"
    )
    return {term_text(row[0]) for row in answer.rows}


def test_who_administers_flags_claims_only_the_ai_written_source_makes(
    graph: KnowledgeGraph, layout: Layout
) -> None:
    ai = ai_written_files(graph)
    assert ai  # the seeds hold one AI-written article
    answer = rows(graph, layout, "who-administers", programme="IMET")
    for row in answer:
        files = {part.strip() for part in row["sources"].split(",")}
        assert (row["aiOnly"] == "true") == (files <= ai), row["claim"]
    assert any(row["aiOnly"] == "true" for row in answer)
    assert any(row["aiOnly"] == "false" for row in answer)
    # within a role, the claim more sources state comes first
    administers = [row for row in answer if row["roleLabel"] == "administers"]
    counts = [len(row["sources"].split(",")) for row in administers]
    assert counts == sorted(counts, reverse=True)
    assert administers[0]["claim"] == f"{ID}claim/dod-administers-imet"


def test_contradicting_claims_name_each_other(graph: KnowledgeGraph, layout: Layout) -> None:
    answer = {row["event"]: row for row in rows(graph, layout, "country-timeline", country="PK")}
    restored, not_restored = (
        f"{ID}claim/pakistan-reinstated",
        f"{ID}claim/pakistan-training-not-restored",
    )
    assert not_restored in answer[restored]["disputedBy"].split()
    assert restored in answer[not_restored]["disputedBy"].split()
    assert all(
        not row["disputedBy"]
        for event, row in answer.items()
        if event not in (restored, not_restored)
    )


def test_pages_show_sources_by_title_and_disputes(client: TestClient) -> None:
    page = html.unescape(client.get("/id/country/PK").text)
    claims = page[page.index('<section class="claim">') :]
    assert not re.search(r">\d{3}_[0-9a-f]{16}\.txt<", claims)  # no file names as links
    assert "Seed 003: International Military Education and Training (wiki markup)" in claims
    assert re.search(r'title="[^"]*Wiki-markup text of an encyclopedia article', claims)  # caveats
    assert "Disputed by <a" in claims
    congress = html.unescape(client.get("/id/agency/congress").text)
    assert "Only the AI-written source states this." in congress


def test_the_query_page_shows_sources_by_title_with_flags(client: TestClient) -> None:
    page = html.unescape(client.get("/queries/who-administers?programme=IMET").text)
    assert "only the AI-written source states this" in page
    assert "Seed 004: What Is International Military Education and Training? (AI-written)" in page
    assert not re.search(r">\d{3}_[0-9a-f]{16}\.txt<", page)
