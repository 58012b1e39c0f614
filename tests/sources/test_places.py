"""Places and schools: the gazetteer in graph/ and the location rules resolve the strings the
reports print (tests/data/places/cases.tsv, chosen by hand) to the right entity and never to
a known-wrong one; the rules file is checked; every target is in the gazetteer."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from imet_kg import ImetKgError, Layout
from imet_kg.namespaces import prefixes
from imet_kg.pipeline.building import assemble
from imet_kg.sources.countries import CountryResolver, read_table
from imet_kg.sources.fmtr.importer import school_sites
from imet_kg.sources.fmtr.places import NO_PLACE, PlaceResolver
from imet_kg.terms import compact

from ..conftest import DATA

CASES = DATA / "places" / "cases.tsv"


def query(name: str) -> str:
    return (DATA / "places" / f"{name}.rq").read_text(encoding="utf-8")


def cases() -> list[dict[str, str]]:
    lines = [line for line in CASES.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [{key: ("" if value == "-" else value) for key, value in row.items()} for row in rows]


@pytest.fixture(scope="module")
def resolver(layout: Layout) -> PlaceResolver:
    graph, _ = assemble(layout)
    countries = CountryResolver(layout.graph_dir / "aliases" / "country-names.tsv")
    return PlaceResolver(
        layout.graph_dir / "aliases" / "locations.tsv", countries, school_sites(graph, layout)
    )


@pytest.mark.parametrize(
    "case", cases(), ids=lambda c: f"{c['fiscal_year']}:{c['location'] or c['us_unit']}"[:60]
)
def test_printed_string_resolves(resolver: PlaceResolver, case: dict[str, str]) -> None:
    row = {
        "training_fy": case["fiscal_year"],
        "location": case["location"],
        "us_unit": case["us_unit"],
        "course_title": case["course_title"],
    }
    found = resolver.place(row, "ZM").target
    assert (found or "") == case["expected"], case["why"]
    if case["not_expected"]:
        assert found != case["not_expected"]


def test_there_are_enough_cases() -> None:
    rows = cases()
    assert len(rows) >= 40
    assert sum(1 for row in rows if row["not_expected"]) >= 15


def test_every_target_is_in_the_gazetteer(layout: Layout) -> None:
    graph, _ = assemble(layout)
    names = prefixes(layout.context_file)
    rules = read_table(layout.graph_dir / "aliases" / "locations.tsv", ("pattern", "target"))
    targets = {row["target"].strip() for row in rules}
    for target in sorted(t for t in targets if not t.startswith("=")):
        prefix, _, local = target.partition(":")
        iri = names[prefix] + local
        if prefix == "country":
            continue  # countries come from ISO 3166 at import
        answer = graph.select(query("kind-of"), substitutions={"_place": ox.NamedNode(iri)})
        assert answer.rows, f"{target} is not a school, installation or locality of the gazetteer"


def test_every_gazetteer_place_is_named_by_a_rule_or_sits_under_one(layout: Layout) -> None:
    """No dead entries: each school, installation and locality is a rule's target or the
    installation or locality a target sits at."""
    graph, _ = assemble(layout)
    names = prefixes(layout.context_file)
    rules = read_table(layout.graph_dir / "aliases" / "locations.tsv", ("pattern", "target"))
    targets = {row["target"].strip() for row in rules}
    answer = graph.select(query("held"))
    seed_schools = {"school:whinsec", "school:us-army-war-college", "school:air-university"}
    for place, held in answer.rows:
        name = compact(place.value, names)  # type: ignore[union-attr]
        if name in targets or name in seed_schools:
            continue
        assert int(held.value) > 0, f"{name} is neither a rule's target nor a place others sit at"  # type: ignore[union-attr]


def test_a_school_that_moved_has_its_sites_by_year(layout: Layout) -> None:
    graph, _ = assemble(layout)
    armor = ox.NamedNode("https://w3id.org/imet-kg/id/school/armor-school")
    answer = graph.select(query("sites"), substitutions={"_school": armor})
    sites = {
        row["place"].value.rsplit("/", 1)[1]: (  # type: ignore[union-attr]
            row["from"].value if row["from"] else None,
            row["until"].value if row["until"] else None,
        )
        for row in answer.dicts()
    }
    assert sites == {"fort-benning": ("2012", None), "fort-knox": (None, "2011")}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("(unclosed\tplace:lackland-afb\t-\t-\t-", "bad pattern"),
        ("LACKLAND\t=named\t-\t-\t-", "needs a (?P<country>...) group"),
        ("LACKLAND\tlackland\t-\t-\t-", "is not a prefixed name"),
        ("LACKLAND\tplace:lackland-afb\tstudent_unit\t-\t-", "no column 'student_unit'"),
        ("LACKLAND\tplace:lackland-afb\t-\t20x1\t-", "is not a fiscal year"),
    ],
)
def test_a_broken_rules_file_names_its_row(tmp_path: Path, line: str, message: str) -> None:
    table = tmp_path / "locations.tsv"
    table.write_text("pattern\ttarget\tcolumns\tfrom_fy\tto_fy\n" + line + "\n", encoding="utf-8")
    countries = CountryResolver(Path(__file__).parents[2] / "graph/aliases/country-names.tsv")
    with pytest.raises(
        ImetKgError, match=re.escape(f"{table}: row 2: ") + ".*" + re.escape(message)
    ):
        PlaceResolver(table, countries, {})


def test_no_place_is_only_said_of_a_location(resolver: PlaceResolver) -> None:
    assert resolver.match("location", "VARIOUS", 2005) == NO_PLACE
    assert resolver.match("us_unit", "N/A", 2005) is None


@pytest.mark.parametrize(
    ("words", "entity"),
    [
        ("School of the Americas", "school/whinsec"),
        ("DRMI", "school/drmi"),
        ("Maxwell AFB", "place/maxwell-afb"),
        ("Army Logistics Management College", "school/army-logistics-university"),
        ("Academy of Health Sciences", "school/amedd-center-and-school"),
        ("DSCU", "school/disam"),
    ],
)
def test_schools_and_places_by_the_names_people_use(
    layout: Layout, words: str, entity: str
) -> None:
    from imet_kg.query.binding import resolve_entity
    from imet_kg.query.saved import Parameter

    graph, _ = assemble(layout)
    school = Parameter(name="school", type="entity")
    found = resolve_entity(graph, school, words, prefixes(layout.context_file))
    assert found.value == f"https://w3id.org/imet-kg/id/{entity}"
