"""Full-text search over a store of the curated graph and a slice of the training records:
ranking on real names, prefixes for type-ahead, accents and case folded, kinds and country as
filters, words a person types never read as query syntax, the index swapped with its store
and carried by a build, and the command's formats and errors."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from imet_kg import ImetKgError, Layout
from imet_kg.cli.commands import cli
from imet_kg.pipeline.building import assemble, refresh_store
from imet_kg.search.index import SEARCH_FILE
from imet_kg.search.kinds import MAX_WORDS
from imet_kg.search.lookup import SearchIndex, match_expression, words_of

from ..conftest import ROOT

ID = "https://w3id.org/imet-kg/id/"


@pytest.fixture(scope="module")
def store(sliced_store: Path) -> Path:
    return sliced_store


@pytest.fixture(scope="module")
def index(store: Path) -> SearchIndex:
    return SearchIndex(store)


def first(index: SearchIndex, words: str, **options: object) -> str:
    hits = index.search(words, **options)  # type: ignore[arg-type]
    assert hits, words
    return hits[0].iri


def test_a_school_by_its_former_name(index: SearchIndex) -> None:
    assert first(index, "School of the Americas") == f"{ID}school/whinsec"


def test_a_country_by_its_name_a_prefix_and_a_printed_variant(index: SearchIndex) -> None:
    assert first(index, "Nigeria") == f"{ID}country/NG"
    assert first(index, "niger", kinds=["country"]) in (f"{ID}country/NG", f"{ID}country/NE")
    assert first(index, "Ivory Coast", kinds=["country"]) == f"{ID}country/CI"
    assert first(index, "Cote D'Ivoire, Republic of", kinds=["country"]) == f"{ID}country/CI"


def test_a_unit_by_an_abbreviated_spelling(index: SearchIndex) -> None:
    assert first(index, "guards bde") == f"{ID}unit/NG/guards-brigade"
    assert first(index, "nigeria guards") == f"{ID}unit/NG/guards-brigade"


def test_schools_at_a_base(index: SearchIndex) -> None:
    found = {hit.iri for hit in index.search("lackland", kinds=["school"])}
    assert found == {f"{ID}school/dlielc", f"{ID}school/inter-american-air-forces-academy"}


def test_an_agency_before_the_units_that_share_its_words(index: SearchIndex) -> None:
    assert first(index, "Department of Defense") == f"{ID}agency/dod"


def test_accents_and_case_are_folded(index: SearchIndex) -> None:
    assert index.search("DÉFENSE SECURITY COOPÉRATION")[0].iri == f"{ID}agency/dsca"
    assert words_of("Défense  Nationale") == ["defense", "nationale"]


def test_records_and_courses_are_found_by_what_they_print(index: SearchIndex) -> None:
    records = index.search("guards brigade", kinds=["record"], country="NG", limit=50)
    assert records
    assert all(hit.kind == "record" and hit.country == "NG" for hit in records)
    assert all(hit.iri.startswith(f"{ID}training/") for hit in records)
    courses = index.search("human rights", kinds=["course"])
    assert courses
    assert all("human" in hit.label.lower() for hit in courses)
    assert all("right" in hit.label.lower() for hit in courses)


def test_the_country_filter_takes_a_name_or_a_code(index: SearchIndex) -> None:
    by_code = index.search("army", country="NG", limit=50)
    by_name = index.search("army", country="nigeria", limit=50)
    assert by_code == by_name
    assert by_code
    assert {hit.country for hit in by_code} == {"NG"}
    with pytest.raises(ImetKgError, match="no country named 'Atlantis'"):
        index.search("army", country="Atlantis")


@pytest.mark.parametrize(
    "typed",
    ['guards" OR *', "guards NEAR(brigade)", "label : guards", "^guards", "guards -brigade)"],
)
def test_what_is_typed_is_never_query_syntax(index: SearchIndex, typed: str) -> None:
    """FTS5 operators, column filters and quotes are read as words (or dropped as
    punctuation), never as a query of their own."""
    hits = index.search(typed, limit=5)
    expression = match_expression(words_of(typed))
    assert expression.count('"') == 2 * len(words_of(typed))
    assert all(isinstance(hit.score, float) for hit in hits)


@pytest.mark.parametrize(
    ("typed", "options", "message"),
    [
        ("  ", {}, "give a word"),
        ("-- !!", {}, "give a word"),
        (" ".join(["a"] * (MAX_WORDS + 1)), {}, f"at most {MAX_WORDS} words"),
        ("army", {"kinds": ["tank"]}, "no kind 'tank'"),
        ("army", {"limit": 0}, "the limit"),
    ],
)
def test_bad_searches_are_refused(
    index: SearchIndex, typed: str, options: dict[str, object], message: str
) -> None:
    with pytest.raises(ImetKgError, match=message):
        index.search(typed, **options)  # type: ignore[arg-type]


def test_a_build_keeps_the_records_in_the_index(store: Path, tmp_path: Path) -> None:
    """A build writes a new store and a new index, carrying the imported records' documents
    from the index it replaces; the old index goes with the old store."""
    copy = tmp_path / "store"
    layout = Layout(ROOT)
    shutil.copytree(store.resolve(), tmp_path / "old")
    copy.symlink_to(tmp_path / "old")
    before = SearchIndex(copy)
    counted = before.size
    before.close()
    graph, _ = assemble(layout)
    refresh_store(layout, graph, copy, lambda note: None)
    after = SearchIndex(copy)
    assert copy.resolve() != (tmp_path / "old").resolve()
    assert after.size == counted
    assert after.search("guards brigade", kinds=["record"])
    after.close()


def test_an_index_is_read_only_and_its_absence_is_explained(store: Path, tmp_path: Path) -> None:
    index = SearchIndex(store)
    with pytest.raises(sqlite3.OperationalError):
        index.connection.execute("DELETE FROM countries")
    index.close()
    with pytest.raises(ImetKgError, match="no search index beside this store"):
        SearchIndex(tmp_path)


def run(store: Path, *arguments: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--store", str(store), "search", *arguments])
    return result.exit_code, result.stdout, result.stderr


def test_the_command_prints_a_table_json_and_csv(store: Path) -> None:
    status, printed, _ = run(store, "guards", "brigade", "--limit", "3")
    assert status == 0
    assert "GUARDS BRIGADE" in printed
    assert f"{ID}unit/NG/guards-brigade" in printed.replace("\n", "").replace("│", "").replace(
        " ", ""
    )
    status, printed, _ = run(store, "lackland", "--type", "school", "--format", "json")
    assert status == 0
    results = json.loads(printed)["results"]
    assert {r["iri"] for r in results} == {
        f"{ID}school/dlielc",
        f"{ID}school/inter-american-air-forces-academy",
    }
    assert set(results[0]) == {"kind", "label", "context", "iri", "country", "score"}
    status, printed, _ = run(store, "army", "--country", "NG", "--type", "unit", "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(printed)))
    assert rows
    assert {row["country"] for row in rows} == {"NG"}
    assert {row["kind"] for row in rows} == {"unit"}


def test_the_command_reports_errors_with_status_2(store: Path, tmp_path: Path) -> None:
    status, _, said = run(store, "army", "--country", "Atlantis")
    assert status == 2
    assert "no country named 'Atlantis'" in said
    status, _, said = run(tmp_path / "none", "army")
    assert status == 2
    assert "no store here" in said
    result = CliRunner().invoke(cli, ["--endpoint", "http://127.0.0.1:9/sparql", "search", "army"])
    assert result.exit_code == 2
    assert "not an endpoint" in result.stderr


def test_the_index_file_sits_in_the_store_version(store: Path) -> None:
    assert (store.resolve() / SEARCH_FILE).is_file()
    assert not (store.resolve() / f"{SEARCH_FILE}.partial").exists()


def test_entities_come_before_the_imported_documents(
    store: Path, index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import writes its documents before the entities are read from the new store, and
    numbers them after any entity: a search reads its matches in row order and ranks the
    first of them, so the entities a word names are ranked however many records it finds."""
    connection = sqlite3.connect(store / SEARCH_FILE)
    origins = [o for (o,) in connection.execute("SELECT origin FROM search ORDER BY rowid")]
    connection.close()
    assert {"store", "import"} <= set(origins)
    assert origins == sorted(origins, key=lambda origin: origin != "store")
    monkeypatch.setattr("imet_kg.search.lookup.RANKED", 1)
    assert index.search("guards", limit=1)[0].kind != "record"
