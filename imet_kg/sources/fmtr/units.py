"""Units as entities: the reports print the students' unit (and the US unit that trained them)
as free text, in tens of thousands of spellings. A printed name is read into a key (case and
accents folded, punctuation as spaces, abbreviations expanded by the curated table
graph/units/abbreviations.tsv), and the names with the same key in the same country are one
unit, with every printed variant kept as a label. Names that name no unit (Cancelled, N/A)
are listed in graph/units/not-units.tsv, and endings that name nothing (" - N/A") in
graph/units/ignored-endings.tsv. Nothing is merged on a guess: two names are one unit
only when their keys are equal."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from imet_kg.namespaces import ONTOLOGY, RDF_TYPE, RESOURCE, SKOS
from imet_kg.search.abbreviations import read_abbreviations
from imet_kg.sources.countries import read_table
from imet_kg.store.loading import Statement

NOT_UNITS = Path("units") / "not-units.tsv"
IGNORED_ENDINGS = Path("units") / "ignored-endings.tsv"
# Slugs longer than this are cut and given a digest of the whole key, as are keys with
# characters a slug cannot carry, so that two keys never share an identifier.
SLUG_LENGTH = 80

_INITIAL_STOP = re.compile(r"(?<![\w.])(\w)\.")  # U.S. -> US, A.F.B. -> AFB
_SEPARATORS = re.compile(r"[^\w&]+|_")
_SLUG_SAFE = re.compile(r"[a-z0-9 ]*")


class UnitNames:
    """How printed unit names are read into keys, from the curated tables in `graph_dir`."""

    def __init__(self, graph_dir: Path) -> None:
        self.expansions = read_abbreviations(graph_dir)
        self.endings = tuple(
            " " + " ".join(row["ending"].casefold().split())
            for row in read_table(graph_dir / IGNORED_ENDINGS, ("ending",))
        )
        self.not_units = {
            self._read(row["name"]) for row in read_table(graph_dir / NOT_UNITS, ("name",))
        }

    def key(self, printed: str) -> str | None:
        """The unit a printed name names, as a key; None when it names none."""
        key = self._read(printed)
        return key if key and key not in self.not_units else None

    def _read(self, printed: str) -> str:
        spaced = " ".join(printed.casefold().split())
        for ending in self.endings:
            if spaced.endswith(ending) and len(spaced) > len(ending):
                spaced = spaced[: -len(ending)]
                break
        text = unicodedata.normalize("NFKD", spaced)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
        text = _INITIAL_STOP.sub(r"\1", text.replace("'", "").replace("\u2019", ""))
        words = _SEPARATORS.sub(" ", text.replace("&", " & ")).split()
        expanded = [part for word in words for part in self.expansions.get(word, (word,))]
        if expanded[:1] == ["the"]:
            expanded = expanded[1:]
        return " ".join(expanded)


def slug(key: str) -> str:
    """The last segment of a unit's IRI: the key with hyphens for spaces, with a digest of
    the key when it is long or holds characters other than a-z, 0-9 and spaces."""
    plain = "-".join(key.split())
    if len(plain) <= SLUG_LENGTH and _SLUG_SAFE.fullmatch(key):
        return plain
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    cut = re.sub(r"[^a-z0-9]+", "-", plain)[:SLUG_LENGTH].strip("-")
    return f"{cut}-{digest}" if cut else digest


@dataclass
class _Unit:
    iri: str
    country: str
    key: str
    printed: Counter[str] = field(default_factory=Counter)
    sources: set[str] = field(default_factory=set)
    schools: set[str] = field(default_factory=set)


@dataclass
class UnitCount:
    """What one column's unit names became: printed strings (per country) into units."""

    rows: int = 0  # rows printing a name in the column
    linked_rows: int = 0
    not_unit_rows: int = 0  # rows printing a name the not-units table lists
    no_country_rows: int = 0  # rows printing a unit whose country did not resolve
    strings: int = 0  # distinct printed names, per country, that became units
    units: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "rows_printing_a_unit": self.rows,
            "rows_linked_to_a_unit": self.linked_rows,
            "rows_naming_no_unit": self.not_unit_rows,
            "rows_without_a_country": self.no_country_rows,
            "printed_strings": self.strings,
            "units": self.units,
        }


class Units:
    """The units one column's names become, country by country, as records are read."""

    def __init__(self, names: UnitNames) -> None:
        self.names = names
        self.count = UnitCount()
        self._units: dict[tuple[str, str], _Unit] = {}
        self._by_iri: dict[str, _Unit] = {}
        self._seen: dict[tuple[str, str], _Unit | None] = {}  # (country, printed): its unit

    def see(self, printed: str, country: str | None, source: str) -> str | None:
        """The IRI of the unit the printed name names in the country (an ISO code); None
        when the name is blank, names no unit, or the country is unknown."""
        text = printed.strip()
        if not text:
            return None
        self.count.rows += 1
        if country is None:
            if self.names.key(text) is not None:
                self.count.no_country_rows += 1
            else:
                self.count.not_unit_rows += 1
            return None
        if (country, text) not in self._seen:
            self._seen[(country, text)] = self._find(country, text)
        found = self._seen[(country, text)]
        if found is None:
            self.count.not_unit_rows += 1
            return None
        found.printed[text] += 1
        found.sources.add(source)
        self.count.linked_rows += 1
        return found.iri

    def names_school(self, unit: str, school: str) -> None:
        """Record that a unit's printed name names a school (by the location table)."""
        self._by_iri[unit].schools.add(school)

    def _find(self, country: str, text: str) -> _Unit | None:
        key = self.names.key(text)
        if key is None:
            return None
        entry = self._units.get((country, key))
        if entry is None:
            entry = _Unit(f"{RESOURCE}unit/{country}/{slug(key)}", country, key)
            self._units[(country, key)] = entry
            self._by_iri[entry.iri] = entry
        return entry

    def variants(self) -> dict[tuple[str, str], list[str]]:
        """Each unit's printed names by (country, key)."""
        return {place: sorted(entry.printed) for place, entry in self._units.items()}

    def triples(self) -> Iterator[Statement]:
        """Each unit: its class, country, key, labels (the most printed variant as the
        preferred label, the others as alternatives) and the report editions that print it."""
        self.count.units = len(self._units)
        self.count.strings = sum(len(u.printed) for u in self._units.values())
        kind = ox.NamedNode(f"{ONTOLOGY}Unit")
        a = ox.NamedNode(RDF_TYPE)
        unit_of = ox.NamedNode(f"{ONTOLOGY}unitOf")
        unit_key = ox.NamedNode(f"{ONTOLOGY}unitKey")
        names_school = ox.NamedNode(f"{ONTOLOGY}namesSchool")
        mentioned = ox.NamedNode(f"{ONTOLOGY}mentionedIn")
        preferred = ox.NamedNode(f"{SKOS}prefLabel")
        alternative = ox.NamedNode(f"{SKOS}altLabel")
        for entry in sorted(self._units.values(), key=lambda u: u.iri):
            node = ox.NamedNode(entry.iri)
            yield (node, a, kind)
            yield (node, unit_of, ox.NamedNode(f"{RESOURCE}country/{entry.country}"))
            yield (node, unit_key, ox.Literal(entry.key))
            ranked = sorted(entry.printed, key=lambda text: (-entry.printed[text], text))
            yield (node, preferred, ox.Literal(ranked[0]))
            for text in ranked[1:]:
                yield (node, alternative, ox.Literal(text))
            for source in sorted(entry.sources):
                yield (node, mentioned, ox.NamedNode(source))
            for school in sorted(entry.schools):
                yield (node, names_school, ox.NamedNode(school))
