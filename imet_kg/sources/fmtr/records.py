"""Import of the Foreign Military Training Report records (FY1999-FY2020, IMET subset, as
extracted by Security Force Monitor) into training records, with nothing dropped: every row
becomes a record, and what cannot be resolved is kept as printed and reported."""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import KW_ONLY, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.layout import Layout
from imet_kg.namespaces import (
    DCTERMS,
    ONTOLOGY,
    PROV,
    RDF_TYPE,
    RESOURCE,
    SKOS,
    prefixes,
)
from imet_kg.search.documents import Document, record_context, record_document
from imet_kg.search.training import training_row
from imet_kg.sources.countries import CountryResolver
from imet_kg.sources.fmtr.country_names import CountryNames
from imet_kg.sources.fmtr.figures import TrainingFigures
from imet_kg.sources.fmtr.graphs import (
    ENTITIES_GRAPH,
    FIGURES_GRAPH,
    IMPORT_GRAPH,
    UNITS_GRAPH,
)
from imet_kg.sources.fmtr.identity import RecordNames
from imet_kg.sources.fmtr.places import NO_PLACE, PlaceResolver, year_of
from imet_kg.sources.fmtr.row_kinds import RowClassifier, RowRule, rule_triples
from imet_kg.sources.fmtr.totals import TOTALS_FILE, Gap, ProgramTotals, gap_triples, read_gaps
from imet_kg.sources.fmtr.units import UnitCount, UnitNames, Units
from imet_kg.sources.tsv import Columns, read_tsv
from imet_kg.store.loading import Statement
from imet_kg.terms import typed

DATASET_SOURCE = f"{RESOURCE}source/sfm-fmtr-imet"
TRAINING_RECORD = f"{ONTOLOGY}TrainingRecord"
EDITION_LABEL = "Foreign Military Training Report"  # an edition's label, before its years
COLUMNS = (
    "report_fy",
    "training_fy",
    "country",
    "program_raw",
    "program_code",
    "course_title",
    "quantity",
    "total_cost_usd",
    "start_date",
    "end_date",
    "location",
    "student_unit",
    "us_unit",
    "page_number",
)
A = ox.NamedNode(RDF_TYPE)
SKOS_LABEL = ox.NamedNode(f"{SKOS}prefLabel")
REPORT_TITLE = "Foreign Military Training and DoD Engagement Activities of Interest"
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


def imet(local: str) -> ox.NamedNode:
    return ox.NamedNode(ONTOLOGY + local)


def default_records_path(layout: Layout) -> Path:
    """Where the training records are read from unless a path is given: ../shared/data/fmtr."""
    return layout.root.parent / "shared" / "data" / "fmtr" / "fmtr_imet_training_records.tsv"


def totals_beside(records: Path) -> Path | None:
    """The official program totals file beside a records file, when there is one."""
    path = records.parent / TOTALS_FILE
    return path if path.is_file() else None


@dataclass
class Coverage:
    """What the import read and how much of it resolved to entities."""

    rows: int = 0
    students: int = 0
    cost_usd: float = 0.0
    country_rows: int = 0
    country_students: int = 0
    location_rows: int = 0
    location_students: int = 0
    school_rows: int = 0
    school_students: int = 0
    unreadable_dates: int = 0
    kind_rows: Counter[str] = field(default_factory=Counter)
    kind_students: Counter[str] = field(default_factory=Counter)
    official_totals: int = 0
    totals_file: str | None = None
    statuses: Counter[str] = field(default_factory=Counter)
    unmatched_countries: Counter[str] = field(default_factory=Counter)
    unmatched_locations: Counter[str] = field(default_factory=Counter)
    unmatched_location_students: Counter[str] = field(default_factory=Counter)
    printed_location_rows: int = 0
    printed_location_students: int = 0
    placed_printed_rows: int = 0
    placed_printed_students: int = 0
    no_place_rows: int = 0
    in_country_rows: int = 0
    placed_via: Counter[str] = field(default_factory=Counter)
    student_units: UnitCount = field(default_factory=UnitCount)
    us_units: UnitCount = field(default_factory=UnitCount)

    def as_dict(self, top: int = 25) -> dict[str, object]:
        return {
            "rows": self.rows,
            "students": self.students,
            "reported_cost_usd": round(self.cost_usd, 2),
            "rows_with_country": self.country_rows,
            "students_with_country": self.country_students,
            "rows_with_location": self.location_rows,
            "students_with_location": self.location_students,
            "rows_at_a_school": self.school_rows,
            "students_at_a_school": self.school_students,
            "rows_with_unreadable_dates": self.unreadable_dates,
            "rows_by_kind": dict(self.kind_rows),
            "students_by_kind": dict(self.kind_students),
            "official_totals": self.official_totals,
            "official_totals_file": self.totals_file,
            "country_years_by_status": dict(self.statuses),
            "unmatched_countries": dict(self.unmatched_countries.most_common()),
            "rows_printing_a_location": self.printed_location_rows,
            "students_printing_a_location": self.printed_location_students,
            "printed_locations_placed_rows": self.placed_printed_rows,
            "printed_locations_placed_students": self.placed_printed_students,
            "rows_naming_no_place": self.no_place_rows,
            "rows_in_country": self.in_country_rows,
            "rows_placed_by_column": dict(self.placed_via),
            "unmatched_locations": dict(self.unmatched_locations.most_common(top)),
            "unmatched_location_strings": len(self.unmatched_locations),
            "student_units": self.student_units.as_dict(),
            "us_units": self.us_units.as_dict(),
        }


def write_unresolved(coverage: Coverage, path: Path) -> None:
    """The printed locations that resolved to no place, with their rows and students, most
    rows first, as a tab-separated file (written whole or not at all)."""
    from imet_kg.fileio import staged

    lines = ["location\trows\tstudents"]
    for text, rows in sorted(coverage.unmatched_locations.items(), key=lambda kv: (-kv[1], kv[0])):
        cell = text.replace("\t", " ").replace("\n", " ")
        lines.append(f"{cell}\t{rows}\t{coverage.unmatched_location_students[text]}")
    with staged(path) as temporary:
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")


def parse_date(text: str) -> date | None:
    """M/D/YYYY or M/D/YY (00-49 as 20xx) as printed; None when it is not a real date."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    month, day, year = (int(part) for part in match.groups())
    if len(match.group(3)) == 2:
        year += 2000 if year < 50 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


RECORD_COLUMNS = Columns(
    required=COLUMNS,
    optional=("region", "quantity_raw", "total_cost_raw", "source_path"),
    forms={
        "report_fy": re.compile(r"[0-9]{4}-[0-9]{4}"),
        "training_fy": re.compile(r"[0-9]{4}"),
        "quantity": re.compile(r"[0-9]+"),
        "total_cost_usd": re.compile(r"-?[0-9]+(\.[0-9]+)?"),
    },
)


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of the records file with their line numbers, checked as they are read
    (`tsv_input.read_tsv`)."""
    if not path.is_file():
        raise ImetKgError(
            f"{path}: no training records here; pass the path to fmtr_imet_training_records.tsv"
        )
    yield from read_tsv(path, RECORD_COLUMNS)


def report_urls(path: Path) -> dict[str, str]:
    provenance = path.parent / "PROVENANCE.json"
    if not provenance.is_file():
        return {}
    urls = json.loads(provenance.read_text(encoding="utf-8")).get("report_home_urls", {})
    return {edition.replace("_", "-"): url for edition, url in urls.items()}


@dataclass
class RecordsImport:
    """One pass over the records file, written as four graphs: the records as printed (with
    the official totals and the known gaps), the figures computed from them, the entities
    they name (report editions, countries, their printed names, classification rules,
    participation and mentions), and the units they print. Records, figures and units are
    kept apart from what links entities together, so that a page can list an entity's links
    without reading past its thousands of records or units. The figures, entities and
    units are complete once the records have been read: `graphs()` gives the four in that
    order."""

    path: Path
    layout: Layout
    _: KW_ONLY
    known_entities: set[str]
    coverage: Coverage
    progress: Callable[[int], None] | None = None
    record_lines: dict[str, int] | None = None
    totals_path: Path | None = None
    known_labels: Mapping[str, set[str]] | None = None
    school_sites: Mapping[str, set[str]] | None = None
    _after: _AfterRecords | None = field(default=None, init=False, repr=False)

    def graphs(self) -> dict[str, Iterator[Statement]]:
        """The four graphs' statements by graph name, to be read in this order."""
        return {
            IMPORT_GRAPH: self.records(),
            FIGURES_GRAPH: self.figures(),
            ENTITIES_GRAPH: self.entities(),
            UNITS_GRAPH: self.units(),
        }

    def triples(self) -> Iterator[ox.Triple]:
        """Every triple of the four graphs, one graph after the other."""
        for statements in self.graphs().values():
            for statement in statements:
                if isinstance(statement, tuple):
                    yield ox.Triple(*statement)
                else:
                    yield statement.triple if isinstance(statement, ox.Quad) else statement

    def figures(self) -> Iterator[Statement]:
        after = self._read()
        yield from after.figures.triples(after.totals, after.gaps)
        self.coverage.statuses.update(after.figures.statuses)

    def entities(self) -> Iterator[ox.Triple]:
        after = self._read()
        yield from _editions(after.editions, after.urls)
        yield from after.figures.participation()
        yield from rule_triples(after.used_rules, DATASET_SOURCE)
        yield from _countries(after.new_countries)
        # Each country's labels already in the graph, which its names are not to repeat.
        shown = {
            iri.rsplit("/", 1)[1]: {label.lower() for label in labels}
            for iri, labels in (self.known_labels or {}).items()
        }
        shown.update(
            {iri.rsplit("/", 1)[1]: {name.lower()} for iri, name in after.new_countries.items()}
        )
        yield from after.country_names.triples(after.country_names.printed, shown)
        mention = imet("mentionedIn")
        for entity_iri, source_iri in sorted(after.mentioned):
            yield ox.Triple(ox.NamedNode(entity_iri), mention, ox.NamedNode(source_iri))

    def units(self) -> Iterator[Statement]:
        """The units the records print, in a graph of their own: a country has up to
        thousands, an edition prints thousands, and a page that lists what points at an
        entity leaves the graph out before reading any of its triples."""
        for units in self._read().units:
            yield from units.triples()

    def documents(self) -> Iterator[Document]:
        """The search documents of the records and the course titles, once both are read."""
        after = self._read()
        yield from after.documents
        yield from after.figures.course_documents()

    def training(self) -> list[tuple[object, ...]]:
        """The rows of the table of training records, once the records are read."""
        return self._read().training

    def _read(self) -> _AfterRecords:
        if self._after is None:
            raise RuntimeError("the records are read before the figures and entities")
        return self._after

    def records(self) -> Iterator[Statement]:
        """Every row of the TSV as an imet:TrainingRecord, yielded row by row so that memory
        does not grow with the file, then the official totals and the known gaps;
        `coverage` is complete once the figures have been read too."""
        path, layout, coverage = self.path, self.layout, self.coverage
        known_entities, progress, record_lines = (
            self.known_entities,
            self.progress,
            self.record_lines,
        )
        totals_path, school_sites = self.totals_path, self.school_sites
        names = prefixes(layout.context_file)
        countries = CountryResolver(layout.graph_dir / "aliases" / "country-names.tsv")
        places = PlaceResolver(
            layout.graph_dir / "aliases" / "locations.tsv", countries, school_sites or {}
        )
        classifier = RowClassifier(layout.graph_dir / "fmtr" / "row-kinds.tsv", RECORD_COLUMNS.all)
        country_names = CountryNames(layout.graph_dir / "aliases" / "country-labels.tsv")
        gaps = read_gaps(layout.graph_dir / "fmtr" / "known-gaps.tsv", countries)
        totals = ProgramTotals(countries)
        figures = TrainingFigures()
        if totals_path is not None:
            coverage.totals_file = str(totals_path)
            yield from totals.read(totals_path)
        totals_editions = {
            edition for official in totals.by_key.values() for edition in official.editions
        }
        used_rules: set[RowRule] = set()
        urls = report_urls(path)
        row_triples: list[Statement] = []
        add = row_triples.append
        add_all = row_triples.extend
        editions: set[str] = set()
        mentioned: set[tuple[str, str]] = set()
        new_countries: dict[str, str] = {}
        programme = ox.NamedNode(f"{RESOURCE}programme/imet")
        record_type = imet("TrainingRecord")
        p = {
            name: imet(name)
            for name in (
                "country",
                "countryAsPrinted",
                "programme",
                "programmeCode",
                "programmeAsPrinted",
                "courseTitle",
                "students",
                "reportedCostUSD",
                "fiscalYear",
                "startDate",
                "endDate",
                "datesAsPrinted",
                "locationAsPrinted",
                "location",
                "inCountryTraining",
                "page",
                "studentUnit",
                "studentUnitAsPrinted",
                "usUnit",
                "usUnitAsPrinted",
                "rowKind",
                "classifiedBy",
            )
        }
        source_predicate = ox.NamedNode(f"{DCTERMS}source")
        # Years, counts, pages and days repeat from row to row: each literal is made once
        # (costs are mostly distinct, and kept would only hold memory).
        literal = functools.cache(typed)
        # The IRIs a row links to, for the figures of each entity a line item names.
        links: list[str] = []

        def link(record: ox.NamedNode, predicate: ox.NamedNode, iri: str) -> None:
            add((record, predicate, ox.NamedNode(iri)))
            links.append(iri)

        def entity(prefixed: str) -> str:
            prefix, _, local = prefixed.partition(":")
            if prefix not in names:
                raise ImetKgError(f"aliases/locations.tsv: unknown prefix in {prefixed!r}")
            return names[prefix] + local

        record_names = RecordNames()
        documents: list[Document] = []
        training: list[tuple[object, ...]] = []
        unit_names = UnitNames(layout.graph_dir)
        student_units, us_units = Units(unit_names), Units(unit_names)
        coverage.student_units, coverage.us_units = student_units.count, us_units.count
        for number, (line, row) in enumerate(read_rows(path), start=1):
            record = ox.NamedNode(f"{RESOURCE}training/{record_names.name(row)}")
            if record_lines is not None:
                record_lines[record.value] = line
            edition = row["report_fy"].strip()
            source = f"{RESOURCE}source/fmtr-{edition}"
            editions.add(edition)
            students = int(row["quantity"]) if row["quantity"].strip().isdigit() else None
            coverage.rows += 1
            coverage.students += students or 0
            links.clear()
            link(record, A, record_type.value)
            link(record, source_predicate, source)
            rule = classifier.classify(row)
            used_rules.add(rule)
            link(record, p["rowKind"], rule.kind_iri)
            link(record, p["classifiedBy"], rule.iri)
            coverage.kind_rows[rule.kind] += 1
            coverage.kind_students[rule.kind] += students or 0
            link(record, p["programme"], programme.value)
            add((record, p["fiscalYear"], literal(row["training_fy"].strip(), "gYear")))
            add((record, p["countryAsPrinted"], ox.Literal(row["country"])))
            add((record, p["programmeCode"], ox.Literal(row["program_code"])))
            if row["program_raw"]:
                add((record, p["programmeAsPrinted"], ox.Literal(row["program_raw"])))
            if row["course_title"]:
                add((record, p["courseTitle"], ox.Literal(row["course_title"])))
            if students is not None:
                add((record, p["students"], literal(str(students), "integer")))
            if row["total_cost_usd"].strip():
                cost = row["total_cost_usd"].strip()
                coverage.cost_usd += float(cost)
                add((record, p["reportedCostUSD"], typed(cost, "decimal")))
            if row["page_number"].strip().isdigit():
                add((record, p["page"], literal(row["page_number"].strip(), "integer")))
            dates = _dates(row, record, p, add, coverage, literal)

            country = countries.resolve(row["country"])
            if row["student_unit"].strip():
                add((record, p["studentUnitAsPrinted"], ox.Literal(row["student_unit"])))
                code = country.code if country is not None else None
                unit = student_units.see(row["student_unit"], code, source)
                if unit is not None:
                    link(record, p["studentUnit"], unit)
            if row["us_unit"].strip():
                add((record, p["usUnitAsPrinted"], ox.Literal(row["us_unit"])))
                unit = us_units.see(row["us_unit"], "US", source)
                if unit is not None:
                    link(record, p["usUnit"], unit)
                    named = places.match("us_unit", row["us_unit"].strip(), year_of(row))
                    if named is not None and named.startswith("school:"):
                        us_units.names_school(unit, entity(named))
            if country is None:
                coverage.unmatched_countries[row["country"]] += 1
            else:
                country_iri = f"{RESOURCE}country/{country.code}"
                link(record, p["country"], country_iri)
                coverage.country_rows += 1
                coverage.country_students += students or 0
                mentioned.add((country_iri, source))
                country_names.see(country.code, row["country"], source)
                if country_iri not in known_entities:
                    new_countries[country_iri] = country_names.preferred(country.code, country.name)
            place_iri: str | None = None
            printed_location = row["location"].strip()
            if printed_location:
                add((record, p["locationAsPrinted"], ox.Literal(row["location"])))
                coverage.printed_location_rows += 1
                coverage.printed_location_students += students or 0
            placement = places.place(row, country.code if country is not None else None)
            if placement.target == NO_PLACE:
                coverage.no_place_rows += 1
            elif placement.target is None:
                if printed_location:
                    coverage.unmatched_locations[printed_location] += 1
                    coverage.unmatched_location_students[printed_location] += students or 0
            else:
                place_iri = entity(placement.target)
                link(record, p["location"], place_iri)
                coverage.location_rows += 1
                coverage.location_students += students or 0
                if printed_location:
                    coverage.placed_printed_rows += 1
                    coverage.placed_printed_students += students or 0
                coverage.placed_via[placement.via or "location"] += 1
                if placement.target.startswith("country:"):
                    add((record, p["inCountryTraining"], literal("true", "boolean")))
                    coverage.in_country_rows += 1
                    if place_iri not in known_entities and place_iri not in new_countries:
                        host = countries.by_code(placement.target.partition(":")[2])
                        new_countries[place_iri] = country_names.preferred(host.code, host.name)
                mentioned.add((place_iri, source))
                if placement.is_school:
                    coverage.school_rows += 1
                    coverage.school_students += students or 0
            page = row["page_number"].strip()
            documents.append(
                record_document(
                    record.value,
                    course=row["course_title"],
                    printed_names=(row["student_unit"], row["us_unit"], row["location"]),
                    printed_country=row["country"],
                    context=record_context(
                        country.name if country is not None else row["country"],
                        row["training_fy"].strip(),
                        printed_location,
                        f"{EDITION_LABEL} {edition}",
                        page if page.isdigit() else "",
                    ),
                    country=country.code if country is not None else "",
                )
            )
            training.append(
                training_row(
                    record.value,
                    country=country.code if country is not None else "",
                    region=(row.get("region") or "").strip(),
                    year=row["training_fy"].strip(),
                    edition=edition,
                    page=page,
                    course=row["course_title"],
                    programme=row["program_code"],
                    place=place_iri or "",
                    location=printed_location,
                    students=students,
                    cost=row["total_cost_usd"].strip(),
                    start_date=dates[0],
                    end_date=dates[1],
                    status=rule.kind,
                    student_unit=row["student_unit"],
                    us_unit=row["us_unit"],
                )
            )
            if rule.kind == "line-item":
                figures.add_line_item(
                    edition=edition,
                    year=row["training_fy"].strip(),
                    country=country.code if country is not None else None,
                    students=students or 0,
                    cost=Decimal(row["total_cost_usd"]) if row["total_cost_usd"].strip() else None,
                    course=row["course_title"].strip(),
                    place=place_iri,
                    region=(row.get("region") or "").strip(),
                    located=bool(printed_location),
                    named=set(links),
                )
            elif (
                rule.kind == "reported-total"
                and country is not None
                and edition not in totals_editions
            ):
                # An edition whose totals are not in the totals file: its total lines are them.
                add_all(
                    totals.observation(
                        f"{RESOURCE}total/{record.value.rsplit('/', 1)[1]}",
                        edition=edition,
                        year=row["training_fy"].strip(),
                        code=country.code,
                        printed=row["country"],
                        programme_code=row["program_code"],
                        programme=row["program_raw"],
                        students=students or 0,
                        cost=Decimal(row["total_cost_usd"].strip() or 0),
                        page=row["page_number"].strip(),
                        derived_from=record.value,
                    )
                )
            yield from row_triples
            row_triples.clear()
            if progress is not None and number % 5000 == 0:
                progress(5000)

        gaps = [gap for gap in gaps if gap.report_fy in editions]  # the editions imported
        yield from gap_triples(gaps, DATASET_SOURCE)
        for official in totals.by_key.values():
            coverage.official_totals += len(official.observations)
        if progress is not None:
            progress(coverage.rows % 5000)
        self._after = _AfterRecords(
            figures=figures,
            totals=totals,
            gaps=gaps,
            editions=editions,
            urls=urls,
            used_rules=used_rules,
            new_countries=new_countries,
            country_names=country_names,
            mentioned=mentioned,
            units=(student_units, us_units),
            documents=documents,
            training=training,
        )


@dataclass
class _AfterRecords:
    """What reading the records leaves for the figures and the entities."""

    figures: TrainingFigures
    totals: ProgramTotals
    gaps: list[Gap]
    editions: set[str]
    urls: dict[str, str]
    used_rules: set[RowRule]
    new_countries: dict[str, str]
    country_names: CountryNames
    mentioned: set[tuple[str, str]]
    units: tuple[Units, ...]
    documents: list[Document]
    training: list[tuple[object, ...]]


def _dates(
    row: dict[str, str],
    record: ox.NamedNode,
    p: dict[str, ox.NamedNode],
    add: Callable[[Statement], None],
    coverage: Coverage,
    literal: Callable[[str, str], ox.Literal] = typed,
) -> tuple[str, str]:
    """The record's dates as ISO dates (empty where none is printed or they cannot be
    read), their triples added."""
    start, end = row["start_date"].strip(), row["end_date"].strip()
    parsed = [(text, parse_date(text)) for text in (start, end)]
    unreadable = any(text and value is None for text, value in parsed)
    begins, ends = parsed[0][1], parsed[1][1]
    if begins and ends and ends < begins:
        unreadable = True
    if unreadable:
        coverage.unreadable_dates += 1
        add((record, p["datesAsPrinted"], ox.Literal(f"{start} - {end}")))
        return "", ""
    if begins:
        add((record, p["startDate"], literal(begins.isoformat(), "date")))
    if ends:
        add((record, p["endDate"], literal(ends.isoformat(), "date")))
    return (begins.isoformat() if begins else "", ends.isoformat() if ends else "")


def _editions(editions: set[str], urls: dict[str, str]) -> list[ox.Triple]:
    triples = []
    dataset = ox.NamedNode(DATASET_SOURCE)
    for edition in sorted(editions):
        source = ox.NamedNode(f"{RESOURCE}source/fmtr-{edition}")
        title = f"{REPORT_TITLE}, {edition}, Volume I"
        triples += [
            ox.Triple(source, A, imet("Source")),
            ox.Triple(
                source,
                SKOS_LABEL,
                ox.Literal(f"{EDITION_LABEL} {edition}", language="en"),
            ),
            ox.Triple(source, ox.NamedNode(f"{DCTERMS}title"), ox.Literal(title, language="en")),
            ox.Triple(
                source,
                ox.NamedNode(f"{DCTERMS}publisher"),
                ox.Literal("US Department of State and Department of Defense"),
            ),
            ox.Triple(dataset, ox.NamedNode(f"{PROV}wasDerivedFrom"), source),
        ]
        if edition in urls:
            triples.append(ox.Triple(source, imet("namesUrl"), ox.NamedNode(urls[edition])))
    return triples


def _countries(new: dict[str, str]) -> list[ox.Triple]:
    triples = []
    for iri, name in sorted(new.items()):
        node = ox.NamedNode(iri)
        triples += [
            ox.Triple(node, A, imet("Country")),
            ox.Triple(node, SKOS_LABEL, ox.Literal(name, language="en")),
            ox.Triple(node, imet("isoCode"), ox.Literal(iri.rsplit("/", 1)[1])),
        ]
    return triples
