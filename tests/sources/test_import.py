"""The training-record import: nothing lost (records in equal rows in, detail sums equal the
official program totals but for the known FY2009-10 gap), idempotent, atomic, and the saved
queries' figures equal figures computed here straight from the TSV."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from imet_kg import ImetKgError, KnowledgeGraph, Layout
from imet_kg.cli.commands import cli
from imet_kg.namespaces import prefixes
from imet_kg.pipeline.building import assemble, refresh_store
from imet_kg.query.binding import bind_parameters
from imet_kg.query.run import run_saved_query
from imet_kg.query.saved import find_saved_query, load_saved_queries
from imet_kg.sources.fmtr.graphs import FIGURES_GRAPH, FMTR_GRAPHS, IMPORT_GRAPH, UNITS_GRAPH
from imet_kg.sources.fmtr.importer import ImportSummary, ImportViolations, import_fmtr
from imet_kg.sources.fmtr.records import default_records_path, parse_date
from imet_kg.store.graph import QueryResult
from imet_kg.store.persistent import open_store
from imet_kg.store.versions import MANIFEST

from ..conftest import DATA, ROOT, replace_in, value

ID = "https://w3id.org/imet-kg/id/"
ONTOLOGY = "https://w3id.org/imet-kg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
YEAR = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
RECORDS = ROOT.parent / "shared" / "data" / "fmtr" / "fmtr_imet_training_records.tsv"
TOTALS = RECORDS.parent / "fmtr_imet_program_totals.tsv"
pytestmark = pytest.mark.skipif(
    not RECORDS.is_file(), reason="../shared/data/fmtr is not beside the checkout"
)


def tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return tsv(RECORDS)


# The rows that are not training provided, by the caveats of the records' README, written
# here independently of the rules in graph/fmtr/row-kinds.tsv: the FY2000 and FY2001 parts
# of the first two editions are proposed training, and the 2007-2008 edition's rows with no
# course and no location are country total lines.
PROPOSED = {("1999-2000", "2000"), ("2000-2001", "2001")}


def provided_line_item(row: dict[str, str]) -> bool:
    if (row["report_fy"], row["training_fy"]) in PROPOSED:
        return False
    return not (row["report_fy"] == "2007-2008" and not row["course_title"] and not row["location"])


@pytest.fixture(scope="module")
def line_items(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in rows if provided_line_item(row)]


# WHINSEC's records, written here independently of graph/aliases/locations.tsv: the location
# names the school, or (from FY2014 the reports name it in the US-unit column) the location
# is blank or names Fort Benning, where the school sits, and the US unit names the school.
WHINSEC = re.compile(r"WESTERN HEMIS|WHINSEC|SCHOOL OF THE AMERICAS", re.IGNORECASE)
IN_COUNTRY = re.compile("IN[ -]COUNTRY TRAINING", re.IGNORECASE)


def at_whinsec(row: dict[str, str]) -> bool:
    location = row["location"]
    if IN_COUNTRY.search(location):
        return False
    if WHINSEC.search(location):
        return True
    at_benning = not location.strip() or "BENNING" in location.upper()
    return at_benning and bool(WHINSEC.search(row["us_unit"]))


@pytest.fixture(scope="module")
def imported(
    layout: Layout, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[KnowledgeGraph, ImportSummary]]:
    store = tmp_path_factory.mktemp("fmtr") / "store"
    summary = import_fmtr(layout, RECORDS, store)
    graph = open_store(store, layout)
    yield graph, summary
    del graph


def query(name: str) -> str:
    return (DATA / "import" / f"{name}.rq").read_text(encoding="utf-8")


def number(term: object) -> Decimal:
    return Decimal(str(getattr(term, "value", "0")))


def test_default_path_is_the_shared_data(layout: Layout) -> None:
    assert default_records_path(layout) == RECORDS


def test_records_in_equal_rows_in(
    imported: tuple[KnowledgeGraph, ImportSummary], rows: list[dict[str, str]]
) -> None:
    graph, summary = imported
    counted = graph.select((DATA / "import" / "detail-sums.rq").read_text(encoding="utf-8"))
    assert summary.coverage.rows == len(rows) == 106_537
    assert sum(int(number(row[3])) for row in counted.rows) == sum(
        int(r["quantity"] or 0) for r in rows
    )
    assert summary.coverage.students == sum(int(r["quantity"] or 0) for r in rows)
    assert summary.coverage.country_rows == len(rows)
    coverage = summary.coverage
    located = sum(1 for r in rows if r["location"].strip())
    unmatched = sum(coverage.unmatched_locations.values())
    assert coverage.printed_location_rows == located
    assert coverage.placed_printed_rows + coverage.no_place_rows + unmatched == located
    # at least 95% of the rows that print a location are placed
    assert coverage.placed_printed_rows >= 0.95 * located
    assert summary.validated_records == len(rows)


def test_detail_sums_equal_program_totals(imported: tuple[KnowledgeGraph, ImportSummary]) -> None:
    graph, _ = imported
    detail = {
        (row[0].value, row[1].value, row[2].value): (number(row[3]), number(row[4]))  # type: ignore[union-attr]
        for row in graph.select(
            (DATA / "import" / "detail-sums.rq").read_text(encoding="utf-8")
        ).rows
    }
    official: dict[tuple[str, str, str], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0)]
    )
    for row in tsv(TOTALS):
        if 2008 <= int(row["training_fy"]) <= 2020:
            key = (row["report_fy"], row["training_fy"], row["country"])
            official[key][0] += Decimal(row["reported_students"] or 0)
            official[key][1] += Decimal(row["reported_total_cost_usd"] or 0)
    mismatched = {
        key
        for key, (students, cost) in official.items()
        if detail.get(key, (Decimal(0), Decimal(0))) != (students, cost)
    }
    assert len(official) > 1500
    assert {edition for edition, _, _ in mismatched} == {"2009-2010"}, sorted(mismatched)[:10]
    gap = [key for key in official if key[0] == "2009-2010"]
    assert len(mismatched) <= len(gap)


def test_unreadable_dates_are_kept_as_printed(
    imported: tuple[KnowledgeGraph, ImportSummary], rows: list[dict[str, str]]
) -> None:
    _, summary = imported
    bad = 0
    for row in rows:
        start, end = row["start_date"].strip(), row["end_date"].strip()
        parsed = [parse_date(text) for text in (start, end)]
        if (
            (start and parsed[0] is None)
            or (end and parsed[1] is None)
            or (parsed[0] and parsed[1] and parsed[1] < parsed[0])
        ):
            bad += 1
    assert summary.coverage.unreadable_dates == bad
    assert parse_date("7/30/01") is not None
    assert parse_date("2/30/2005") is None


def expected_country_training(
    rows: list[dict[str, str]], printed: str
) -> dict[str, tuple[int, Decimal, int]]:
    years: dict[str, list[object]] = defaultdict(lambda: [0, Decimal(0), 0])
    for row in rows:
        if row["country"] == printed:
            entry = years[row["training_fy"]]
            entry[0] = int(entry[0]) + int(row["quantity"] or 0)  # type: ignore[call-overload]
            entry[1] = Decimal(str(entry[1])) + Decimal(row["total_cost_usd"] or 0)
            entry[2] = int(entry[2]) + 1  # type: ignore[call-overload]
    return {year: (int(v[0]), Decimal(str(v[1])), int(v[2])) for year, v in years.items()}  # type: ignore[call-overload]


def official_totals(rows: list[dict[str, str]], printed: str) -> dict[str, tuple[int, Decimal]]:
    """A country's official totals per fiscal year, straight from the files: the program
    totals file, and the total lines the 2007-2008 edition keeps among its rows."""
    years: dict[str, tuple[int, Decimal]] = {}
    total_lines = [r for r in rows if r["report_fy"] == "2007-2008" and not provided_line_item(r)]
    for row in tsv(TOTALS):
        if row["country"] == printed:
            students, cost = years.get(row["training_fy"], (0, Decimal(0)))
            years[row["training_fy"]] = (
                students + int(row["reported_students"]),
                cost + Decimal(row["reported_total_cost_usd"]),
            )
    for row in total_lines:
        if row["country"] == printed:
            students, cost = years.get(row["training_fy"], (0, Decimal(0)))
            years[row["training_fy"]] = (
                students + int(row["quantity"]),
                cost + Decimal(row["total_cost_usd"]),
            )
    return years


def country_training(
    graph: KnowledgeGraph, layout: Layout, country: str
) -> dict[str, dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]]:
    _, answer = run_saved_query(graph, layout, "country-training", {"country": country})
    assert isinstance(answer, QueryResult)
    return {value(row["year"]): row for row in answer.dicts()}


def test_country_training_for_pakistan(
    imported: tuple[KnowledgeGraph, ImportSummary],
    layout: Layout,
    rows: list[dict[str, str]],
    line_items: list[dict[str, str]],
) -> None:
    """Line-item sums, official totals and a status per year, every year the reports cover."""
    graph, _ = imported
    found = country_training(graph, layout, "PK")
    every_year = {row["training_fy"] for row in line_items}
    assert set(found) == every_year
    expected = expected_country_training(line_items, "Pakistan")
    official = official_totals(rows, "Pakistan")
    for year, row in found.items():
        items = expected.get(year, (0, Decimal(0), 0))
        assert (
            int(number(row["lineItemStudents"])),
            number(row["lineItemCostUSD"]),
            int(number(row["lineItems"])),
        ) == items, year
        if year in official:
            assert (int(number(row["officialStudents"])), number(row["officialCostUSD"])) == (
                official[year]
            ), year
            status = "complete" if items[:2] == official[year] else "short"
        else:
            assert row["officialStudents"] is None
            status = "no official total" if items[2] else "none reported"
        assert value(row["status"]) == status, year
        editions = {r["report_fy"] for r in line_items if r["training_fy"] == year}
        assert set(value(row["sources"]).split()) == editions, year
    assert value(found["1999"]["status"]) == "none reported"
    assert int(number(found["1999"]["lineItemStudents"])) == 0
    assert value(found["2006"]["status"]) == "no official total"
    assert value(found["2007"]["status"]) == "complete"  # the 2007-2008 edition's total lines
    assert value(found["2009"]["status"]) == "short"  # the 2009-2010 edition's known gap
    assert value(found["2009"]["knownGap"]).endswith("/gap/fmtr-detail-short-2009-2010")
    assert int(number(found["2017"]["lineItemStudents"])) > 100
    assert int(number(found["2019"]["lineItemStudents"])) < 10


def test_a_lost_year_is_no_data_never_zero(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, rows: list[dict[str, str]]
) -> None:
    """Benin's FY2019 page was lost upstream: neither file has it, and the figure says so."""
    assert not [r for r in rows if r["country"] == "Benin" and r["training_fy"] == "2019"]
    assert not [r for r in tsv(TOTALS) if r["country"] == "Benin" and r["training_fy"] == "2019"]
    graph, _ = imported
    benin = country_training(graph, layout, "BJ")
    lost = benin["2019"]
    assert value(lost["status"]) == "no data"
    for figure in ("lineItemStudents", "lineItemCostUSD", "officialStudents", "lineItems"):
        assert lost[figure] is None, figure
    assert value(lost["knownGap"]).endswith("/gap/fmtr-benin-fy2019-lost-page")
    assert value(benin["2018"]["status"]) == value(benin["2020"]["status"]) == "complete"
    # Angola, on the same lost page, still sums to its official totals.
    assert value(country_training(graph, layout, "AO")["2019"]["status"]) == "complete"


def test_statuses_over_every_country_year(
    imported: tuple[KnowledgeGraph, ImportSummary], rows: list[dict[str, str]]
) -> None:
    """Where an official total exists, "complete" exactly when the line items equal it; the
    short years are all in the 2009-2010 edition, and no gap is ever a zero."""
    graph, summary = imported
    answer = graph.select(query("statuses"))
    by_status: dict[str, int] = defaultdict(int)
    students = 0
    for year, status, count, total in answer.rows:
        name = status.value.rsplit("/", 1)[1]  # type: ignore[union-attr]
        by_status[name] += int(number(count))
        students += int(number(total))
        if name == "short":
            assert year.value == "2009"  # type: ignore[union-attr]
        if name in ("complete", "short"):
            assert int(year.value) >= 2007  # type: ignore[union-attr]
    assert by_status == dict(summary.coverage.statuses)
    assert by_status["no-data"] == 1
    assert students == sum(int(r["quantity"] or 0) for r in rows if provided_line_item(r))
    printed_totals = len(tsv(TOTALS)) + sum(
        1 for r in rows if r["report_fy"] == "2007-2008" and not provided_line_item(r)
    )
    assert summary.coverage.official_totals == printed_totals


def test_aggregates_equal_the_raw_sums(
    imported: tuple[KnowledgeGraph, ImportSummary], line_items: list[dict[str, str]]
) -> None:
    """The figures computed at import are the sums of the line items: per region and year,
    per course, per place and year against the records in the store."""
    graph, _ = imported

    def figures(dataset: str, dimension: str) -> dict[tuple[str, str], tuple[int, Decimal, int]]:
        answer = graph.select(
            query("figures"),
            substitutions={
                "_dataset": ox.NamedNode(f"{ID}dataset/fmtr-{dataset}"),
                "_dimension": ox.NamedNode(f"https://w3id.org/imet-kg/ontology#{dimension}"),
            },
        )
        return {
            (value(row["key"]), value(row["year"]) if row["year"] else ""): (
                int(number(row["students"])),
                number(row["cost"]),
                int(number(row["items"])),
            )
            for row in answer.dicts()
        }

    def raw(column: str, by_year: bool) -> dict[tuple[str, str], tuple[int, Decimal, int]]:
        sums: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, Decimal(0), 0])
        for row in line_items:
            if row[column].strip():
                entry = sums[(row[column].strip(), row["training_fy"] if by_year else "")]
                entry[0] += int(row["quantity"] or 0)
                entry[1] += Decimal(row["total_cost_usd"] or 0)
                entry[2] += 1
        return {key: (v[0], v[1], v[2]) for key, v in sums.items()}

    assert figures("region-year", "regionAsPrinted") == raw("region", True)
    assert figures("course", "courseTitle") == raw("course_title", False)
    placed = graph.select(query("placed-line-items"))
    by_place = {
        (place.value, year.value): (int(number(s)), int(number(n)))  # type: ignore[union-attr]
        for place, year, s, n in placed.rows
    }
    computed = figures("place-year", "location")
    assert {key: (s, n) for key, (s, _, n) in computed.items()} == by_place
    assert len(by_place) > 900

    def keyed(name: str) -> dict[tuple[str, ...], tuple[Decimal, ...]]:
        return {
            tuple(value(term) for term in row[:3]): tuple(number(term) for term in row[3:])
            for row in graph.select(query(name)).rows
        }

    by_place_country = keyed("placed-country-line-items")
    assert keyed("place-country-year-figures") == by_place_country
    assert len(by_place_country) > len(by_place)


def test_entity_figures_count_the_line_items_naming_each_entity(
    imported: tuple[KnowledgeGraph, ImportSummary], line_items: list[dict[str, str]]
) -> None:
    """What a page says about the records naming its entity (how many, in which years) is
    read from a figure computed at import: it equals counting the records, for every
    country, place, edition, rule and the programme they name."""
    graph, _ = imported

    def keyed(name: str) -> dict[str, tuple[int, str, str]]:
        return {
            value(row[0]): (int(number(row[1])), value(row[2]), value(row[3]))
            for row in graph.select(query(name)).rows
        }

    counted = keyed("line-items-naming")
    assert keyed("entity-figures") == counted
    years = sorted(row["training_fy"] for row in line_items)
    assert counted[f"{ID}programme/imet"] == (len(line_items), years[0], years[-1])
    assert len(counted) > 300


def test_records_and_figures_graphs_hold_nothing_else(
    imported: tuple[KnowledgeGraph, ImportSummary],
) -> None:
    """A page lists the entities that point at its own without reading the records, figures
    and units graphs, so those graphs hold records, official totals, known gaps, figures
    and units alone; the countries, editions, rules and printed names are in the entities
    graph."""
    graph, _ = imported
    expected = {
        IMPORT_GRAPH: ("TrainingRecord", "ProgramTotal", "SourceGap"),
        FIGURES_GRAPH: ("TrainingAggregate",),
        UNITS_GRAPH: ("Unit",),
    }
    for name, types in expected.items():
        bind: dict[str, ox.NamedNode | ox.Literal] = {
            "_graph": ox.NamedNode(name),
            "_types": ox.Literal(" ".join(ONTOLOGY + local for local in types)),
        }
        [row] = graph.select(query("graph-subjects"), substitutions=bind).dicts()
        subjects = int(number(row["subjects"]))
        assert subjects > 2000
        assert int(number(row["typedSubjects"])) == subjects, name
    [entities_graph] = set(FMTR_GRAPHS) - set(expected)
    in_entities = graph.store.quads_for_pattern(None, None, None, ox.NamedNode(entities_graph))
    countries = {str(q.subject) for q in in_entities if "/id/country/" in str(q.subject)}
    assert len(countries) > 100


# Printed unit names that name no unit, written here independently of graph/units/: the
# cancelled, the not applicable, the unknown, and punctuation alone.
NO_UNIT = re.compile(r"(cancel+ed( 0 students)?|n a|na|none|tbd|unknown|xxx|)")


def names_no_unit(printed: str) -> bool:
    return bool(NO_UNIT.fullmatch(" ".join(re.sub(r"[^\w]+", " ", printed.casefold()).split())))


def test_student_units_link_each_record_to_a_unit_of_its_country(
    imported: tuple[KnowledgeGraph, ImportSummary], rows: list[dict[str, str]]
) -> None:
    graph, _ = imported
    printing = [row["student_unit"] for row in rows if row["student_unit"].strip()]
    counted = graph.query(query("student-units"))
    assert isinstance(counted, QueryResult)
    figures = {name: int(value(term)) for name, term in counted.dicts()[0].items()}
    assert figures == {
        "printing": len(printing),
        "linked": len(printing) - sum(1 for printed in printing if names_no_unit(printed)),
        "elsewhere": 0,
        "unlabelled": 0,
    }


def test_the_guards_brigade_of_nigeria_is_one_unit(
    imported: tuple[KnowledgeGraph, ImportSummary], rows: list[dict[str, str]]
) -> None:
    graph, _ = imported
    printed = {
        row["student_unit"]
        for row in rows
        if row["country"] == "Nigeria" and "guards brigade" in row["student_unit"].lower()
    }
    answer = graph.query(query("country-record-units"))
    assert isinstance(answer, QueryResult)
    units = {value(row["unit"]) for row in answer.dicts() if value(row["printed"]) in printed}
    assert printed
    assert units == {f"{ID}unit/NG/guards-brigade"}


def test_us_units_name_their_schools(imported: tuple[KnowledgeGraph, ImportSummary]) -> None:
    """A US unit whose printed name names WHINSEC (by the pattern written here, independently
    of graph/aliases/locations.tsv) links to the school; none that does not."""
    graph, _ = imported
    answer = graph.query(query("us-unit-schools"))
    assert isinstance(answer, QueryResult)
    names: dict[str, set[str]] = defaultdict(set)
    schools: dict[str, set[str]] = defaultdict(set)
    for row in answer.dicts():
        names[value(row["unit"])].add(value(row["name"]))
        if row["school"] is not None:
            schools[value(row["unit"])].add(value(row["school"]))
    whinsec = {unit for unit, printed in names.items() if any(WHINSEC.search(n) for n in printed)}
    assert whinsec
    assert whinsec == {unit for unit, named in schools.items() if f"{ID}school/whinsec" in named}
    assert f"{ID}school/dlielc" in schools[f"{ID}unit/US/dlielc-lackland-afb-tx"]


def is_line_item_of(row: dict[str, str], country: str) -> bool:
    return row["country"] == country and provided_line_item(row)


def saved_rows(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, name: str, given: str
) -> list[dict[str, Any]]:
    """The rows of a saved query given one parameter's value, over the imported store."""
    parameter = {"country-units": "country", "unit-training": "unit"}[name]
    _, answer = run_saved_query(imported[0], layout, name, {parameter: given})
    assert isinstance(answer, QueryResult)
    return answer.dicts()


def test_country_units_for_nigeria(
    imported: tuple[KnowledgeGraph, ImportSummary], rows: list[dict[str, str]], layout: Layout
) -> None:
    units = saved_rows(imported, layout, "country-units", "NG")
    items = [int(value(row["lineItems"])) for row in units]
    assert items == sorted(items, reverse=True)
    naming = [
        row
        for row in rows
        if is_line_item_of(row, "Nigeria")
        and row["student_unit"].strip()
        and not names_no_unit(row["student_unit"])
    ]
    assert sum(items) == len(naming)
    assert sum(int(value(row["students"])) for row in units) == sum(
        int(row["quantity"] or 0) for row in naming
    )
    guards = next(row for row in units if value(row["unit"]) == f"{ID}unit/NG/guards-brigade")
    printed = [row for row in naming if row["student_unit"].strip().lower() == "guards brigade"]
    assert int(value(guards["lineItems"])) == len(printed)
    years = sorted(row["training_fy"] for row in printed)
    assert (value(guards["firstYear"]), value(guards["lastYear"])) == (years[0], years[-1])


def test_unit_training_for_the_guards_brigade(
    imported: tuple[KnowledgeGraph, ImportSummary], rows: list[dict[str, str]], layout: Layout
) -> None:
    answer = saved_rows(imported, layout, "unit-training", "unit:NG/guards-brigade")
    found = [(value(r["year"]), value(r["course"]), value(r["page"])) for r in answer]
    printed = sorted(
        (row["training_fy"], row["course_title"], row["page_number"])
        for row in rows
        if row["country"] == "Nigeria" and row["student_unit"].strip().lower() == "guards brigade"
    )
    assert sorted(found) == printed
    assert all(row["relation"] is None for row in answer)  # no event names the unit


def test_school_ranking_counts_whinsec(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, line_items: list[dict[str, str]]
) -> None:
    graph, _ = imported
    matches = [r for r in line_items if at_whinsec(r)]
    _, answer = run_saved_query(graph, layout, "school-ranking", {})
    assert isinstance(answer, QueryResult)
    whinsec = next(row for row in answer.dicts() if row["place"].value == f"{ID}school/whinsec")  # type: ignore[union-attr]
    assert int(number(whinsec["records"])) == len(matches)
    assert int(number(whinsec["totalStudents"])) == sum(int(r["quantity"] or 0) for r in matches)
    students = [int(number(row["totalStudents"])) for row in answer.dicts()]
    assert students == sorted(students, reverse=True)
    _, one_year = run_saved_query(graph, layout, "school-ranking", {"year": "2019"})
    assert isinstance(one_year, QueryResult)
    assert sum(int(number(r["records"])) for r in one_year.dicts()) < sum(
        int(number(r["records"])) for r in answer.dicts()
    )


def test_course_catalogue_leader(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, line_items: list[dict[str, str]]
) -> None:
    graph, _ = imported
    students: dict[str, int] = defaultdict(int)
    for row in line_items:
        if row["course_title"]:
            students[row["course_title"]] += int(row["quantity"] or 0)
    leader = max(students, key=lambda title: (students[title], title))
    _, answer = run_saved_query(graph, layout, "course-catalogue", {})
    assert isinstance(answer, QueryResult)
    first = answer.dicts()[0]
    assert first["course"].value == leader  # type: ignore[union-attr]
    assert int(number(first["totalStudents"])) == students[leader]
    # Countries, not spellings: chosen by hand, three pairs of the leader's printed names
    # name one country each.
    spellings = {r["country"] for r in line_items if r["course_title"] == leader}
    same = [
        {"Macedonia", "Macedonia (FYROM)"},
        {"Congo, Democratic Republic of (Kinshasa)", "Democratic Republic of Congo"},
        {"Congo, Republic of (Brazzaville)", "Republic of Congo (Brazzaville)"},
    ]
    assert all(pair <= spellings for pair in same)
    assert int(number(first["countries"])) == len(spellings) - len(same)
    assert len(answer.rows) == len(students)


def test_event_impact_around_the_2018_suspension(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, line_items: list[dict[str, str]]
) -> None:
    """Every fiscal year from three before the event's to three after: zero where the reports
    list no training for the country, empty (no figure) past FY2020, which they do not
    cover. An event in October to December falls in the next US fiscal year."""
    graph, _ = imported
    _, answer = run_saved_query(graph, layout, "event-impact", {"country": "Pakistan"})
    assert isinstance(answer, QueryResult)
    rows = answer.dicts()

    def around(event: str) -> dict[str, int | None]:
        return {
            value(row["year"]): (
                int(number(row["totalStudents"])) if row["totalStudents"] is not None else None
            )
            for row in rows
            if value(row["event"]) == f"{ID}claim/{event}"
        }

    expected = expected_country_training(line_items, "Pakistan")
    suspension = around("pakistan-suspended-2018")  # August 2018: FY2018
    assert suspension == {
        **{str(y): expected.get(str(y), (0, Decimal(0), 0))[0] for y in range(2015, 2021)},
        "2021": None,
    }
    before, after = suspension["2017"], suspension["2019"]
    assert before is not None
    assert after is not None
    assert after < before
    resumption = around("pakistan-resumption-approved-2019-12")  # December 2019: FY2020
    assert sorted(resumption) == [str(y) for y in range(2017, 2024)]
    assert [value(r["eventFiscalYear"]) for r in rows if "2019-12" in value(r["event"])] == [
        "2020"
    ] * 7
    _, saudi = run_saved_query(graph, layout, "event-impact", {"country": "SA"})
    assert isinstance(saudi, QueryResult)
    trained = {str(y) for y in range(1999, 2021)} & {
        r["training_fy"] for r in line_items if r["country"] == "Saudi Arabia"
    }
    for row in saudi.dicts():
        year = value(row["year"])
        if year in trained or int(year) > 2020:
            continue
        assert int(number(row["totalStudents"])) == 0  # a year with no training: zero


@pytest.fixture
def small_records(tmp_path: Path) -> Path:
    path = tmp_path / "records.tsv"
    lines = RECORDS.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:3001]), encoding="utf-8")
    return path


def test_reimport_is_idempotent(layout: Layout, tmp_path: Path, small_records: Path) -> None:
    store = tmp_path / "store"

    def contents() -> list[str]:
        graph = open_store(store, layout)
        quads = [
            quad
            for name in FMTR_GRAPHS
            for quad in graph.store.quads_for_pattern(None, None, None, ox.NamedNode(name))
        ]
        return sorted(str(quad) for quad in quads)

    first = import_fmtr(layout, small_records, store)
    before = contents()
    second = import_fmtr(layout, small_records, store)
    after = contents()
    assert first.triples == second.triples == len(before)
    assert before == after
    # one store version is left, the one the store path names; no staging or old store
    assert [p.resolve() for p in (tmp_path / "store.versions").iterdir()] == [store.resolve()]
    assert store.is_symlink()


def test_failed_import_leaves_the_store(
    layout: Layout, tmp_path: Path, small_records: Path
) -> None:
    store = tmp_path / "store"
    import_fmtr(layout, small_records, store)
    manifest = (store / MANIFEST).read_text()
    broken = tmp_path / "broken.tsv"
    broken.write_text("report_fy\tcountry\n2019-2020\tPakistan\n", encoding="utf-8")
    with pytest.raises(ImetKgError, match="no 'training_fy' column"):
        import_fmtr(layout, broken, store)
    assert (store / MANIFEST).read_text() == manifest
    assert len(open_store(store, layout).store) > 30_000


def test_build_keeps_the_import(layout: Layout, tmp_path: Path, small_records: Path) -> None:
    store = tmp_path / "store"
    import_fmtr(layout, small_records, store)
    size = len(open_store(store, layout).store)
    graph, _ = assemble(layout)
    refresh_store(layout, graph, store, print)
    assert len(open_store(store, layout).store) == size


def test_stale_store_is_refused(project_copy: Layout, tmp_path: Path) -> None:
    store = tmp_path / "store"
    graph, _ = assemble(project_copy)
    refresh_store(project_copy, graph, store, print)
    open_store(store, project_copy)
    replace_in(
        project_copy.graph_dir / "countries.ttl", '"Egypt"@en', '"Arab Republic of Egypt"@en'
    )
    with pytest.raises(ImetKgError, match="run 'imet-kg build'"):
        open_store(store, project_copy)


def test_cli_import_prints_coverage(tmp_path: Path, small_records: Path) -> None:
    store = tmp_path / "store"
    result = CliRunner().invoke(cli, ["--store", str(store), "import", "fmtr", str(small_records)])
    assert result.exit_code == 0, result.output
    assert "Imported 3000 training records" in result.output
    assert "matched to a country: 3000 rows (100.0%)" in result.output
    assert "matched to a place:" in result.output
    answer = CliRunner().invoke(
        cli,
        [
            "--store",
            str(store),
            "query",
            "country-training",
            "-p",
            "country=Albania",
            "--format",
            "csv",
        ],
    )
    assert answer.exit_code == 0, answer.output
    assert answer.output.splitlines()[0] == (
        "year,status,lineItemStudents,lineItemCostUSD,officialStudents,officialCostUSD,"
        "courses,lineItems,knownGap,sources"
    )
    assert "official program totals: none beside" in result.output
    assert "print a location: " in result.output
    report = tmp_path / "unresolved-locations.tsv"
    assert f"unresolved locations with their rows and students: {report}" in result.output
    # the first 3000 rows, of the 1999-2000 edition, print no location: none is unresolved
    assert report.read_text(encoding="utf-8") == "location\trows\tstudents\n"
    assert "country-years by status: " in result.output
    # the 1999-2000 edition prints no units: none became an entity, and the import says so
    assert "student units: 0 printed names became 0 units" in result.output
    exported = tmp_path / "all.nt"
    written = CliRunner().invoke(
        cli, ["--store", str(store), "export", "--format", "nt", "--output", str(exported)]
    )
    assert written.exit_code == 0, written.output
    text = exported.read_text(encoding="utf-8")
    assert text.count(f"<{ID}training/") >= 3000
    assert f"<{ID}agency/dod>" in text
    missing = CliRunner().invoke(
        cli, ["--store", str(store), "import", "fmtr", str(tmp_path / "nope.tsv")]
    )
    assert missing.exit_code == 2
    assert "no training records here" in missing.output


def test_training_projection_weights_edges_by_students(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, line_items: list[dict[str, str]]
) -> None:
    from imet_kg.network.projections import project

    graph, _ = imported
    training = project(graph, layout, "training")
    edge = training.get_edge_data(f"{ID}country/CO", f"{ID}school/whinsec")[0]
    expected = sum(
        int(r["quantity"] or 0) for r in line_items if r["country"] == "Colombia" and at_whinsec(r)
    )
    assert int(edge["weight"]) == int(edge["students"]) == expected > 0
    assert "Foreign Military Training Report editions" in edge["sources"]


def test_school_page_lists_students_by_country(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout
) -> None:
    from starlette.testclient import TestClient

    from imet_kg.web.app import create_app

    graph, _ = imported
    whinsec = ox.NamedNode(f"{ID}school/whinsec")
    named_by = {quad.subject for quad in graph.store.quads_for_pattern(None, None, whinsec)}
    records = {s for s in named_by if f"{ID}training/" in str(s)}
    assert len(records) > 10
    with TestClient(create_app(graph, layout)) as client:
        page = client.get("/id/school/whinsec", headers={"Accept": "text/html"}).text
        country = client.get("/id/country/CO", headers={"Accept": "text/html"}).text
        by_year = client.get(
            "/api/queries/country-training?country=CO", headers={"Accept": "text/csv"}
        )
    assert "Students trained here, by country" in page
    assert 'href="http://testserver/id/country/CO"' in page
    assert "Colombia" in page
    # The records are counted, not listed one by one in "Referred to by".
    assert f"Named in {len(records)} training records" in page
    assert f"{ID}training/" not in page
    assert "/id/training/" not in page
    assert "Named in" in country
    assert 'href="http://testserver/queries/country-training?country=CO"' in country
    assert by_year.status_code == 200
    assert by_year.text.count("\n") > 10


def test_import_that_breaks_the_shapes_writes_nothing(tmp_path: Path) -> None:
    """Every record is validated, not a sample: one negative cost in the 500 rows is enough."""
    lines = RECORDS.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:501]
    cost = header.rstrip("\n").split("\t").index("total_cost_usd")
    cells = rows[136].rstrip("\n").split("\t")
    cells[cost] = "-5"
    rows[136] = "\t".join(cells) + "\n"
    records = tmp_path / "records.tsv"
    records.write_text(header + "".join(rows), encoding="utf-8")
    store = tmp_path / "store"
    result = CliRunner().invoke(cli, ["--store", str(store), "import", "fmtr", str(records)])
    assert result.exit_code == 1, result.output
    # the record named by what it is, placed at its line (row 137 is line 138)
    assert f"{records}:138: Violation: {ID}training/fmtr-" in result.output
    assert ": imetsh:TrainingRecordShape" in result.output
    assert "[imet:reportedCostUSD]" in result.output
    assert "\n1 violation\n" in result.output
    assert "the store was left as it was" in result.output
    assert not store.exists()


def test_an_import_validates_the_curated_graphs_it_writes(
    project_copy: Layout, tmp_path: Path
) -> None:
    """The constraints proved as the statements pass see the curated graphs' too: a country
    given a second ISO code, not a plain string, in its curated file fails the import."""
    replace_in(
        project_copy.graph_dir / "countries.ttl",
        'imet:isoCode "EG" ;',
        'imet:isoCode "EG", "EG"@en ;',
    )
    lines = RECORDS.read_text(encoding="utf-8").splitlines(keepends=True)
    records = tmp_path / "records.tsv"
    records.write_text("".join(lines[:201]), encoding="utf-8")
    with pytest.raises(ImportViolations) as raised:
        import_fmtr(project_copy, records, tmp_path / "store")
    broken = {
        (result.focus, str(result.path), str(result.component))
        for result in raised.value.report.violations
    }
    assert broken == {
        ("country:EG", "imet:isoCode", "sh:MaxCountConstraintComponent"),
        ("country:EG", "imet:isoCode", "sh:DatatypeConstraintComponent"),
    }
    assert not (tmp_path / "store").exists()


def test_validate_checks_the_imported_records(
    imported: tuple[KnowledgeGraph, ImportSummary],
) -> None:
    _, summary = imported
    result = CliRunner().invoke(cli, ["--store", str(summary.store), "validate"])
    assert result.exit_code == 0, result.output
    assert "conforms to every shape" in result.stdout
    assert f"({summary.triples} imported) with compiled" in result.stderr, result.stderr


def test_validate_reports_a_broken_record_in_the_store(layout: Layout, tmp_path: Path) -> None:
    from imet_kg.store.persistent import write_store

    curated, _ = assemble(layout)
    record = ox.NamedNode(f"{ID}training/000001")
    rule = ox.NamedNode(f"{ID}rule/fmtr-line-item")
    line_item = ox.NamedNode(f"{ID}row-kind/line-item")
    imet = "https://w3id.org/imet-kg/ontology#"
    source = ox.NamedNode(f"{ID}source/seed-000")  # a curated source, so only the record breaks
    assert curated.contains_subject(source)
    triples = [
        ox.Triple(record, ox.NamedNode(f"{RDF}type"), ox.NamedNode(f"{imet}TrainingRecord")),
        ox.Triple(record, ox.NamedNode("http://purl.org/dc/terms/source"), source),
        ox.Triple(record, ox.NamedNode(f"{imet}countryAsPrinted"), ox.Literal("Chile")),
        ox.Triple(record, ox.NamedNode(f"{imet}programme"), ox.NamedNode(f"{ID}programme/imet")),
        ox.Triple(record, ox.NamedNode(f"{imet}programmeCode"), ox.Literal("IMET")),
        ox.Triple(record, ox.NamedNode(f"{imet}fiscalYear"), ox.Literal("2004", datatype=YEAR)),
        ox.Triple(record, ox.NamedNode(f"{imet}students"), ox.Literal("-2", datatype=INTEGER)),
        ox.Triple(record, ox.NamedNode(f"{imet}rowKind"), line_item),
        ox.Triple(record, ox.NamedNode(f"{imet}classifiedBy"), rule),
        ox.Triple(rule, ox.NamedNode(f"{RDF}type"), ox.NamedNode(f"{imet}ClassificationRule")),
        ox.Triple(rule, ox.NamedNode(f"{imet}rowKind"), line_item),
        ox.Triple(rule, ox.NamedNode("http://purl.org/dc/terms/source"), source),
    ]
    store = tmp_path / "store"
    assert write_store(store, curated, layout, {IMPORT_GRAPH: triples}) == {IMPORT_GRAPH: 12}
    runner = CliRunner()
    result = runner.invoke(cli, ["--store", str(store), "validate", "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [(r["focus"], r["path"], r["value"], r["constraint"]) for r in report["results"]] == [
        (f"{ID}training/000001", "imet:students", "-2", "sh:MinInclusiveConstraintComponent")
    ]
    # 3,559 quads: the engine the size calls for is pySHACL; the compiled one agrees.
    assert "(12 imported) with pyshacl" in result.stderr
    same = runner.invoke(
        cli, ["--store", str(store), "validate", "--engine", "compiled", "--format", "json"]
    )
    assert same.exit_code == 1
    assert json.loads(same.stdout)["results"] == report["results"]
    curated_only = runner.invoke(cli, ["--store", str(store), "validate", "--curated-only"])
    assert curated_only.exit_code == 0, curated_only.output


def test_row_kinds_follow_the_caveats(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, rows: list[dict[str, str]]
) -> None:
    """Every row is kept and classified; the kinds' counts equal the caveats applied to the
    TSV independently (PROPOSED and provided_line_item above)."""
    graph, summary = imported
    proposed = sum(1 for r in rows if (r["report_fy"], r["training_fy"]) in PROPOSED)
    line_items = sum(1 for r in rows if provided_line_item(r))
    expected = {
        "training line item": line_items,
        "proposed training": proposed,
        "reported total line": len(rows) - line_items - proposed,
    }
    assert expected["reported total line"] == 138
    _, answer = run_saved_query(graph, layout, "row-kinds", {})
    assert isinstance(answer, QueryResult)
    found: dict[str, int] = defaultdict(int)
    for row in answer.dicts():
        found[value(row["kind"])] += int(number(row["rows"]))
    assert found == expected
    assert dict(summary.coverage.kind_rows) == {
        "line-item": line_items,
        "proposed": proposed,
        "reported-total": expected["reported total line"],
    }


def test_every_printed_country_name_finds_its_country(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, rows: list[dict[str, str]]
) -> None:
    """The names the reports print are labels of the country the import gave their records,
    each with the editions that print it; so is the ISO alpha-3 code."""
    from imet_kg.namespaces import prefixes
    from imet_kg.query.binding import ParameterError, resolve_entity
    from imet_kg.query.saved import Parameter

    graph, _ = imported
    names = prefixes(layout.context_file)
    country = Parameter(name="country", type="entity", class_name="imet:Country")
    assigned = graph.select(query("printed-countries"))
    by_name = {printed.value: c.value for printed, c in assigned.rows}  # type: ignore[union-attr]
    assert set(by_name) == {r["country"] for r in rows}
    for printed, iri in by_name.items():
        assert resolve_entity(graph, country, printed, names).value == iri, printed
    for words, code in [
        ("Swaziland", "SZ"),
        ("Gambia, The", "GM"),
        ("Cote d'Ivoire", "CI"),
        ("Macedonia", "MK"),
        ("Russia", "RU"),
        ("PAK", "PK"),
        ("civ", "CI"),
        ("Ivory Coast", "CI"),
    ]:
        assert resolve_entity(graph, country, words, names).value == f"{ID}country/{code}", words
    with pytest.raises(ParameterError) as ambiguous:
        resolve_entity(graph, country, "Congo", names)
    assert "names several entities" in str(ambiguous.value)
    assert "country:CG" in str(ambiguous.value)
    assert "country:CD" in str(ambiguous.value)
    with pytest.raises(ParameterError) as unknown:
        resolve_entity(graph, country, "Gambie", names)
    assert "did you mean" in str(unknown.value)
    assert "(country:GM)" in str(unknown.value)
    sourced = graph.select(
        query("label-sources"),
        substitutions={
            "_country": ox.NamedNode(f"{ID}country/GM"),
            "_form": ox.Literal("Gambia, The", language="en"),
        },
    )
    editions = {r["report_fy"] for r in rows if r["country"] == "Gambia, The"}
    assert {value(row["source"]) for row in sourced.dicts()} == {
        f"{ID}source/fmtr-{edition}" for edition in editions
    }


def test_names_people_use_in_commands_and_the_api(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout
) -> None:
    from starlette.testclient import TestClient

    from imet_kg.web.app import create_app

    graph, summary = imported
    store = ["--store", str(summary.store)]
    swaziland = CliRunner().invoke(
        cli, [*store, "query", "country-training", "-p", "country=Swaziland", "--format", "csv"]
    )
    assert swaziland.exit_code == 0, swaziland.output
    assert len(swaziland.output.splitlines()) == 23  # the header and FY1999-FY2020
    congo = CliRunner().invoke(cli, [*store, "query", "country-training", "-p", "country=Congo"])
    assert congo.exit_code != 0
    assert "country:CG" in congo.output
    assert "country:CD" in congo.output
    with TestClient(create_app(graph, layout)) as client:
        refused = client.get("/api/queries/country-training?country=Congo")
        answered = client.get(
            "/api/queries/country-training?country=Gambia, The", headers={"Accept": "text/csv"}
        )
    assert refused.status_code == 400
    assert "country:CG" in refused.text
    assert "country:CD" in refused.text
    assert answered.status_code == 200
    assert answered.text.count("\n") == 23
    # Units of other countries are printed as "Department of Defense" and "DOD": a name that
    # also names an entity other than a unit names that entity; a unit is asked for by class.
    for name in ("Department of Defense", "DoD"):
        bound = bind_parameters(
            graph,
            find_saved_query(layout.queries_dir, "sources-of"),
            {"entity": name},
            prefixes(layout.context_file),
        )
        assert bound["_entity"] == ox.NamedNode(f"{ID}agency/dod")


def test_country_schools_for_colombia(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, line_items: list[dict[str, str]]
) -> None:
    """Colombia's students by school and year: WHINSEC's rows equal the TSV's, and each year's
    rows (the schools and the remainder not placed at one) add up to the year's line items."""
    graph, _ = imported
    _, answer = run_saved_query(graph, layout, "country-schools", {"country": "Colombia"})
    assert isinstance(answer, QueryResult)
    found = answer.dicts()
    colombia = [r for r in line_items if r["country"] == "Colombia"]
    whinsec: dict[str, int] = defaultdict(int)
    year_students: dict[str, int] = defaultdict(int)
    for row in colombia:
        year_students[row["training_fy"]] += int(row["quantity"] or 0)
        if at_whinsec(row):
            whinsec[row["training_fy"]] += int(row["quantity"] or 0)
    assert {
        value(r["year"]): int(number(r["students"]))
        for r in found
        if r["place"] is not None and r["place"].value == f"{ID}school/whinsec"
    } == dict(whinsec)
    added: dict[str, int] = defaultdict(int)
    for r in found:
        added[value(r["year"])] += int(number(r["students"]))
        assert int(number(r["yearStudents"])) == year_students[value(r["year"])]
        assert value(r["sources"])
    assert dict(added) == {year: n for year, n in year_students.items() if n}
    remainder = [r for r in found if r["place"] is None]
    assert {value(r["placeLabel"]) for r in remainder} == {"not placed at a school or installation"}


def test_school_countries_for_whinsec(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, line_items: list[dict[str, str]]
) -> None:
    graph, _ = imported
    _, answer = run_saved_query(graph, layout, "school-countries", {"school": "school:whinsec"})
    assert isinstance(answer, QueryResult)
    found = {
        (value(r["year"]), r["country"].value.rsplit("/", 1)[1]): int(number(r["students"]))  # type: ignore[union-attr]
        for r in answer.dicts()
    }
    by_printed: dict[tuple[str, str], int] = defaultdict(int)
    for row in line_items:
        if at_whinsec(row):
            by_printed[(row["training_fy"], row["country"])] += int(row["quantity"] or 0)
    assert sum(found.values()) == sum(by_printed.values()) > 1000
    year = max(y for y, printed in by_printed if printed == "Colombia")
    assert found[(year, "CO")] == by_printed[(year, "Colombia")]
    located = sum(1 for r in line_items if r["training_fy"] == year and r["location"].strip())
    first = next(r for r in answer.dicts() if value(r["year"]) == year)
    assert int(number(first["yearLocatedLineItems"])) == located
    assert 0 < int(number(first["yearUnplacedLineItems"])) < located


def test_cost_per_student_leaves_out_unpriced_items(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, line_items: list[dict[str, str]]
) -> None:
    graph, _ = imported
    _, answer = run_saved_query(graph, layout, "cost-per-student", {})
    assert isinstance(answer, QueryResult)
    sums: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [Decimal(0), 0, 0])
    for row in line_items:
        entry = sums[(row["region"], row["training_fy"])]
        if row["total_cost_usd"].strip():
            entry[0] += Decimal(row["total_cost_usd"])
            entry[1] += int(row["quantity"] or 0)
        else:
            entry[2] += 1
    found = answer.dicts()
    assert len(found) == len(sums)
    unpriced = 0
    for r in found:
        cost, priced, missing = sums[(value(r["region"]), value(r["year"]))]
        assert number(r["reportedCostUSD"]) == cost
        assert int(number(r["pricedStudents"])) == priced
        assert int(number(r["unpricedLineItems"])) == missing
        unpriced += missing
        if priced:
            assert number(r["costPerStudentUSD"]) == round(cost / priced, 2)
    assert unpriced > 0  # some line items print no cost: they are left out, not counted as 0


def test_participation_comes_from_the_records_too(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, line_items: list[dict[str, str]]
) -> None:
    """Colombia has no curated claim: its participation rests on its line items, with the
    editions that list them; Pakistan's on both."""
    graph, _ = imported
    _, answer = run_saved_query(graph, layout, "participation", {"country": "Colombia"})
    assert isinstance(answer, QueryResult)
    [row] = answer.dicts()
    years = sorted({r["training_fy"] for r in line_items if r["country"] == "Colombia"})
    assert value(row["evidence"]) == "training records"
    assert (value(row["firstYear"]), value(row["lastYear"])) == (years[0], years[-1])
    assert int(number(row["yearsWithTraining"])) == len(years)
    editions = {r["report_fy"] for r in line_items if r["country"] == "Colombia"}
    assert set(value(row["sources"]).split()) == editions
    _, pakistan = run_saved_query(graph, layout, "participation", {"country": "PK"})
    assert isinstance(pakistan, QueryResult)
    assert [value(r["evidence"]) for r in pakistan.dicts()] == ["claims", "training records"]
    _, everyone = run_saved_query(graph, layout, "participation", {})
    assert isinstance(everyone, QueryResult)
    printed = {r["country"] for r in line_items}
    assert len({r["country"] for r in everyone.dicts()}) > 0.6 * len(printed)


def test_country_and_school_pages_show_training_by_year(
    imported: tuple[KnowledgeGraph, ImportSummary], layout: Layout, line_items: list[dict[str, str]]
) -> None:
    """A country page: its own training per fiscal year (line items, official total, status;
    "no data" for a lost year), apart from the training held in the country. A school page:
    students by country and year, with the share of line items that could not be placed."""
    from starlette.testclient import TestClient

    from imet_kg.web.app import create_app

    graph, _ = imported
    with TestClient(create_app(graph, layout)) as client:
        colombia = client.get("/id/country/CO", headers={"Accept": "text/html"}).text
        benin = client.get("/id/country/BJ", headers={"Accept": "text/html"}).text
        whinsec = client.get("/id/school/whinsec", headers={"Accept": "text/html"}).text
    assert "Training of Colombia's students, by fiscal year" in colombia
    students_2010 = sum(
        int(r["quantity"] or 0)
        for r in line_items
        if r["country"] == "Colombia" and r["training_fy"] == "2010"
    )
    assert re.search(
        rf'<tr class="status-complete"><td><a href="[^"]*training\?country=CO&amp;year=2010"'
        rf"[^>]*>FY2010</a></td><td>{students_2010}</td>",
        colombia,
    )
    assert "Training held in Colombia, by the students' country" in colombia
    assert "Students trained here, by country\n" not in colombia
    assert re.search(
        r'<tr class="status-no-data"><td><a [^>]*>FY2019</a></td><td>no data</td>', benin
    )
    assert "Students trained here, by country and fiscal year" in whinsec
    placement = re.search(
        r"Of the (\d+) line items of FY(\d{4})-FY(\d{4}) that print a training location, "
        r"(\d+) \(([\d.]+)%\) could not be placed",
        whinsec,
    )
    assert placement is not None
    located, first, last, unplaced, share = placement.groups()
    assert int(located) == sum(
        1 for r in line_items if first <= r["training_fy"] <= last and r["location"].strip()
    )
    assert 0 < int(unplaced) < int(located)
    assert float(share) == round(100 * int(unplaced) / int(located), 1)
    chile_2010 = sum(
        int(r["quantity"] or 0)
        for r in line_items
        if r["country"] == "Chile" and r["training_fy"] == "2010" and at_whinsec(r)
    )
    by_year = whinsec[whinsec.index('<table id="by-year">') :]
    row = re.search(r'<tr><td><a href="[^"]*/id/country/CL">Chile</a></td>(.*?)</tr>', by_year)
    assert row is not None
    cells = re.findall(r"<td>(\d*)</td>", row.group(1))
    header = re.search(r'<table id="by-year">\s*<thead><tr><th>country</th>(.*?)</tr>', by_year)
    assert header is not None
    years = re.findall(r"<th>FY(\d{4})</th>", header.group(1))
    assert cells[years.index("2010")] == str(chile_2010)


def test_every_school_the_reports_name_often_is_found(
    imported: tuple[KnowledgeGraph, ImportSummary], rows: list[dict[str, str]], tmp_path: Path
) -> None:
    """No location naming a school, college, academy or institute in 20 rows or more is left
    unresolved, but for those that name no one place (chosen by hand)."""
    _, summary = imported
    several_places = {
        "STAFF NON-COMMISSIONED OFFICERS ACADEMY",  # one on each of several Marine Corps bases
        "US ARMY EUROPE (7TH ARMY)",
    }
    named = re.compile(r"SCHOOL|COLLEGE|ACADEMY|INSTITUTE|UNIVERSITY|\bSCH\b|ACAD\b", re.I)
    left = {
        text: rows
        for text, rows in summary.coverage.unmatched_locations.items()
        if rows >= 20 and named.search(text) and text not in several_places
    }
    assert left == {}
    from imet_kg.sources.fmtr.records import write_unresolved

    report = tmp_path / "unresolved.tsv"
    write_unresolved(summary.coverage, report)
    table = tsv(report)
    listed = {row["location"]: (int(row["rows"]), int(row["students"])) for row in table}
    for text in ("USATC", "SECURITY ASSISTANCE TNG MGMT OFC"):
        printed = [r for r in rows if r["location"].strip() == text]
        assert listed[text] == (len(printed), sum(int(r["quantity"] or 0) for r in printed))
    assert [int(row["rows"]) for row in table] == sorted(
        (int(row["rows"]) for row in table), reverse=True
    )


# Each saved query over the training records, and the test that checks its answer against
# figures computed independently from the TSVs.
TRAINING_QUERY_TESTS = {
    "country-training": test_country_training_for_pakistan,
    "school-ranking": test_school_ranking_counts_whinsec,
    "course-catalogue": test_course_catalogue_leader,
    "event-impact": test_event_impact_around_the_2018_suspension,
    "row-kinds": test_row_kinds_follow_the_caveats,
    "country-schools": test_country_schools_for_colombia,
    "school-countries": test_school_countries_for_whinsec,
    "cost-per-student": test_cost_per_student_leaves_out_unpriced_items,
    "country-units": test_country_units_for_nigeria,
    "unit-training": test_unit_training_for_the_guards_brigade,
}


def test_every_training_query_has_a_test_over_the_records(layout: Layout) -> None:
    queries = load_saved_queries(layout.queries_dir)
    assert set(TRAINING_QUERY_TESTS) == {q.name for q in queries if "training" in q.tags}
