"""The charts' data and their pictures: dates placed on the fiscal-year axis, a country's
chart carrying the same figures as its saved query and its dated events with source titles,
the programme's totals equal to the sum of the countries', and the command line's SVG and PNG
twins with their refusals."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from imet_kg import Layout
from imet_kg.cli.commands import cli
from imet_kg.network.chart_data import country_training, fiscal_position, programme_training
from imet_kg.query.run import run_saved_query
from imet_kg.store.graph import QueryResult
from imet_kg.store.persistent import open_store
from imet_kg.terms import term_text

PK = ox.NamedNode("https://w3id.org/imet-kg/id/country/PK")


@pytest.mark.parametrize(
    ("when", "low", "high"),
    [
        ("2018-08", 2018.3, 2018.5),  # August 2018: late in FY2018, before FY2019's point
        ("2018-10-01", 2018.5, 2018.51),  # the first day of FY2019
        ("2018-09-30", 2018.45, 2018.5),  # the last day of FY2018
        ("2019-12", 2019.6, 2019.8),  # December 2019 is early FY2020
        ("2016", 2016.0, 2016.3),  # a year alone: its middle, 1 July
    ],
)
def test_a_date_is_placed_in_its_fiscal_year(when: str, low: float, high: float) -> None:
    position = fiscal_position(when)
    assert position is not None
    assert low <= position < high


@pytest.mark.parametrize("when", ["1990s", "", "since the September 11 attacks"])
def test_a_decade_or_text_is_not_placed(when: str) -> None:
    assert fiscal_position(when) is None


@pytest.fixture(scope="module")
def analyst_graph(analyst_store: Path, layout: Layout) -> object:
    return open_store(analyst_store, layout)


def test_the_country_chart_carries_its_query_figures_and_events(
    analyst_graph: object, layout: Layout
) -> None:
    chart = country_training(analyst_graph, layout, PK, "Pakistan")  # type: ignore[arg-type]
    _, answer = run_saved_query(analyst_graph, layout, "country-training", {"country": "PK"})  # type: ignore[arg-type]
    assert isinstance(answer, QueryResult)
    expected = {
        int(term_text(row["year"])): term_text(row["lineItemStudents"]) for row in answer.dicts()
    }
    shown = {entry["year"]: entry["students"] for entry in chart["years"]}
    assert shown == {year: float(v) if v else None for year, v in expected.items()}
    by_year = {entry["year"]: entry["students"] for entry in chart["years"]}
    assert by_year[2019] < by_year[2018] / 2  # the drop after the suspension
    suspension = next(e for e in chart["events"] if e["date"] == "2018-08")
    assert suspension["kind"] == "suspension"
    assert 2018 < suspension["x"] < 2019
    titles = {source["title"] for source in suspension["sources"]}
    assert "Seed 003: International Military Education and Training (wiki markup)" in titles
    assert not any(title.endswith(".txt") for title in titles)  # titles, not file names
    assert chart["undatedEvents"] > 0  # the 1990s suspension has no date to mark


def test_the_programme_totals_are_the_sum_of_the_countries(
    analyst_graph: object, layout: Layout
) -> None:
    totals: dict[int, Decimal] = {}
    for country in ("PK", "EG", "SA"):
        _, answer = run_saved_query(analyst_graph, layout, "country-training", {"country": country})  # type: ignore[arg-type]
        assert isinstance(answer, QueryResult)
        for row in answer.dicts():
            year = int(term_text(row["year"]))
            value = term_text(row["lineItemStudents"])
            totals[year] = totals.get(year, Decimal(0)) + (Decimal(value) if value else 0)
    chart = programme_training(analyst_graph)  # type: ignore[arg-type]
    assert {e["year"]: Decimal(str(int(e["students"]))) for e in chart["years"]} == totals


def run(layout_store: Path, *arguments: str) -> Result:
    return CliRunner().invoke(cli, ["--store", str(layout_store), *arguments])


def test_the_command_line_draws_the_country_chart(analyst_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "pk.svg"
    result = run(analyst_store, "viz", "training", "--country", "Pakistan", "--output", str(target))
    assert result.exit_code == 0, result.output
    svg = target.read_text(encoding="utf-8")
    ET.fromstring(svg)  # well-formed
    texts = {"Pakistan: IMET training by US fiscal year", "suspension 2018-08", "FY2019"}
    for text in texts:
        assert text in svg
    png = tmp_path / "egypt.png"
    assert (
        run(analyst_store, "viz", "training", "--country", "EG", "--output", str(png)).exit_code
        == 0
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    whole = tmp_path / "all.svg"
    assert run(analyst_store, "viz", "training", "--output", str(whole)).exit_code == 0
    assert "all countries" in whole.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--country", "Atlantis", "--output", "x.svg"], "Atlantis"),
        (["--country", "PK", "--output", "x.html"], "--output"),
        (["--country", "PK", "--school", "whinsec", "--output", "x.svg"], "not both"),
    ],
)
def test_the_command_line_refuses_naming_what_is_wrong(
    analyst_store: Path, tmp_path: Path, arguments: list[str], named: str
) -> None:
    result = run(analyst_store, "viz", "training", *arguments)
    assert result.exit_code == 2
    assert named in result.output
    assert not (tmp_path / "x.svg").exists()


def test_the_command_line_draws_a_school_chart(analyst_store: Path, tmp_path: Path) -> None:
    target = tmp_path / "whinsec.svg"
    result = run(
        analyst_store,
        "viz",
        "training",
        "--school",
        "school:national-defense-university",
        "--output",
        str(target),
    )
    assert result.exit_code == 0, result.output
    svg = target.read_text(encoding="utf-8")
    assert "students by US fiscal year and country" in svg
    assert "Egypt" in svg or "Pakistan" in svg
