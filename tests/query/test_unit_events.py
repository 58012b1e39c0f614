"""Before or after: dated events about units, kept by an analyst in a folder of their own
(tests/data/unit-events, given as --graphs), and `unit-training` placing each training
record before or after each event, by dates where the record prints them, else by fiscal
year. The expected relation is worked out here from the record's and the event's dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from imet_kg import Layout
from imet_kg.query.run import run_saved_query
from imet_kg.sources.fmtr.importer import import_fmtr
from imet_kg.store.graph import QueryResult
from imet_kg.store.persistent import open_store

from ..conftest import DATA, RECORDS, ROOT

EVENTS = DATA / "unit-events"
UNITS = {
    "unit:NG/guards-brigade": 3,
    "unit:NG/97-special-operations-port-harcourt-13935-7-17-2009": 2,
}


@pytest.fixture(scope="module")
def layout() -> Layout:
    return Layout(ROOT, extra=(EVENTS,))


@pytest.fixture(scope="module")
def store(layout: Layout, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not RECORDS.is_file():
        pytest.skip("../shared/data/fmtr is not beside the checkout")
    lines = RECORDS.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if line.split("\t")[3] == "Nigeria"]
    folder = tmp_path_factory.mktemp("unit-events")
    (folder / "records.tsv").write_text("".join(kept), encoding="utf-8")
    import_fmtr(layout, folder / "records.tsv", folder / "store")
    return folder / "store"


def span(date: str) -> tuple[str, str]:
    """An event's first and last day at the precision it is given."""
    if len(date) == 4:
        return f"{date}-01-01", f"{date}-12-31"
    if len(date) == 7:
        return f"{date}-01", f"{date}-31"
    return date, date


def fiscal_year(date: str) -> int:
    year = int(date[:4])
    return year + 1 if len(date) >= 7 and int(date[5:7]) >= 10 else year


def expected(start: str | None, end: str | None, year: str, event: str) -> str:
    first, last = span(event)
    if end and end < first:
        return "before"
    if start and start > last:
        return "after"
    if start and end:
        return "same time"
    difference = int(year) - fiscal_year(event)
    if difference:
        return f"{'before' if difference < 0 else 'after'} (fiscal year)"
    return "same fiscal year"


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_each_training_is_placed_before_or_after_each_event(
    store: Path, layout: Layout, unit: str
) -> None:
    graph = open_store(store, layout)
    _, answer = run_saved_query(graph, layout, "unit-training", {"unit": unit})
    assert isinstance(answer, QueryResult)
    rows = answer.dicts()
    events = {row["event"] for row in rows}
    assert len(events) == UNITS[unit]  # each record has a row per event
    for row in rows:
        text = {name: (term.value if term is not None else None) for name, term in row.items()}
        assert text["relation"] == expected(
            text["startDate"] or None,
            text["endDate"] or None,
            str(text["year"]),
            str(text["eventDate"]),
        ), text
        assert text["eventSources"] == "https://analyst.example.org/imet/fixture-report"


def test_the_fixture_covers_each_way_of_telling(store: Path, layout: Layout) -> None:
    graph = open_store(store, layout)
    relations: set[str] = set()
    for unit in UNITS:
        _, answer = run_saved_query(graph, layout, "unit-training", {"unit": unit})
        assert isinstance(answer, QueryResult)
        relations |= {str(row["relation"].value) for row in answer.dicts() if row["relation"]}
    assert {"before", "after", "same time", "same fiscal year"} <= relations


def test_without_the_folder_the_events_are_not_there(store: Path) -> None:
    """The analyst's files are part of the curated graph only when given: the store built
    with them is refused for a project without them, and says how to refresh it."""
    from imet_kg.errors import ImetKgError

    with pytest.raises(ImetKgError, match="built from other curated files"):
        open_store(store, Layout(ROOT))


def test_a_file_named_as_a_project_file_is_refused(tmp_path: Path) -> None:
    from imet_kg.errors import ImetKgError
    from imet_kg.pipeline.load import load_project

    (tmp_path / "events.ttl").write_text("", encoding="utf-8")
    with pytest.raises(ImetKgError, match="a curated file named 'events' is already read from"):
        load_project(Layout(ROOT, extra=(tmp_path,)))


def test_the_unit_page_shows_its_training_and_the_events(browser: object, store: Path) -> None:
    """The unit's page in Chromium: its record with dates, place and report page, and each
    event with how many records came before and after it; the record's own page opens."""
    from imet_kg.web.app import create_app

    from ..conftest import ARTIFACTS, PageWatch, server_in_thread

    layout = Layout(ROOT, extra=(EVENTS,))
    graph = open_store(store, layout)
    with server_in_thread(create_app(graph, layout, query_processes=1)) as port:
        base = f"http://127.0.0.1:{port}/"
        watch = PageWatch(browser, f"{base}id/unit/NG/guards-brigade", url=True)
        page = watch.page
        records = page.eval_on_selector_all(
            "#unit-records tbody tr", "rows => rows.map(r => r.innerText)"
        )
        assert len(records) == 1
        assert "2010-01-04 to 2010-04-16" in records[0]
        assert "FMTR 2010-2011, p. 52" in records[0]
        assert "after 2009-11; same time 2010-03-01; before 2010-05" in records[0]
        events = page.eval_on_selector_all("#unit-events li", "li => li.map(i => i.innerText)")
        assert [event.split(" ", 1)[0] for event in events] == ["2009-11", "2010-03-01", "2010-05"]
        assert "1 after" in events[0]
        assert "1 before" in events[2]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "unit-page.png"), full_page=True)
        page.click("#unit-records tbody a >> nth=0")
        page.wait_for_load_state()
        assert "/id/training/fmtr-2010-2011-p52-" in page.url
        assert watch.errors == []
        assert watch.outside == []
