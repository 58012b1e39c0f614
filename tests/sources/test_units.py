"""Units read from printed names: the pairs reviewed by hand (tests/data/units/variants.tsv)
merge or stay apart as the file says, a unit is one per country and key, its identifier is
stable and never shared, and the curated tables are read as documented."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from imet_kg.errors import ImetKgError
from imet_kg.sources.fmtr.units import SLUG_LENGTH, UnitNames, Units, slug

from ..conftest import DATA, ROOT

SOURCE = "https://w3id.org/imet-kg/id/source/fmtr-2019-2020"
UNIT = "https://w3id.org/imet-kg/id/unit/"
ONTOLOGY = "https://w3id.org/imet-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def variants() -> list[dict[str, str]]:
    lines = (DATA / "units" / "variants.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if not line.startswith("#")]
    return list(csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def names() -> UnitNames:
    return UnitNames(ROOT / "graph")


def test_the_reviewed_file_has_each_kind_of_case() -> None:
    kinds = [row["expect"] for row in variants()]
    assert {kinds.count(kind) >= 3 for kind in ("merge", "apart", "none")} == {True}
    assert set(kinds) == {"merge", "apart", "none"}


@pytest.mark.parametrize("row", variants(), ids=lambda row: f"{row['first']}|{row['second']}")
def test_reviewed_names_merge_or_stay_apart(row: dict[str, str], names: UnitNames) -> None:
    units = Units(names)
    first = units.see(row["first"], row["country"], SOURCE)
    if row["expect"] == "none":
        assert first is None
        return
    second = units.see(row["second"], row["country"], SOURCE)
    assert first is not None
    assert second is not None
    assert first.startswith(f"{UNIT}{row['country']}/")
    assert (first == second) == (row["expect"] == "merge"), row["why"]


def test_the_same_name_in_two_countries_is_two_units(names: UnitNames) -> None:
    units = Units(names)
    nigeria = units.see("Ministry of Defence", "NG", SOURCE)
    ghana = units.see("MOD", "GH", SOURCE)
    assert nigeria == f"{UNIT}NG/ministry-of-defense"
    assert ghana == f"{UNIT}GH/ministry-of-defense"


def test_a_unit_is_labelled_by_its_most_printed_name(names: UnitNames) -> None:
    units = Units(names)
    for printed in ("GUARDS BRIGADE", "Guards Bde", "GUARDS BRIGADE", "The Guards Brigade"):
        units.see(printed, "NG", SOURCE)
    graph = ox.Store()
    graph.extend(ox.Quad(*t) for t in units.triples())
    node = ox.NamedNode(f"{UNIT}NG/guards-brigade")
    objects = {
        predicate: sorted(
            str(getattr(q.object, "value", q.object))
            for q in graph.quads_for_pattern(node, ox.NamedNode(predicate), None)
        )
        for predicate in (
            f"{SKOS}prefLabel",
            f"{SKOS}altLabel",
            f"{ONTOLOGY}unitOf",
            f"{ONTOLOGY}unitKey",
        )
    }
    assert objects == {
        f"{SKOS}prefLabel": ["GUARDS BRIGADE"],
        f"{SKOS}altLabel": ["Guards Bde", "The Guards Brigade"],
        f"{ONTOLOGY}unitOf": ["https://w3id.org/imet-kg/id/country/NG"],
        f"{ONTOLOGY}unitKey": ["guards brigade"],
    }
    assert units.count.as_dict() == {
        "rows_printing_a_unit": 4,
        "rows_linked_to_a_unit": 4,
        "rows_naming_no_unit": 0,
        "rows_without_a_country": 0,
        "printed_strings": 3,
        "units": 1,
    }


def test_rows_that_name_no_unit_or_no_country_are_counted(names: UnitNames) -> None:
    units = Units(names)
    assert units.see("  ", "NG", SOURCE) is None  # blank: not a row printing a unit
    assert units.see("N/A", "NG", SOURCE) is None
    assert units.see("Army", None, SOURCE) is None
    assert units.see("N/A", None, SOURCE) is None
    counted = units.count.as_dict()
    assert counted["rows_printing_a_unit"] == 3
    assert counted["rows_naming_no_unit"] == 2
    assert counted["rows_without_a_country"] == 1


def test_identifiers_are_never_shared(names: UnitNames) -> None:
    long_name = "Directorate " * 12
    assert slug("guards brigade") == "guards-brigade"
    long_slug = slug(names.key(long_name) or "")
    assert len(long_slug) <= SLUG_LENGTH + 11
    assert long_slug != slug(names.key(long_name + " Two") or "")
    # Keys that differ only where a slug cannot carry them get a digest each.
    assert slug("r\u00f6yal guard") != slug("r\u00e9yal guard")
    assert slug("cia & fes").startswith("cia-fes-")


def test_a_word_listed_twice_is_refused(tmp_path: Path) -> None:
    graph = tmp_path / "graph"
    (graph / "units").mkdir(parents=True)
    for name in ("not-units.tsv", "ignored-endings.tsv"):
        source = ROOT / "graph" / "units" / name
        (graph / "units" / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (graph / "units" / "abbreviations.tsv").write_text(
        "printed\texpansion\nhq\theadquarters\nHQ\theadquarter\n", encoding="utf-8"
    )
    with pytest.raises(ImetKgError, match=r"abbreviations.tsv: row 3: 'hq' is listed twice"):
        UnitNames(graph)
