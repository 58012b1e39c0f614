"""A real uvicorn server on loopback: SPARQLWrapper as a SPARQL client, plain HTTP for
dereferencing, and the pages in headless Chromium (no console error, links navigate, the
query page runs a query)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
import rdflib
from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from imet_kg import KnowledgeGraph, Layout
from imet_kg.web.app import create_app

from ..conftest import ARTIFACTS, ROOT, PageWatch, server_in_thread

ID = "https://w3id.org/imet-kg/id/"


@pytest.fixture(scope="module")
def server(graph: KnowledgeGraph, layout: Layout) -> Iterator[str]:
    with server_in_thread(create_app(graph, layout)) as port:
        yield f"http://127.0.0.1:{port}/"


def test_sparqlwrapper_runs_who_administers(server: str) -> None:
    client = SPARQLWrapper(f"{server}sparql")
    client.setQuery((ROOT / "queries" / "who-administers.rq").read_text(encoding="utf-8"))
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    assert isinstance(result, dict)
    holders = {row["holder"]["value"] for row in result["results"]["bindings"]}
    assert {f"{ID}agency/pm", f"{ID}agency/dod", f"{ID}agency/dsca"} <= holders


def test_sparqlwrapper_post_and_refusal(server: str) -> None:
    client = SPARQLWrapper(f"{server}sparql")
    client.setMethod("POST")
    client.setQuery("ASK { <https://w3id.org/imet-kg/id/country/PK> ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert() == {"head": {}, "boolean": True}
    client.setQuery("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    with pytest.raises(QueryBadFormed, match="SERVICE is refused"):
        client.queryAndConvert()


def test_turtle_over_http(server: str) -> None:
    request = urllib.request.Request(f"{server}id/agency/dod", headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/turtle")
        graph = rdflib.Graph().parse(data=response.read(), format="turtle")
    assert (rdflib.URIRef(f"{ID}agency/dod"), None, None) in graph


def test_resource_page_links_navigate(browser: object, server: str) -> None:
    watch = PageWatch(browser, server + "id/agency/pm", url=True)
    page = watch.page
    assert page.locator("h1").inner_text() == "Bureau of Political-Military Affairs"
    page.locator("a", has_text="United States Department of State").first.click()
    page.wait_for_load_state()
    assert page.url == f"{server}id/agency/dos"
    assert page.locator("h1").inner_text() == "United States Department of State"
    page.locator("a", has_text="Seed 000: What is the International Military").first.click()
    page.wait_for_load_state()
    assert page.url == f"{server}id/source/seed-000"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "resource-page.png"), full_page=True)
    assert watch.errors == []
    assert watch.outside == []


def test_query_page_runs_an_example(browser: object, server: str) -> None:
    watch = PageWatch(browser, server + "sparql", url=True)
    page = watch.page
    watch.wait_for("window.imetQuery && window.imetQuery.ready")
    assert page.evaluate("window.imetQuery.editor !== null")  # the bundled editor, offline
    assert page.locator(".CodeMirror").count() == 1
    # the first query declares the project's prefixes, and its answer is labelled and linked
    first = page.evaluate("window.imetQuery.text()")
    assert "PREFIX imet: <https://w3id.org/imet-kg/ontology#>" in first
    page.click("button[type=submit]")
    watch.wait_for("document.querySelectorAll('#results tbody tr').length > 0")
    link = page.locator("#results tbody a", has_text="Bureau of Political-Military Affairs").first
    assert link.get_attribute("href") == f"{server}id/agency/pm"
    # a saved query as a starting point: its parameter bound to its example, so that the
    # text gives the saved query's answer
    page.select_option("#examples", "who-administers")
    chosen = page.evaluate("window.imetQuery.text()")
    assert "#+" not in chosen
    assert "VALUES (?_programme)" in chosen
    page.click("button[type=submit]")
    watch.wait_for("document.querySelector('#status').textContent.indexOf('row') > 0")
    with urllib.request.urlopen(
        urllib.request.Request(
            f"{server}api/queries/who-administers?programme=IMET",
            headers={"Accept": "application/sparql-results+json"},
        ),
        timeout=30,
    ) as response:
        expected = len(json.loads(response.read())["results"]["bindings"])
    assert page.locator("#results tbody tr").count() == expected > 0
    page.evaluate(
        "window.imetQuery.setText('SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }')"
    )
    page.click(".CodeMirror")
    page.keyboard.press("Control+Enter")  # runs from the editor
    watch.wait_for("document.querySelector('#results .error') !== null")
    assert "SERVICE is refused" in page.inner_text("#results")
    assert "read-only" in page.inner_text("#results .help")  # what the refusal means
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "query-page.png"), full_page=True)
    # The refused query answers 4xx, which the browser logs; nothing else may fail.
    assert [e for e in watch.errors if "40" not in e] == []
    assert watch.outside == []


def test_home_and_ontology_pages(browser: object, server: str) -> None:
    for path in ("", "ontology", "id/country/PK", "id/claim/pakistan-suspended-2018"):
        watch = PageWatch(browser, server + path, url=True)
        assert watch.page.locator("h1").count() == 1
        assert watch.errors == []
        assert watch.outside == []
