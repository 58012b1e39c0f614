"""The interactive pages in real headless Chromium (Debian's, driven by Playwright): every
entity drawn, search and type filter working, no console error, no request off the page;
screenshots are kept in tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from imet_kg import KnowledgeGraph, Layout
from imet_kg.network.interactive import network_page
from imet_kg.network.projections import project
from imet_kg.network.timeline import render_timeline

from ..conftest import ARTIFACTS, PageWatch


@pytest.mark.parametrize("name", ["agencies", "full"])
def test_network_page(
    browser: object, graph: KnowledgeGraph, layout: Layout, tmp_path: Path, name: str
) -> None:
    network = project(graph, layout, name)
    path = tmp_path / f"{name}.html"
    path.write_text(network_page(network), encoding="utf-8")
    watch = PageWatch(browser, path)
    page = watch.page
    watch.wait_for("window.imetNetwork !== undefined")
    counts = page.evaluate(
        "[imetNetwork.nodeCount, imetNetwork.edgeCount, imetNetwork.visibleNodes()]"
    )
    assert counts == [
        network.number_of_nodes(),
        network.number_of_edges(),
        network.number_of_nodes(),
    ]
    drawn = page.evaluate("Object.keys(imetNetwork.network.getPositions()).length")
    assert drawn == network.number_of_nodes()
    watch.wait_for("imetNetwork.settled()", timeout=30)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    page.fill("#search", "Defense")
    selected = page.evaluate("imetNetwork.selectedNodes()")
    assert "https://w3id.org/imet-kg/id/agency/dod" in selected
    page.uncheck("#types input[value='imet:School']")
    schools = sum(1 for _, data in network.nodes(data=True) if data["type"] == "imet:School")
    assert page.evaluate("imetNetwork.visibleNodes()") == network.number_of_nodes() - schools
    assert page.inner_text("#count").startswith(f"{network.number_of_nodes() - schools} of ")

    assert watch.errors == []
    assert watch.outside == []


def test_edge_details_show_sources(
    browser: object, graph: KnowledgeGraph, layout: Layout, tmp_path: Path
) -> None:
    path = tmp_path / "agencies.html"
    path.write_text(network_page(project(graph, layout, "agencies")), encoding="utf-8")
    watch = PageWatch(browser, path)
    page = watch.page
    watch.wait_for("window.imetNetwork !== undefined")
    edge = page.evaluate(
        "imetNetwork.network.body.data.edges.get()"
        ".find(e => e.data.label === 'is part of organisation').id"
    )
    page.evaluate(f"imetNetwork.network.emit('click', {{nodes: [], edges: ['{edge}']}})")
    details = page.inner_text("#details")
    assert "is part of organisation" in details
    assert "001_358cadeb3b244d6b.txt" in details
    assert watch.errors == []


def test_timeline_page(
    browser: object, graph: KnowledgeGraph, layout: Layout, tmp_path: Path
) -> None:
    path = tmp_path / "pakistan.html"
    path.write_bytes(render_timeline(graph, layout, "PK", "html"))
    watch = PageWatch(browser, path)
    page = watch.page
    assert page.locator("#events tbody tr").count() == 8
    assert page.locator("svg").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "timeline-pakistan.png"), full_page=True)
    assert watch.errors == []
    assert watch.outside == []
