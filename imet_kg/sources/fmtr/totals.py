"""The official figures the training reports print beside their line items: the per-country
program totals (`fmtr_imet_program_totals.tsv`, training FY2008 onward, and the total lines
the 2007-2008 edition keeps among its line items), and the parts of the reports known to be
incomplete (graph/fmtr/known-gaps.tsv). Both become data with their sources: totals as Data
Cube observations, gaps as imet:SourceGap resources."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.namespaces import DCTERMS, ONTOLOGY, PROV, QB, RDF_TYPE, RESOURCE, SKOS
from imet_kg.sources.countries import CountryResolver, read_table
from imet_kg.sources.fmtr.identity import RecordNames
from imet_kg.sources.tsv import Columns, read_tsv
from imet_kg.terms import typed

TOTALS_FILE = "fmtr_imet_program_totals.tsv"
TOTALS_DATASET = f"{RESOURCE}dataset/fmtr-program-totals"
GAP = f"{RESOURCE}gap/fmtr-"
GAP_KINDS = ("lost-pages", "detail-short")
PROV_DERIVED = f"{PROV}wasDerivedFrom"
QB_DATASET = f"{QB}dataSet"
TOTAL_COLUMNS = Columns(
    required=(
        "report_fy",
        "training_fy",
        "country",
        "program_raw",
        "program_code",
        "reported_students",
        "reported_total_cost_usd",
        "page_number",
    ),
    optional=("region", "reported_total_cost_raw", "source_path"),
    forms={
        "report_fy": re.compile(r"[0-9]{4}-[0-9]{4}"),
        "training_fy": re.compile(r"[0-9]{4}"),
        "reported_students": re.compile(r"[0-9]+"),
        "reported_total_cost_usd": re.compile(r"[0-9]+(\.[0-9]+)?"),
    },
)

Key = tuple[str, str]  # (ISO code, fiscal year)


def edition_source(edition: str) -> str:
    return f"{RESOURCE}source/fmtr-{edition}"


@dataclass
class Official:
    """One country-year's official total, summed over its programme codes, and the
    observations it was summed from."""

    students: int = 0
    cost: Decimal = Decimal(0)
    observations: list[str] = field(default_factory=list)
    editions: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Gap:
    name: str
    kind: str
    report_fy: str
    training_fy: str
    country: str | None  # ISO code; None for every country of the edition
    description: str

    @property
    def iri(self) -> str:
        return GAP + self.name

    def covers(self, key: Key) -> bool:
        return self.training_fy == key[1] and self.country in (None, key[0])


def read_gaps(table: Path, countries: CountryResolver) -> list[Gap]:
    gaps = []
    rows = read_table(table, ("gap", "kind", "report_fy", "training_fy", "country"))
    for number, row in enumerate(rows, start=2):
        kind = row["kind"].strip()
        if kind not in GAP_KINDS:
            raise ImetKgError(f"{table}: row {number}: kind {kind!r} is not one of {GAP_KINDS}")
        printed = row["country"].strip()
        code = None
        if printed != "*":
            country = countries.resolve(printed)
            if country is None:
                raise ImetKgError(f"{table}: row {number}: no country is named {printed!r}")
            code = country.code
        gaps.append(
            Gap(
                row["gap"].strip(),
                kind,
                row["report_fy"].strip(),
                row["training_fy"].strip(),
                code,
                (row.get("description") or "").strip(),
            )
        )
    return gaps


def gap_triples(gaps: list[Gap], dataset_source: str) -> list[ox.Triple]:
    def node(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    triples = []
    for gap in gaps:
        subject = node(gap.iri)
        triples += [
            ox.Triple(subject, node(RDF_TYPE), node(f"{ONTOLOGY}SourceGap")),
            ox.Triple(subject, node(f"{ONTOLOGY}gapKind"), node(f"{RESOURCE}gap-kind/{gap.kind}")),
            ox.Triple(subject, node(f"{DCTERMS}isPartOf"), node(edition_source(gap.report_fy))),
            ox.Triple(subject, node(f"{DCTERMS}source"), node(dataset_source)),
            ox.Triple(
                subject,
                node(f"{ONTOLOGY}fiscalYear"),
                typed(gap.training_fy, "gYear"),
            ),
            ox.Triple(
                subject,
                node(f"{SKOS}prefLabel"),
                ox.Literal(f"Known gap: {gap.name}", language="en"),
            ),
        ]
        if gap.country is not None:
            triples.append(
                ox.Triple(
                    subject, node(f"{ONTOLOGY}country"), node(f"{RESOURCE}country/{gap.country}")
                )
            )
        if gap.description:
            triples.append(
                ox.Triple(
                    subject,
                    node(f"{DCTERMS}description"),
                    ox.Literal(gap.description, language="en"),
                )
            )
    return triples


class ProgramTotals:
    """The official totals read so far, per country and fiscal year, and the triples of
    their observations."""

    def __init__(self, countries: CountryResolver) -> None:
        self.countries = countries
        self.by_key: dict[Key, Official] = defaultdict(Official)
        self._names = RecordNames()

    def read(self, path: Path) -> Iterator[ox.Triple]:
        """The program totals file as observations; each is also added to `by_key`."""
        for line, row in read_tsv(path, TOTAL_COLUMNS):
            country = self.countries.resolve(row["country"])
            if country is None:
                raise ImetKgError(f"{path}:{line}: no country is named {row['country']!r}")
            observation = f"{RESOURCE}total/{self._names.name(row)}"
            yield from self.observation(
                observation,
                edition=row["report_fy"],
                year=row["training_fy"],
                code=country.code,
                printed=row["country"],
                programme_code=row["program_code"],
                programme=row["program_raw"],
                students=int(row["reported_students"]),
                cost=Decimal(row["reported_total_cost_usd"]),
                page=row["page_number"].strip(),
            )

    def observation(
        self,
        iri: str,
        *,
        edition: str,
        year: str,
        code: str,
        printed: str,
        programme_code: str,
        programme: str,
        students: int,
        cost: Decimal,
        page: str,
        derived_from: str | None = None,
    ) -> list[ox.Triple]:
        """One printed total as an observation, counted towards its country-year."""
        official = self.by_key[(code, year)]
        official.students += students
        official.cost += cost
        official.observations.append(iri)
        official.editions.add(edition)

        def p(local: str) -> ox.NamedNode:
            return ox.NamedNode(ONTOLOGY + local)

        subject = ox.NamedNode(iri)
        triples = [
            ox.Triple(subject, ox.NamedNode(RDF_TYPE), p("ProgramTotal")),
            ox.Triple(subject, ox.NamedNode(QB_DATASET), ox.NamedNode(TOTALS_DATASET)),
            ox.Triple(
                subject, ox.NamedNode(f"{DCTERMS}source"), ox.NamedNode(edition_source(edition))
            ),
            ox.Triple(subject, p("country"), ox.NamedNode(f"{RESOURCE}country/{code}")),
            ox.Triple(subject, p("countryAsPrinted"), ox.Literal(printed)),
            ox.Triple(subject, p("fiscalYear"), typed(year, "gYear")),
            ox.Triple(subject, p("programmeCode"), ox.Literal(programme_code)),
            ox.Triple(subject, p("students"), typed(str(students), "integer")),
            ox.Triple(subject, p("reportedCostUSD"), typed(str(cost), "decimal")),
        ]
        if programme:
            triples.append(ox.Triple(subject, p("programmeAsPrinted"), ox.Literal(programme)))
        if page.isdigit():
            triples.append(ox.Triple(subject, p("page"), typed(page, "integer")))
        if derived_from is not None:
            triples.append(
                ox.Triple(subject, ox.NamedNode(PROV_DERIVED), ox.NamedNode(derived_from))
            )
        return triples
