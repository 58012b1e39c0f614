"""The training-record browser over a store of Pakistan's, Egypt's and Saudi Arabia's records:
facet counts checked against the records file itself, filters combined in the URL, sorting
and pages, whole downloads of a view, refusals naming the parameter, and the table an
import writes equal to the one read back from the store it wrote."""

from __future__ import annotations

import csv
import html
import io
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from imet_kg import KnowledgeGraph, Layout
from imet_kg.search.index import SEARCH_FILE
from imet_kg.search.training import COLUMNS, open_training, write_training
from imet_kg.store.persistent import open_store
from imet_kg.web.app import create_app

from ..conftest import DATA, RECORDS, value

COUNTRIES = ("Pakistan", "Egypt", "Saudi Arabia")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    """The records of the three countries, read from the records file."""
    with RECORDS.open(encoding="utf-8", newline="") as handle:
        return [
            row
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            if row["country"] in COUNTRIES
        ]


@pytest.fixture(scope="module")
def client(analyst_store: Path, layout: Layout) -> Iterator[TestClient]:
    graph = open_store(analyst_store, layout)
    with TestClient(create_app(graph, layout, query_processes=1)) as test_client:
        yield test_client


def facet(page: str, name: str) -> dict[str, int]:
    """A facet's values and counts, as the page lists them."""
    block = re.search(rf'<details class="facet" data-facet="{name}".*?</details>', page, re.S)
    assert block is not None, name
    return {
        html.unescape(label): int(count.replace(",", ""))
        for label, count in re.findall(
            r'<a href="[^"]*">([^<]*)</a> <span class="count">([\d,]+)</span>', block.group(0)
        )
    }


def shown_records(page: str) -> int:
    found = re.search(r'role="status"><strong>([\d,]+)</strong>', page)
    assert found is not None
    return int(found.group(1).replace(",", ""))


def test_the_facets_count_the_records_file(client: TestClient, rows: list[dict[str, str]]) -> None:
    page = client.get("/training").text
    assert shown_records(page) == len(rows)
    assert facet(page, "country") == Counter(row["country"] for row in rows)
    pakistan = client.get("/training?country=PK").text
    assert shown_records(pakistan) == sum(row["country"] == "Pakistan" for row in rows)
    years = Counter(row["training_fy"] for row in rows if row["country"] == "Pakistan")
    assert facet(pakistan, "year") == years
    # the country facet still offers the other countries, with their own counts
    assert facet(pakistan, "country")["Egypt"] == sum(row["country"] == "Egypt" for row in rows)


def test_filters_combine_and_any_of_a_facet_s_values_matches(
    client: TestClient, rows: list[dict[str, str]]
) -> None:
    both = client.get("/training?country=PK&year=2018").text
    expected = [r for r in rows if r["country"] == "Pakistan" and r["training_fy"] == "2018"]
    assert shown_records(both) == len(expected)
    either = client.get("/training?year=2018&year=2019&country=EG").text
    assert shown_records(either) == sum(
        r["country"] == "Egypt" and r["training_fy"] in ("2018", "2019") for r in rows
    )


def test_saudi_arabia_s_records_by_place(client: TestClient, rows: list[dict[str, str]]) -> None:
    page = client.get("/training?country=SA").text
    places = facet(page, "place")
    saudi = [row for row in rows if row["country"] == "Saudi Arabia"]
    assert sum(places.values()) == len(saudi)
    # Monterey's two schools, and Fort Leavenworth's staff college
    monterey = sum("MONTEREY" in row["location"].upper() for row in saudi)
    assert places["Defense Resources Management Institute"] < monterey
    assert sum(n for name, n in places.items() if "Command" not in name) == monterey
    assert places["Command and General Staff College"] == sum(
        "LEAVENWORTH" in row["location"].upper() for row in saudi
    )
    # none of the IMET records of Saudi Arabia places its training at Lackland
    assert not any("lackland" in name.lower() for name in places)
    assert not any("LACKLAND" in row["location"].upper() for row in saudi)


def test_a_view_downloads_whole(client: TestClient, rows: list[dict[str, str]]) -> None:
    response = client.get("/training.csv?country=EG&_sort=students")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    egypt = [row for row in rows if row["country"] == "Egypt"]
    assert len(table) == len(egypt) > 1000  # past any page
    assert {row["country"] for row in table} == {"EG"}
    assert sum(int(r["students"] or 0) for r in table) == sum(
        int(r["quantity"]) for r in egypt if r["quantity"].isdigit()
    )
    document = client.get("/training.json?country=SA").json()
    assert len(document) == 14
    assert {record["place_label"] for record in document} >= {
        "Defense Resources Management Institute"
    }


def test_sorting_and_pages(client: TestClient) -> None:
    first = client.get("/training?country=PK&_sort=students&_desc=1").text
    second = client.get("/training?country=PK&_sort=students&_desc=1&_page=2").text

    def students(page: str) -> list[int]:
        cells = re.findall(r'<td class="number">(\d*)</td>\s*<td class="number">', page)
        return [int(cell) for cell in cells if cell]

    shown = students(first) + students(second)
    assert len(students(first)) == 50
    assert shown == sorted(shown, reverse=True)
    assert min(students(first)) >= max(students(second))


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("bogus=1", "'bogus'"),
        ("year=twenty", "'year'"),
        ("_sort=record; DROP TABLE training", "'_sort'"),
        ("_page=0", "'_page'"),
        ("_page=1&_page=2", "'_page'"),
        ("country=" + "x" * 400, "'country'"),
    ],
)
def test_a_bad_view_is_refused_naming_its_parameter(
    client: TestClient, query: str, named: str
) -> None:
    response = client.get(f"/training?{query}")
    assert response.status_code == 400
    assert named in response.text


def test_a_store_without_records_says_how_to_get_them(
    graph: KnowledgeGraph, layout: Layout
) -> None:
    with TestClient(create_app(graph, layout, query_processes=1)) as client:
        response = client.get("/training")
    assert response.status_code == 503
    assert "imet-kg import fmtr" in response.text


def test_the_imported_table_is_the_one_the_store_gives(analyst_store: Path) -> None:
    """The rows an import writes as it reads the records file equal those read back from
    the store it wrote (but the region, which only the file prints per record)."""
    written = sqlite3.connect(analyst_store / SEARCH_FILE)
    read = sqlite3.connect(":memory:")
    write_training(read, ox.Store.read_only(str(analyst_store.resolve())))
    region = COLUMNS.index("region")

    def without_region(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        return sorted(row[:region] + row[region + 1 :] for row in rows)

    imported = written.execute("SELECT * FROM training").fetchall()
    assert without_region(imported) == without_region(
        read.execute("SELECT * FROM training").fetchall()
    )
    assert {row[region] for row in imported} >= {"Near East", "South Asia"}


def test_entity_pages_link_to_their_records(client: TestClient) -> None:
    country = client.get("/id/country/PK").text
    # the country's units are counted and linked, not listed one by one
    units = re.search(r"The records print (\d+) units of Pakistan: <a href=\"([^\"]+)\"", country)
    assert units is not None
    assert html.unescape(units.group(2)) == "http://testserver/queries/country-units?country=PK"
    listed = client.get("/api/queries/country-units?country=PK&format=json").json()
    assert int(units.group(1)) == len(listed["results"]["bindings"]) > 10
    assert "/id/unit/PK/" not in country
    assert 'href="http://testserver/training?country=PK"' in country
    school = client.get("/id/school/drmi").text
    assert 'href="http://testserver/training?place=school%2Fdrmi"' in school
    assert shown_records(client.get("/training?place=school%2Fdrmi").text) > 0


def page_query(name: str) -> str:
    return (DATA / "pages" / f"{name}.rq").read_text(encoding="utf-8")


def test_an_edition_counts_the_units_it_prints(client: TestClient, analyst_store: Path) -> None:
    """An edition prints thousands of units: its page counts them, lists the countries,
    schools and places it mentions, and links no unit; a school's page still lists the US
    units whose names name it."""
    store = ox.Store.read_only(str(analyst_store.resolve()))
    answer = store.query(page_query("edition-mentions"), use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    counted = {
        value(edition): {"units": int(value(units)), "others": int(value(others))}
        for edition, units, others in answer
    }
    edition, figures = max(counted.items(), key=lambda item: item[1]["units"])
    assert figures["units"] > 100
    assert figures["others"] > 0
    page = client.get(edition.replace("https://w3id.org/imet-kg", "")).text
    prints = re.search(r"prints the names of (\d+) units", page)
    assert prints is not None
    assert int(prints.group(1)) == figures["units"]
    assert "/id/unit/" not in page
    assert page.count('href="http://testserver/id/country/') >= 3
    naming_units = store.query(page_query("unit-naming-a-school"), use_default_graph_as_union=True)
    assert isinstance(naming_units, ox.QuerySolutions)
    [(us_unit, school)] = list(naming_units)
    school_page = client.get(value(school).replace("https://w3id.org/imet-kg", "")).text
    local = value(us_unit).replace("https://w3id.org/imet-kg", "http://testserver")
    assert f'href="{html.escape(local)}"' in school_page


def test_openapi_describes_the_records_download(client: TestClient) -> None:
    from imet_kg.search.training import FACETS

    path = client.get("/openapi.json").json()["paths"]["/training.{extension}"]["get"]
    named = {parameter["name"] for parameter in path["parameters"]}
    assert {facet.parameter for facet in FACETS} | {"extension", "_sort"} <= named
    assert set(path["responses"]["200"]["content"]) == {"text/csv", "application/json"}


def test_a_server_stopped_while_counting_stops_the_count_first(analyst_store: Path) -> None:
    """The first view's facets are counted in a thread at start-up; closing the table (the
    server stopping) waits for that thread instead of closing the connection under it."""
    failures: list[BaseException] = []
    default_hook = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value or Exception())
    try:
        for _ in range(20):
            table = open_training(analyst_store / SEARCH_FILE)
            assert table is not None
            table.warm_in_background()
            table.close()
            assert not any(t.name == "imet-kg-warm" and t.is_alive() for t in threading.enumerate())
    finally:
        threading.excepthook = default_hook
    assert failures == []
