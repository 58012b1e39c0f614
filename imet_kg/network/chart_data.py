"""The training charts' data, as plain data that a page (drawn in the browser by the bundled
charting library) and the command line (drawn by matplotlib) share: a country's training by
fiscal year beside its official totals, with its dated events on the same axis and the
titles of their sources; a school's students by country and year; the programme's totals by
year. Every figure is the one the saved queries give; a year whose data were lost upstream
is no value, never zero."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from imet_kg.layout import Layout
from imet_kg.network.timeline import country_events
from imet_kg.sparql import internal_query
from imet_kg.store.queryable import QueryableGraph
from imet_kg.terms import term_text

# A school's chart names its countries with the most students; the rest are summed.
TOP_COUNTRIES = 8
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def fiscal_position(when: str) -> float | None:
    """Where a date falls on an axis of US fiscal years, FY N drawn from N-0.5 (1 October of
    N-1) to N+0.5 (30 September of N): August 2018 is about 2018.4, just before FY2019. A
    month is placed at its middle; a year alone at its middle (1 July); a decade or text,
    nowhere."""
    match = _DATE.fullmatch(when.strip())
    if match is None:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else 7
    day = int(match.group(3)) if match.group(3) else (15 if match.group(2) else 1)
    fiscal_year = year + 1 if month >= 10 else year
    months_in = (month - 10) % 12 + (day - 1) / 31
    return round(fiscal_year - 0.5 + months_in / 12, 4)


def _number(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> float | None:
    text = term_text(term)
    return float(text) if text else None


def source_titles(graph: QueryableGraph) -> dict[str, dict[str, Any]]:
    """Each source by file name: its label, else its title (the file name when it has
    neither), its publisher and caveats, its IRI, and whether it is AI-written."""
    titles: dict[str, dict[str, Any]] = {}
    for row in graph.select(internal_query("source-descriptions")).dicts():
        file = term_text(row["file"])
        titles[file] = {
            "title": term_text(row["label"]) or term_text(row["title"]) or file,
            "publisher": term_text(row["publisher"]),
            "caveats": term_text(row["caveats"]),
            "ai": term_text(row["aiWritten"]) == "true",
            "iri": term_text(row["source"]),
        }
    return titles


def country_training(
    graph: QueryableGraph, layout: Layout, country: ox.NamedNode, label: str
) -> dict[str, Any]:
    """A country's students and reported cost by fiscal year (line items and official
    totals, with each year's status), and its dated events placed on the same axis."""
    rows = graph.select(
        internal_query("resource-country-years"), substitutions={"_entity": country}
    ).dicts()
    years = [
        {
            "year": int(term_text(row["year"])),
            "status": term_text(row["status"]),
            "statusLabel": term_text(row["statusLabel"]),
            "students": _number(row["students"]),
            "cost": _number(row["cost"]),
            "officialStudents": _number(row["officialStudents"]),
            "officialCost": _number(row["officialCost"]),
            "note": term_text(row["gapNote"]),
        }
        for row in rows
    ]
    titles = source_titles(graph)
    events = []
    undated = 0
    for event in country_events(graph, layout, country.value):
        position = fiscal_position(event.when)
        if position is None:
            undated += 1
            continue
        sources = [
            titles.get(file, {"title": file, "publisher": "", "ai": False, "iri": ""})
            for file in (part.strip() for part in event.sources.split(","))
            if file
        ]
        events.append(
            {
                "x": position,
                "date": event.when,
                "kind": event.kinds,
                "summary": event.summary,
                "iri": event.event,
                "sources": sources,
                "aiOnly": bool(sources) and all(source["ai"] for source in sources),
            }
        )
    _stagger(events)
    return {
        "chart": "country-training",
        "title": f"{label}: IMET training by US fiscal year",
        "years": years,
        "events": events,
        "undatedEvents": undated,
        "source": "Foreign Military Training Reports, FY1999-FY2020 (data: Security Force "
        "Monitor, CC BY 4.0)",
    }


def _stagger(events: list[dict[str, Any]], gap: float = 3.0, rows: int = 3) -> None:
    """Give each event the row its label is written in: the first row, unless an earlier
    event's label there is closer than `gap` fiscal years (then the next, up to `rows`)."""
    last: list[float] = []
    for event in sorted(events, key=lambda e: float(e["x"])):
        row = next((i for i, x in enumerate(last) if event["x"] - x >= gap), len(last))
        row = min(row, rows - 1)
        if row == len(last):
            last.append(event["x"])
        else:
            last[row] = event["x"]
        event["row"] = row


def place_rows(graph: QueryableGraph, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A place's figures (resource-place-years) as its chart counts them: country label,
    year, students."""
    labels: dict[str, str] = {}
    counted = []
    for row in rows:
        country = term_text(row["country"])
        if country not in labels:
            labels[country] = graph.label(ox.NamedNode(country)) or country
        counted.append(
            {
                "countryLabel": labels[country],
                "year": int(term_text(row["year"])),
                "students": int(term_text(row["students"])),
            }
        )
    return counted


def school_training(rows: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """Students trained at a school by fiscal year, by country: the TOP_COUNTRIES with the
    most students by name, the rest as 'other countries'. `rows` are the school's figures
    (country, countryLabel, year, students)."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row["countryLabel"]] += row["students"]
    named = set(sorted(totals, key=lambda c: (-totals[c], c))[:TOP_COUNTRIES])
    cells: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        country = row["countryLabel"] if row["countryLabel"] in named else "other countries"
        cells[(row["year"], country)] += row["students"]
    return {
        "chart": "school-training",
        "title": f"{label}: students by US fiscal year and country",
        "bars": [
            {"year": year, "country": country, "students": students}
            for (year, country), students in sorted(cells.items())
        ],
        "order": sorted(named, key=lambda c: (-totals[c], c))
        + (["other countries"] if len(totals) > len(named) else []),
        "source": "Foreign Military Training Reports, FY1999-FY2020 (data: Security Force "
        "Monitor, CC BY 4.0); training placed at the school by its printed location",
    }


def programme_training(graph: QueryableGraph) -> dict[str, Any]:
    """The programme's students and reported cost by fiscal year, summed over countries,
    with the countries trained and how many countries' years are short or lost."""
    rows = graph.select(internal_query("chart-programme-years")).dicts()
    return {
        "chart": "programme-training",
        "title": "IMET training by US fiscal year, all countries",
        "years": [
            {
                "year": int(term_text(row["year"])),
                "students": _number(row["students"]),
                "cost": _number(row["cost"]),
                "countries": int(term_text(row["countries"]) or 0),
                "short": int(term_text(row["short"]) or 0),
                "lost": int(term_text(row["lost"]) or 0),
            }
            for row in rows
        ],
        "source": "Foreign Military Training Reports, FY1999-FY2020 (data: Security Force "
        "Monitor, CC BY 4.0); line items only: a year with countries short or lost is a floor",
    }
