"""The analysts' tasks, by clicks from the home page, in real Chromium through a real server
on loopback over a store of the records of Pakistan, Egypt and Saudi Arabia: no console
error, no request off the site, and screenshots of each page at desktop and phone widths
in tests/artifacts/ for review."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imet_kg import Layout
from imet_kg.store.persistent import open_store
from imet_kg.web.app import create_app

from ..conftest import ARTIFACTS, PageWatch, server_in_thread

WIDTHS = {"desktop": 1400, "phone": 390}


@pytest.fixture(scope="module")
def server(analyst_store: Path, layout: Layout) -> Iterator[str]:
    graph = open_store(analyst_store, layout)
    with server_in_thread(create_app(graph, layout, query_processes=1)) as port:
        yield f"http://127.0.0.1:{port}/"


def screenshots(page: Any, name: str, selector: str) -> None:
    """The page at each width, scrolled to what the task is about."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.locator(selector).first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # a chart is drawn again at the new width
        page.screenshot(path=str(ARTIFACTS / f"task-{name}-{width_name}.png"))
        # nothing wider than the screen but the tables that scroll inside their frame
        wider = page.evaluate(
            "Array.from(document.querySelectorAll('main > *'))"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(e => e.tagName + '#' + e.id)"
        )
        assert wider == [], f"{width_name}: {wider}"
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def api(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_pakistan_shows_the_fy2019_drop_with_the_suspension_marked(
    browser: object, server: str
) -> None:
    watch = PageWatch(browser, server, url=True)
    page = watch.page
    page.click("text=Pakistan")  # 1: from the home page's "Start here"
    page.wait_for_url(f"{server}id/country/PK")
    watch.wait_for("document.querySelector('#country-chart[data-drawn]')")
    chart = page.locator("#country-chart")
    # the suspension is marked, and hovering it says what happened and who says so
    marker = chart.locator("line[aria-label='suspension 2018-08']").first
    assert marker.count() == 1
    title = marker.evaluate("line => line.querySelector('title').textContent")
    assert "2018-08, suspension" in title
    assert "Sources: " in title
    assert "Seed 003: International Military Education and Training" in title
    assert ".txt" not in title  # sources by title, not file name
    # clicking the marker opens the event
    link = marker.evaluate(
        "line => line.parentElement.getAttributeNS('http://www.w3.org/1999/xlink', 'href')"
    )
    assert link == f"{server}id/claim/pakistan-suspended-2018"
    # the students by year: FY2019 far below FY2018, each figure on hover
    figures = chart.locator("svg").first.locator("title").all_text_contents()
    students = {
        text.split(":")[0]: int(text.split(": ")[1].split(" ")[0].replace(",", ""))
        for text in figures
        if text.startswith("FY") and "line items" in text
    }
    assert students["FY2019"] < students["FY2018"] / 2
    rows = api(f"{server}api/queries/country-training?country=PK")["results"]["bindings"]
    by_year = {row["year"]["value"]: int(row["lineItemStudents"]["value"]) for row in rows}
    assert students["FY2019"] == by_year["2019"]
    # the marker sits between the FY2018 and FY2019 points on the axis
    ticks = dict(
        chart.locator("svg").first.evaluate(
            "svg => Array.from(svg.querySelectorAll('[aria-label=\"x-axis tick label\"] text'))"
            ".map(t => { const b = t.getBoundingClientRect(); "
            "return [t.textContent, b.x + b.width / 2]; })"
        )
    )
    line = marker.evaluate("line => line.getBoundingClientRect().x")
    fy2018 = (ticks["FY2017"] + ticks["FY2019"]) / 2  # the axis labels every other year
    assert fy2018 < line < ticks["FY2019"]
    screenshots(page, "pakistan", "#country-chart")
    assert watch.errors == []
    assert watch.outside == []


def test_country_training_for_egypt_from_its_form(browser: object, server: str) -> None:
    watch = PageWatch(browser, server, url=True)
    page = watch.page
    page.click("nav.site >> text=Saved queries")  # 1
    page.click("a[href$='queries/country-training']")  # 2
    field = page.locator("input[name='country']")
    field.type("Egy")
    watch.wait_for(
        "Array.from(document.querySelectorAll('#lookup-country option'))"
        ".some(o => o.value === 'Egypt')"
    )
    field.fill("Egypt")
    page.click("button[type='submit']")  # 3
    page.wait_for_url(f"{server}queries/country-training?country=Egypt")
    rows = page.locator("table.answer tbody tr")
    expected = api(f"{server}api/queries/country-training?country=EG")["results"]["bindings"]
    assert rows.count() == len(expected) > 15
    header = page.locator("table.answer thead th").all_text_contents()
    assert [name.strip() for name in header][:2] == ["year", "status"]
    # sorted by students, most first, by a click on the column
    page.click("table.answer thead >> text=lineItemStudents")
    page.click("table.answer thead >> text=lineItemStudents")
    column = [name.strip().rstrip(" ▲▼") for name in header].index("lineItemStudents")
    shown = [
        int(text)
        for text in page.locator(
            f"table.answer tbody td:nth-child({column + 1})"
        ).all_text_contents()
        if text.strip()
    ]
    assert shown == sorted(shown, reverse=True)
    assert "_sort=lineItemStudents" in page.url
    # the download is the whole answer as CSV
    with page.expect_download() as started:
        page.click("text=CSV")
    saved = started.value.path()
    lines = Path(str(saved)).read_text(encoding="utf-8").splitlines()
    assert len(lines) - 1 == len(expected)
    screenshots(page, "egypt-country-training", "table.answer")
    # a row's year opens the records behind it, and a record its page
    line_items = [name.strip().rstrip(" ▲▼") for name in header].index("lineItems")
    first = page.locator("table.answer tbody tr").first
    year = first.locator("td").nth(0).inner_text().strip()
    items = int(first.locator("td").nth(line_items).inner_text())
    first.locator("td").nth(0).locator("a").click()
    page.wait_for_url(f"{server}training?country=EG&year={year}")
    assert f"its {items:,} line items" in page.locator("p.found").inner_text()
    page.click("table.records tbody tr >> nth=0 >> text=open")
    assert "/id/training/fmtr-" in page.url
    assert watch.errors == []
    assert watch.outside == []


def test_saudi_records_by_place_through_the_facets(browser: object, server: str) -> None:
    """The task as filed asked for the Saudi records at Lackland; the IMET records of Saudi
    Arabia place none there (they are at Monterey and Fort Leavenworth), and the facets say
    so rather than showing an empty table."""
    watch = PageWatch(browser, server, url=True)
    page = watch.page
    page.click("nav.site >> text=Training records")  # 1
    page.click("details[data-facet='country'] >> text=Saudi Arabia")  # 2
    page.wait_for_url(f"{server}training?country=SA")
    places = page.locator("details[data-facet='place'] li a").all_text_contents()
    assert "Defense Resources Management Institute" in places
    assert not any("Lackland" in place for place in places)
    page.click("details[data-facet='place'] >> text=Defense Resources Management Institute")
    page.wait_for_url(f"{server}training?country=SA&place=school%2Fdrmi")
    shown = page.locator("table.records tbody tr").count()
    assert shown == int(page.locator("p.found strong").inner_text())
    with page.expect_download() as started:
        page.click("p.formats >> text=CSV")  # 3
    saved = Path(str(started.value.path())).read_text(encoding="utf-8").splitlines()
    assert len(saved) - 1 == shown
    assert all(",SA,Saudi Arabia," in line for line in saved[1:])
    # each record links to its page, which cites its report edition and page
    page.click("table.records tbody tr >> nth=0 >> text=open")
    assert "/id/training/fmtr-" in page.url
    page.go_back()
    screenshots(page, "saudi-training", "table.records")
    assert watch.errors == []
    assert watch.outside == []


def test_a_record_of_egypt_in_three_clicks_from_home(browser: object, server: str) -> None:
    watch = PageWatch(browser, server, url=True)
    page = watch.page
    page.click("main >> text=Egypt")  # 1
    page.wait_for_url(f"{server}id/country/EG")
    page.click("#country-years >> text=FY2010")  # 2: the year's records
    page.wait_for_url(f"{server}training?country=EG&year=2010")
    shown = int(page.locator("p.found strong").inner_text().replace(",", ""))
    listed = page.locator("#country-years").count()
    assert shown > 0
    assert listed == 0
    page.click("table.records tbody tr >> nth=0 >> text=open")  # 3: a record
    assert "/id/training/fmtr-" in page.url
    assert page.locator("h1").count() == 1
    assert watch.errors == []
    assert watch.outside == []
