"""Figures computed once at import from the training line items, as Data Cube observations
with the report editions they come from: per country and fiscal year (beside the official
program total and a status saying how the two compare), per place of training and fiscal
year, per place, country and fiscal year, per course, per region and fiscal year, and per
entity the line items name. The questions analysts ask most become lookups, and every figure
carries its sources and its known gaps."""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

from imet_kg.namespaces import DCTERMS, ONTOLOGY, RDF_TYPE, RESOURCE
from imet_kg.search.documents import Document, course_context
from imet_kg.sources.fmtr.totals import (
    PROV_DERIVED,
    QB_DATASET,
    Gap,
    Key,
    Official,
    ProgramTotals,
    edition_source,
)
from imet_kg.store.loading import Statement
from imet_kg.terms import typed

AGGREGATE = f"{RESOURCE}aggregate/fmtr-"
DATASET = f"{RESOURCE}dataset/fmtr-"
STATUS = f"{RESOURCE}training-status/"
STATUSES = ("complete", "short", "exceeds", "no-official-total", "no-data", "none-reported")


@dataclass
class Sums:
    students: int = 0
    cost: Decimal = Decimal(0)
    items: int = 0
    priced_students: int = 0  # students of the line items that print a cost
    unpriced_items: int = 0  # line items that print no cost
    located_items: int = 0  # line items that print a location
    unplaced_items: int = 0  # line items whose printed location resolves to no place
    courses: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    editions: set[str] = field(default_factory=set)

    def add(
        self,
        students: int,
        cost: Decimal | None,
        edition: str,
        country: str | None,
        year: str,
        location: tuple[bool, bool],
    ) -> None:
        self.students += students
        self.items += 1
        located, placed = location
        self.located_items += located
        self.unplaced_items += located and not placed
        if cost is None:
            self.unpriced_items += 1
        else:
            self.cost += cost
            self.priced_students += students
        self.editions.add(edition)
        self.years.add(year)
        if country is not None:
            self.countries.add(country)


def status(sums: Sums | None, official: Official | None, gaps: list[Gap]) -> str:
    """How a country-year's line items compare with its official total: one of STATUSES."""
    if official is not None:
        items = sums or Sums()
        if (items.students, items.cost) == (official.students, official.cost):
            return "complete"
        if items.students < official.students or items.cost < official.cost:
            return "short"
        return "exceeds"
    if sums is not None:
        return "no-official-total"
    if any(gap.kind == "lost-pages" for gap in gaps):
        return "no-data"
    return "none-reported"


class TrainingFigures:
    """The line items' sums, gathered one line item at a time during the import."""

    def __init__(self) -> None:
        self.country_year: dict[Key, Sums] = defaultdict(Sums)
        self.place_year: dict[tuple[str, str], Sums] = defaultdict(Sums)
        self.place_country_year: dict[tuple[str, str, str], Sums] = defaultdict(Sums)
        self.place: dict[str, Sums] = defaultdict(Sums)
        self.course: dict[str, Sums] = defaultdict(Sums)
        self.region_year: dict[tuple[str, str], Sums] = defaultdict(Sums)
        self.entity: dict[str, Sums] = defaultdict(Sums)  # entity IRI: the line items naming it
        self.covered: dict[str, set[str]] = defaultdict(set)  # fiscal year: editions
        self.statuses: Counter[str] = Counter()  # country-years by status, once written

    def add_line_item(
        self,
        *,
        edition: str,
        year: str,
        country: str | None,
        students: int,
        cost: Decimal | None,
        course: str,
        place: str | None,
        region: str,
        located: bool,
        named: Iterable[str] = (),
    ) -> None:
        """One line item; `located` when it prints a location, which resolved to `place`
        when that is not None; `named`, the IRIs it links to (its country, place, source,
        programme, row kind, rule and class)."""
        self.covered[year].add(edition)
        slices: list[Sums] = []
        if country is not None:
            slices.append(self.country_year[(country, year)])
        if place is not None:
            slices += [self.place_year[(place, year)], self.place[place]]
            if country is not None:
                slices.append(self.place_country_year[(place, country, year)])
        if course:
            slices.append(self.course[course])
        if region:
            slices.append(self.region_year[(region, year)])
        slices += [self.entity[iri] for iri in named]
        for sums in slices:
            sums.add(students, cost, edition, country, year, (located, place is not None))
            if course:
                sums.courses.add(course)

    def course_documents(self) -> Iterator[Document]:
        """Each course title's search document, naming the figure that sums its line items."""
        for title, sums in sorted(self.course.items()):
            context = course_context(sums.items, min(sums.years), max(sums.years))
            yield Document(
                f"{AGGREGATE}course-{_digest(title)}", "course", title, "", "", context, ""
            )

    def participation(self) -> Iterator[ox.Triple]:
        """A country with training line items takes part in IMET, by the editions that list
        them (the sources of its country-year figures)."""
        for code in sorted({code for code, _ in self.country_year}):
            yield ox.Triple(
                ox.NamedNode(f"{RESOURCE}country/{code}"),
                _p("participatesIn"),
                ox.NamedNode(f"{RESOURCE}programme/imet"),
            )

    def triples(self, totals: ProgramTotals, gaps: list[Gap]) -> Iterator[Statement]:
        yield from self._country_years(totals, gaps)
        for (place, year), sums in self.place_year.items():
            yield from self._observation(
                f"place-year-{_slug(place.removeprefix(RESOURCE))}-{year}",
                "place-year",
                sums,
                {"location": ox.NamedNode(place), "fiscalYear": typed(year, "gYear")},
            )
        for (place, country, year), sums in self.place_country_year.items():
            # What a school's page shows, by country and year: the three sums alone.
            yield from self._observation(
                f"place-country-year-{_slug(place.removeprefix(RESOURCE))}-{country}-{year}",
                "place-country-year",
                sums,
                {
                    "location": ox.NamedNode(place),
                    "country": ox.NamedNode(f"{RESOURCE}country/{country}"),
                    "fiscalYear": typed(year, "gYear"),
                },
                coverage=False,
            )
        every_year: list[tuple[str, str, ox.NamedNode | ox.Literal, Sums]] = [
            (f"place-{_slug(place.removeprefix(RESOURCE))}", "location", ox.NamedNode(place), sums)
            for place, sums in self.place.items()
        ]
        every_year += [
            (f"course-{_digest(title)}", "courseTitle", ox.Literal(title), sums)
            for title, sums in self.course.items()
        ]
        for local, dimension, key, sums in every_year:
            yield from self._observation(
                local,
                local.partition("-")[0],
                sums,
                {
                    dimension: key,
                    "firstFiscalYear": typed(min(sums.years), "gYear"),
                    "lastFiscalYear": typed(max(sums.years), "gYear"),
                },
            )
        for iri, sums in self.entity.items():
            # What a page says about the records that name its entity: how many, which years.
            yield from self._observation(
                f"entity-{_digest(iri)}",
                "entity",
                sums,
                {
                    "namedEntity": ox.NamedNode(iri),
                    "firstFiscalYear": typed(min(sums.years), "gYear"),
                    "lastFiscalYear": typed(max(sums.years), "gYear"),
                },
                coverage=False,
            )
        for (region, year), sums in self.region_year.items():
            yield from self._observation(
                f"region-year-{_slug(region)}-{year}",
                "region-year",
                sums,
                {"regionAsPrinted": ox.Literal(region), "fiscalYear": typed(year, "gYear")},
            )

    def _country_years(self, totals: ProgramTotals, gaps: list[Gap]) -> Iterator[Statement]:
        """One observation for every country the reports name and every fiscal year they
        cover, so that a year with no training is a figure (zero, with the editions that
        report none) and a year the source lost is a gap (no figure)."""
        countries = {code for code, _ in self.country_year} | {code for code, _ in totals.by_key}
        for code in sorted(countries):
            for year in sorted(self.covered):
                key = (code, year)
                sums = self.country_year.get(key)
                official = totals.by_key.get(key)
                covering = [gap for gap in gaps if gap.covers(key)]
                kind = status(sums, official, covering)
                self.statuses[kind] += 1
                dimensions: dict[str, ox.NamedNode | ox.Literal] = {
                    "country": ox.NamedNode(f"{RESOURCE}country/{code}"),
                    "fiscalYear": typed(year, "gYear"),
                    "trainingStatus": ox.NamedNode(STATUS + kind),
                }
                editions = set(self.covered[year]) | (official.editions if official else set())
                yield from self._observation(
                    f"country-year-{code}-{year}",
                    "country-year",
                    None if kind == "no-data" else (sums or Sums()),
                    dimensions,
                    editions=editions,
                )
                subject = ox.NamedNode(f"{AGGREGATE}country-year-{code}-{year}")
                if official is not None:
                    yield (
                        subject,
                        _p("officialStudents"),
                        typed(str(official.students), "integer"),
                    )
                    yield (subject, _p("officialCostUSD"), typed(str(official.cost), "decimal"))
                    for observation in official.observations:
                        yield (subject, ox.NamedNode(PROV_DERIVED), ox.NamedNode(observation))
                for gap in covering if kind != "complete" else ():
                    yield (subject, _p("knownGap"), ox.NamedNode(gap.iri))

    @staticmethod
    def _observation(
        local: str,
        dataset: str,
        sums: Sums | None,
        dimensions: dict[str, ox.NamedNode | ox.Literal],
        *,
        editions: set[str] | None = None,
        coverage: bool = True,
    ) -> Iterator[Statement]:
        """An observation's triples; without `coverage`, only students, cost and line
        items are measured (not the priced, located and unplaced counts)."""
        subject = ox.NamedNode(AGGREGATE + local)
        yield (subject, _TYPE, _p("TrainingAggregate"))
        yield (subject, _DATASET_OF, _node(DATASET + dataset))
        for name, value in dimensions.items():
            yield (subject, _p(name), value)
        for edition in sorted(editions if editions is not None else (sums or Sums()).editions):
            yield (subject, _SOURCE, _node(edition_source(edition)))
        if sums is None:
            return
        yield (subject, _p("students"), typed(str(sums.students), "integer"))
        yield (subject, _p("reportedCostUSD"), typed(str(sums.cost), "decimal"))
        yield (subject, _p("lineItems"), typed(str(sums.items), "integer"))
        if not coverage:
            return
        yield (subject, _p("pricedStudents"), typed(str(sums.priced_students), "integer"))
        yield (subject, _p("unpricedLineItems"), typed(str(sums.unpriced_items), "integer"))
        yield (subject, _p("locatedLineItems"), typed(str(sums.located_items), "integer"))
        yield (subject, _p("unplacedLineItems"), typed(str(sums.unplaced_items), "integer"))
        if dataset == "country-year":
            yield (subject, _p("courses"), typed(str(len(sums.courses)), "integer"))
        else:
            yield (subject, _p("countries"), typed(str(len(sums.countries)), "integer"))


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# The terms every figure states, made once: a figure's predicates and classes, its data set and
# its sources (one IRI object each, shared by the 700,000 statements rather than one each).
@functools.cache
def _p(local: str) -> ox.NamedNode:
    return ox.NamedNode(ONTOLOGY + local)


@functools.cache
def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_TYPE = ox.NamedNode(RDF_TYPE)
_DATASET_OF = ox.NamedNode(QB_DATASET)
_SOURCE = ox.NamedNode(f"{DCTERMS}source")
