"""Where a training record's training was held, from the ordered rules of
graph/aliases/locations.tsv (data, not code): the location column first; when it names only
an installation or a locality, or nothing, a school named by the US unit, then by the course
title, provided the gazetteer places that school there (a school never takes records from a
base it does not sit on); in-country training in the country the text names, else in the
participant's own."""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from imet_kg.errors import ImetKgError
from imet_kg.sources.countries import CountryResolver, read_table

COLUMNS = ("location", "us_unit", "course_title")
DEFAULT_COLUMNS = frozenset({"location", "us_unit"})
OWN_COUNTRY = "=country"  # in-country training in the participant's own country
NAMED_COUNTRY = "=named"  # in-country training in the country the text names
NO_PLACE = "=none"  # text that names no place


@dataclass(frozen=True)
class PlaceRule:
    pattern: re.Pattern[str]
    target: str
    columns: frozenset[str]
    from_year: int | None
    to_year: int | None

    def applies(self, column: str, year: int | None) -> bool:
        if column not in self.columns:
            return False
        if year is None:
            return self.from_year is None and self.to_year is None
        return (self.from_year is None or year >= self.from_year) and (
            self.to_year is None or year <= self.to_year
        )


@dataclass(frozen=True)
class Placement:
    """A record's place: `target` is a prefixed name, "country:XX" for in-country training,
    NO_PLACE, or None when nothing resolved; `via` is the column it was read from."""

    target: str | None
    via: str | None = None

    @property
    def is_school(self) -> bool:
        return self.target is not None and self.target.startswith("school:")


class PlaceResolver:
    def __init__(
        self, table: Path, countries: CountryResolver, sites: Mapping[str, Set[str]]
    ) -> None:
        """`sites`: each school's places (prefixed names), with the localities they sit in."""
        self.countries = countries
        self.sites = sites
        self.rules: list[PlaceRule] = []
        for number, row in enumerate(read_table(table, ("pattern", "target")), start=2):
            self.rules.append(_rule(table, number, row))

    @cache  # noqa: B019 - one resolver per import, a few thousand distinct strings
    def match(self, column: str, text: str, year: int | None) -> str | None:
        """The target of the first rule that matches the text in the column, with
        NAMED_COUNTRY turned into the country named ("country:XX"; a rule whose named
        country resolves to none does not match)."""
        if not text.strip():
            return None
        for rule in self.rules:
            if not rule.applies(column, year):
                continue
            found = rule.pattern.search(text)
            if found is None:
                continue
            if rule.target == NAMED_COUNTRY:
                country = self.countries.resolve(found.group("country").strip())
                if country is None:
                    continue
                return f"country:{country.code}"
            if rule.target == NO_PLACE and column != "location":
                return None
            return rule.target
        return None

    def place(self, row: dict[str, str], own_country: str | None) -> Placement:
        year = year_of(row)
        located = self.match("location", row["location"].strip(), year)
        if located == OWN_COUNTRY:
            return Placement(f"country:{own_country}" if own_country else None, "location")
        if located is not None and (located.startswith(("country:", "school:"))):
            return Placement(located, "location")
        for column in ("us_unit", "course_title"):
            named = self.match(column, row[column].strip(), year)
            if named and named.startswith("school:") and self._sits(named, located, column):
                return Placement(named, column)
        if located is not None:
            return Placement(located, "location")
        if not row["location"].strip():
            named = self.match("us_unit", row["us_unit"].strip(), year)
            if named is not None and named.startswith("place:"):
                return Placement(named, "us_unit")
        return Placement(None)

    def _sits(self, school: str, located: str | None, column: str) -> bool:
        """Whether the school can be the place of a record located at `located`: a place the
        school sits at, or (for a school its US unit names) no place at all. A course title
        only tells apart the schools of a place the location names."""
        if located is None or located == NO_PLACE:
            return column == "us_unit"
        return located in self.sites.get(school, ())


def year_of(row: Mapping[str, str]) -> int | None:
    """A record's training fiscal year, when it is printed as one."""
    text = row["training_fy"].strip()
    return int(text) if text.isdigit() else None


def _rule(table: Path, number: int, row: dict[str, str]) -> PlaceRule:
    try:
        pattern = re.compile(row["pattern"], re.IGNORECASE)
    except re.error as error:
        raise ImetKgError(f"{table}: row {number}: bad pattern: {error}") from None
    target = row["target"].strip()
    if target == NAMED_COUNTRY and "country" not in pattern.groupindex:
        raise ImetKgError(f"{table}: row {number}: {NAMED_COUNTRY} needs a (?P<country>...) group")
    if not target.startswith("=") and ":" not in target:
        raise ImetKgError(f"{table}: row {number}: target {target!r} is not a prefixed name")
    spec = (row.get("columns") or "-").strip()
    columns = (
        DEFAULT_COLUMNS if spec in ("", "-") else frozenset(c.strip() for c in spec.split(","))
    )
    unknown = sorted(columns - set(COLUMNS))
    if unknown:
        raise ImetKgError(f"{table}: row {number}: no column {unknown[0]!r}; use {COLUMNS}")
    return PlaceRule(
        pattern,
        target,
        columns,
        _year(table, number, row, "from_fy"),
        _year(table, number, row, "to_fy"),
    )


def _year(table: Path, number: int, row: dict[str, str], column: str) -> int | None:
    text = (row.get(column) or "-").strip()
    if text in ("", "-"):
        return None
    if not re.fullmatch(r"[0-9]{4}", text):
        raise ImetKgError(f"{table}: row {number}: {column} {text!r} is not a fiscal year")
    return int(text)
