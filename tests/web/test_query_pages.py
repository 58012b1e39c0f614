"""Saved queries as pages: the list, the form, the answer as a sorted, paged, labelled table
that agrees with the API, whole downloads past the page's row limit, and every refusal naming
what is wrong."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from imet_kg import KnowledgeGraph, Layout
from imet_kg.store.persistent import open_store
from imet_kg.web.app import create_app
from imet_kg.web.endpoint import Limits
from imet_kg.web.tables import PAGE_ROWS

ID = "https://w3id.org/imet-kg/id/"


class AnswerTable(HTMLParser):
    """The answer table of a page: its column names, and each cell's text and link."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.rows: list[list[tuple[str, str]]] = []
        self._in_table = self._in_head = self._in_cell = False
        self._text = ""
        self._href = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("class") == "answer":
            self._in_table = True
        elif self._in_table and tag == "thead":
            self._in_head = True
        elif self._in_table and tag == "tr" and not self._in_head:
            self.rows.append([])
        elif self._in_table and tag in ("td", "th"):
            self._in_cell, self._text, self._href = True, "", ""
        elif self._in_cell and tag == "a":
            self._href = found.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag == "thead":
            self._in_head = False
        elif self._in_table and tag in ("td", "th"):
            self._in_cell = False
            text = " ".join(self._text.split()).rstrip(" ▲▼")
            if tag == "th":
                self.columns.append(text)
            else:
                self.rows[-1].append((text, self._href))

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self._text += data


@pytest.fixture(scope="module")
def curated(graph: KnowledgeGraph, layout: Layout) -> Iterator[TestClient]:
    with TestClient(create_app(graph, layout, query_processes=1)) as client:
        yield client


@pytest.fixture(scope="module")
def sliced(sliced_store: Path, layout: Layout) -> Iterator[TestClient]:
    graph = open_store(sliced_store, layout)
    with TestClient(create_app(graph, layout, query_processes=1)) as client:
        yield client


def api_rows(client: TestClient, name: str, query: str = "") -> list[dict[str, dict[str, str]]]:
    response = client.get(f"/api/queries/{name}?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    rows: list[dict[str, dict[str, str]]] = response.json()["results"]["bindings"]
    return rows


def test_the_list_links_every_saved_query(curated: TestClient, layout: Layout) -> None:
    response = curated.get("/queries")
    assert response.status_code == 200
    names = sorted(path.stem for path in layout.queries_dir.glob("*.rq"))
    linked = re.findall(r'href="http://testserver/queries/([a-z-]+)"', response.text)
    assert sorted(linked) == names
    home = curated.get("/").text
    assert 'href="http://testserver/queries"' in home  # the navigation opens the page, not JSON


def test_a_query_without_its_values_shows_its_form(curated: TestClient) -> None:
    response = curated.get("/queries/country-timeline")
    assert response.status_code == 200
    field = re.search(r'<input type="text" name="country"[^>]*>', response.text)
    assert field is not None
    assert "required" in field.group(0)
    assert 'data-kind="country"' in field.group(0)  # the type-ahead offers countries
    assert 'placeholder="PK"' in field.group(0)
    assert AnswerTable(response.text).rows == []
    year = curated.get("/queries/school-ranking").text
    assert re.search(r'<input type="number" name="year"[^>]*min="1900"', year)


def test_the_table_agrees_with_the_api_with_labels_and_links(curated: TestClient) -> None:
    page = curated.get("/queries/country-timeline?country=Pakistan")
    assert page.status_code == 200
    shown = AnswerTable(page.text)
    rows = api_rows(curated, "country-timeline", "country=PK")
    assert 0 < len(rows) <= PAGE_ROWS
    assert len(shown.rows) == len(rows)
    variables = list(rows[0])
    for name in shown.columns:
        assert name in variables or any(name in row for row in rows)
    for cells, row in zip(shown.rows, rows, strict=True):
        for name, (text, href) in zip(shown.columns, cells, strict=True):
            term = row.get(name)
            if name in ("sources", "disputedBy", "aiOnly"):
                continue  # shown for people: test_provenance
            if term is None:
                assert text == ""
            elif term["type"] == "uri" and term["value"].startswith(ID):
                # the entity's page on this server, shown by its label rather than its IRI
                assert href == "http://testserver/id/" + term["value"].removeprefix(ID)
                assert text
                assert text != term["value"]
                assert curated.get(href).status_code == 200
            else:
                assert text == " ".join(term["value"].split())
    assert "permalink" in page.text


def test_sorting_and_paging_follow_the_values(sliced: TestClient) -> None:
    rows = api_rows(sliced, "course-catalogue")
    assert len(rows) > 2 * PAGE_ROWS
    students = sorted((Decimal(row["totalStudents"]["value"]) for row in rows), reverse=True)
    first = AnswerTable(sliced.get("/queries/course-catalogue?_sort=totalStudents&_desc=1").text)
    column = first.columns.index("totalStudents")
    assert [Decimal(cells[column][0]) for cells in first.rows] == students[:PAGE_ROWS]
    second = AnswerTable(
        sliced.get("/queries/course-catalogue?_sort=totalStudents&_desc=1&_page=2").text
    )
    shown = [Decimal(cells[column][0]) for cells in second.rows]
    assert shown == students[PAGE_ROWS : 2 * PAGE_ROWS]
    ascending = AnswerTable(sliced.get("/queries/course-catalogue?_sort=totalStudents").text)
    # numbers as numbers: 9 before 10
    assert [Decimal(c[column][0]) for c in ascending.rows] == sorted(students)[:PAGE_ROWS]


def test_a_download_is_the_whole_answer(sliced: TestClient) -> None:
    whole = sliced.get("/queries/country-training.csv?country=NG")
    assert whole.status_code == 200
    assert whole.headers["content-type"].startswith("text/csv")
    assert 'filename="country-training-NG.csv"' in whole.headers["content-disposition"]
    api = sliced.get("/api/queries/country-training?country=NG&format=csv")
    assert whole.content == api.content
    tsv = sliced.get("/queries/country-training.tsv?country=NG")
    assert len(tsv.text.splitlines()) == len(whole.text.splitlines())
    document = sliced.get("/queries/country-training.json?country=NG").json()
    assert len(document["results"]["bindings"]) == len(whole.text.splitlines()) - 1


def test_past_the_row_limit_the_page_refuses_and_the_download_gives_every_row(
    sliced_store: Path, layout: Layout, sliced: TestClient
) -> None:
    graph = open_store(sliced_store, layout)
    with TestClient(create_app(graph, layout, limits=Limits(rows=10), query_processes=1)) as client:
        page = client.get("/queries/course-catalogue")
        assert page.status_code == 422
        assert "10" in page.text
        assert "row" in page.text
        assert "queries/course-catalogue.csv" in page.text  # the way to the whole answer
        rows = list(csv.reader(io.StringIO(client.get("/queries/course-catalogue.csv").text)))
    assert len(rows) - 1 > 10
    assert len(rows) - 1 == len(api_rows(sliced, "course-catalogue"))


@pytest.mark.parametrize(
    ("url", "status", "named"),
    [
        ("/queries/country-timeline?bogus=1", 400, "'bogus'"),
        ("/queries/country-timeline?country=PK&country=EG", 400, "'country'"),
        ("/queries/country-timeline?country=PK&_page=x", 400, "'_page'"),
        ("/queries/country-timeline?country=Atlantis", 400, "Atlantis"),
        ("/queries/school-ranking?year=twenty", 400, "'year'"),
        ("/queries/no-such-query", 404, "no-such-query"),
        ("/queries/no-such-query.csv", 404, "no-such-query"),
        ("/queries/country-timeline.csv?country=Atlantis", 400, "Atlantis"),
        ("/queries/country-timeline.csv?country=PK&_page=2", 400, "'_page'"),
    ],
)
def test_bad_values_are_refused_naming_them(
    curated: TestClient, url: str, status: int, named: str
) -> None:
    response = curated.get(url)
    assert response.status_code == status
    assert named in html.unescape(response.text)


def test_the_country_page_links_its_training_to_the_query_page(sliced: TestClient) -> None:
    page = sliced.get("/id/country/NG").text
    link = re.search(r'<a href="([^"]+)">training by fiscal year</a>', page)
    assert link is not None
    assert link.group(1) == "http://testserver/queries/country-training?country=NG"
    table = AnswerTable(sliced.get(link.group(1)).text)
    assert "FY" not in table.columns
    assert "year" in table.columns
    assert len(table.rows) == len(api_rows(sliced, "country-training", "country=NG"))


def test_a_repeated_query_is_answered_from_the_cache(graph: KnowledgeGraph, layout: Layout) -> None:
    app = create_app(graph, layout, query_processes=1)
    site = app.state.site
    with TestClient(app) as client:
        first = client.get("/api/queries/country-timeline?country=PK&format=json")
        runs: list[str] = []
        run = site.processes.run

        async def counted(sparql: str, **options: object) -> object:
            runs.append(sparql)
            return await run(sparql, **options)

        site.processes.run = counted
        again = client.get("/api/queries/country-timeline?country=PK&format=json")
        assert again.content == first.content
        assert runs == []
        # another value, or another format, is another answer
        client.get("/api/queries/country-timeline?country=EG&format=json")
        client.get("/api/queries/country-timeline?country=PK&format=csv")
        assert len(runs) == 2
        # the page and its sorts share one run of the query, and the API's JSON answer
        client.get("/queries/country-timeline?country=SA")
        client.get("/queries/country-timeline?country=SA&_sort=date&_desc=1")
        client.get("/api/queries/country-timeline?country=SA&format=json")
        client.get("/queries/country-timeline?country=PK")
        assert len(runs) == 3
    assert json.loads(first.content)["results"]["bindings"]
