"""A SELECT answer as a table a person reads: SPARQL JSON results turned into rows of cells,
sorted on any column (numbers as numbers, missing values last), cut into pages, each IRI shown
by its label (the answer's own `?xLabel` column when it has one, else the graph's label) and
linked to its page on this server."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    f"{XSD}{name}"
    for name in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "short",
        "nonNegativeInteger",
        "positiveInteger",
        "gYear",
    )
}
# Rows on a page of a table.
PAGE_ROWS = 50

Binding = Mapping[str, Mapping[str, str]]


class Link(NamedTuple):
    text: str
    href: str
    title: str = ""
    flag: str = ""  # a warning shown beside it (an AI-written source)


class Cell(NamedTuple):
    text: str
    href: str = ""
    iri: str = ""
    numeric: bool = False
    links: tuple[Link, ...] = ()  # a cell of several links (sources, disputing claims)
    flag: str = ""


class Source(NamedTuple):
    """A source as a person reads it: its label, publisher, caveats, page, and whether it is
    AI-written."""

    label: str
    href: str
    publisher: str = ""
    caveats: str = ""
    ai: bool = False


class Column(NamedTuple):
    name: str
    label_column: str | None


class Table(NamedTuple):
    columns: tuple[str, ...]
    rows: list[list[Cell]]
    total: int
    page: int
    pages: int
    sort: str | None
    descending: bool


def columns(variables: Sequence[str]) -> list[Column]:
    """The columns shown: every variable, except a `?xLabel` that labels a shown `?x` (its
    text goes into x's cells)."""
    names = set(variables)
    labelled = {f"{name}Label" for name in variables if f"{name}Label" in names}
    return [
        Column(name, f"{name}Label" if f"{name}Label" in names else None)
        for name in variables
        if name not in labelled
    ]


def _number(value: str) -> Decimal | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def sort_key(term: Mapping[str, str] | None) -> tuple[int, Any]:
    """Numbers before text, each in its own order; no value after every value."""
    if term is None:
        return (2, "")
    if term.get("type") == "literal" and term.get("datatype") in NUMERIC:
        number = _number(term["value"])
        if number is not None:
            return (0, number)
    return (1, term["value"].casefold())


def sorted_rows(bindings: Sequence[Binding], sort: str | None, descending: bool) -> list[Binding]:
    """The rows in the answer's own order, or sorted on `sort` (ties keep that order)."""
    if sort is None:
        return list(bindings)
    present = [row for row in bindings if sort in row]
    missing = [row for row in bindings if sort not in row]
    ordered = sorted(present, key=lambda row: sort_key(row[sort]), reverse=descending)
    return ordered + missing


def table(
    variables: Sequence[str],
    bindings: Sequence[Binding],
    *,
    sort: str | None,
    descending: bool,
    page: int,
    label: Callable[[str], str],
    link: Callable[[str], str],
    sources: Mapping[str, Source] | None = None,
) -> Table:
    """Page `page` (from 1) of the answer sorted on `sort`, with IRIs labelled and linked;
    a page past the last shows the last. A `sources` column of file names shows each source
    by its label from `sources`; `disputedBy` (claims' IRIs) links each claim; `aiOnly`
    true is flagged."""
    shown = columns(variables)
    total = len(bindings)
    pages = max(1, math.ceil(total / PAGE_ROWS))
    page = min(max(page, 1), pages)
    ordered = sorted_rows(bindings, sort if sort in variables else None, descending)
    window = ordered[(page - 1) * PAGE_ROWS : page * PAGE_ROWS]
    rows = [[_cell(row, column, label, link, sources or {}) for column in shown] for row in window]
    return Table(
        tuple(column.name for column in shown),
        rows,
        total,
        page,
        pages,
        sort if sort in variables else None,
        descending,
    )


def _cell(
    row: Binding,
    column: Column,
    label: Callable[[str], str],
    link: Callable[[str], str],
    sources: Mapping[str, Source],
) -> Cell:
    term = row.get(column.name)
    if term is None:
        return Cell("")
    if term.get("type") == "literal":
        special = _provenance(column.name, term["value"], label, link, sources)
        if special is not None:
            return special
    if term.get("type") == "uri":
        iri = term["value"]
        given = row.get(column.label_column) if column.label_column else None
        text = given["value"] if given else label(iri)
        return Cell(text or iri, link(iri), iri)
    if term.get("type") == "bnode":
        return Cell(f"_:{term['value']}")
    return Cell(term["value"], numeric=term.get("datatype") in NUMERIC)


def _provenance(
    name: str,
    value: str,
    label: Callable[[str], str],
    link: Callable[[str], str],
    sources: Mapping[str, Source],
) -> Cell | None:
    """The provenance columns as a person reads them; None for any other column."""
    if name in ("sources", "source") and sources:
        files = [part.strip() for part in value.split(",") if part.strip()]
        if files and all(file in sources for file in files):
            return Cell(
                value,
                links=tuple(
                    Link(
                        sources[file].label,
                        sources[file].href,
                        "; ".join(p for p in (sources[file].publisher, sources[file].caveats) if p),
                        "AI-written" if sources[file].ai else "",
                    )
                    for file in files
                ),
            )
    if name == "disputedBy":
        claims = value.split()
        return Cell(value, links=tuple(Link(label(iri), link(iri), iri) for iri in claims))
    if name == "aiOnly":
        if value == "true":
            return Cell(value, flag="only the AI-written source states this")
        return Cell("")
    return None
