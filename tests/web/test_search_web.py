"""Search through a real server on loopback: the JSON API the type-ahead uses, its refusals
naming the parameter, a server without an index saying how to get one, and the search page
and the navigation box's type-ahead in real Chromium."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from imet_kg import KnowledgeGraph, Layout
from imet_kg.store.persistent import open_store
from imet_kg.web.app import create_app

from ..conftest import ARTIFACTS, PageWatch, server_in_thread

ID = "https://w3id.org/imet-kg/id/"


@pytest.fixture(scope="module")
def server(sliced_store: Path, layout: Layout) -> Iterator[str]:
    graph = open_store(sliced_store, layout)
    with server_in_thread(create_app(graph, layout, query_processes=1)) as port:
        yield f"http://127.0.0.1:{port}/"


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.headers.get("content-type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("content-type", "")


def test_the_api_finds_a_unit_by_an_abbreviation(server: str) -> None:
    status, body, media = get(f"{server}api/search?q=guards+bde&country=NG&limit=3")
    assert status == 200
    assert media.startswith("application/json")
    answer = json.loads(body)
    assert answer["query"] == "guards bde"
    best = answer["results"][0]
    assert best["iri"] == f"{ID}unit/NG/guards-brigade"
    assert best["url"] == f"{server}id/unit/NG/guards-brigade"
    assert best["kind"] == "unit"
    assert get(best["url"])[0] == 200  # the unit has a page


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("q=army&type=tank", "'type'"),
        ("q=army&limit=0", "'limit'"),
        ("q=army&limit=x", "'limit'"),
        ("q=army&q=navy", "'q'"),
        ("type=unit", "'q'"),
        ("q=" + "a" * 201, "'q'"),
        ("q=army&bogus=1", "'bogus'"),
        ("q=army&country=Atlantis", "Atlantis"),
        ("q=%22%20*%20-%20%5E", "give a word"),
    ],
)
def test_a_bad_search_is_a_400_naming_what_is_wrong(server: str, query: str, named: str) -> None:
    status, body, _ = get(f"{server}api/search?{query}")
    assert status == 400
    assert named in body.decode("utf-8")


def test_a_server_without_an_index_says_how_to_get_one(
    graph: KnowledgeGraph, layout: Layout
) -> None:
    with server_in_thread(create_app(graph, layout, query_processes=1)) as port:
        status, body, _ = get(f"http://127.0.0.1:{port}/api/search?q=army")
    assert status == 503
    assert "imet-kg build" in body.decode("utf-8")


def test_the_search_page_groups_results_and_links_them(browser: object, server: str) -> None:
    watch = PageWatch(browser, f"{server}search?q=lackland&type=school", url=True)
    page = watch.page
    sections = page.eval_on_selector_all("section.results", "s => s.map(e => e.dataset.kind)")
    assert sections == ["school"]
    links = page.eval_on_selector_all("section.results a", "a => a.map(e => e.href)")
    assert sorted(links) == [
        f"{server}id/school/dlielc",
        f"{server}id/school/inter-american-air-forces-academy",
    ]
    page.click("section.results a >> nth=0")
    page.wait_for_load_state()
    assert page.url in links
    ARTIFACTS.mkdir(exist_ok=True)
    assert watch.errors == []
    assert watch.outside == []


def test_the_navigation_box_suggests_as_one_types(browser: object, server: str) -> None:
    watch = PageWatch(browser, server, url=True)
    page = watch.page
    page.fill("nav form.nav-search input", "guards br")
    watch.wait_for("document.querySelectorAll('#nav-suggestions option').length > 0")
    offered = page.eval_on_selector_all("#nav-suggestions option", "o => o.map(e => e.value)")
    assert "GUARDS BRIGADE (Nigeria)" in offered
    page.screenshot(path=str(ARTIFACTS / "search-type-ahead.png"))
    # Choosing a suggestion opens its page.
    page.fill("nav form.nav-search input", "GUARDS BRIGADE (Nigeria)")
    page.wait_for_url(f"{server}id/unit/NG/guards-brigade")
    assert "GUARDS BRIGADE" in page.inner_text("h1")
    # Enter without choosing runs the search page.
    page.fill("nav form.nav-search input", "school of the americas")
    page.press("nav form.nav-search input", "Enter")
    page.wait_for_url(f"{server}search?q=school+of+the+americas")
    first = page.eval_on_selector("section.results a", "a => a.href")
    assert first == f"{server}id/school/whinsec"
    assert watch.errors == []
    assert watch.outside == []
