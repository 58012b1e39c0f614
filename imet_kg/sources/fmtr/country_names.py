"""The names people use for a country, as labels with their sources: every name the training
reports print (hidden labels, from the editions that print them), the ISO 3166-1 alpha-3
code and ISO names (from ISO 3166-1 as packaged by pycountry), and the names in common use
kept in graph/aliases/country-labels.tsv. Each label is also a SKOS-XL label resource, so
that where a name comes from is data."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.namespaces import DCTERMS, RDF_TYPE, RESOURCE, SKOS, SKOSXL
from imet_kg.sources.countries import read_table

ISO_SOURCE = f"{RESOURCE}source/iso-3166-1"
KINDS = ("pref", "alt", "hidden")


class CountryNames:
    def __init__(self, table: Path) -> None:
        self.curated: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for number, row in enumerate(read_table(table, ("iso", "label", "kind")), start=2):
            kind = row["kind"].strip()
            if kind not in KINDS:
                raise ImetKgError(f"{table}: row {number}: kind {kind!r} is not one of {KINDS}")
            self.curated[row["iso"].strip()].append(
                (row["label"].strip(), kind, (row.get("note") or "").strip())
            )
        self.printed: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def preferred(self, code: str, default: str) -> str:
        """The label a new country is shown by: the curated one, else ISO's."""
        for label, kind, _ in self.curated.get(code, ()):
            if kind == "pref":
                return label
        return default

    def see(self, code: str, printed: str, source: str) -> None:
        """A name a source prints for the country."""
        self.printed[code][printed.strip()].add(source)

    def triples(self, codes: Iterable[str], shown: dict[str, set[str]]) -> list[ox.Triple]:
        """Labels for the countries: `shown` holds each country's labels already in the graph
        (lower-cased), which are not repeated as alternatives."""
        import pycountry

        triples: list[ox.Triple] = []
        for code in sorted(codes):
            country = ox.NamedNode(f"{RESOURCE}country/{code}")
            seen = set(shown.get(code, ()))
            record = pycountry.countries.get(alpha_2=code)
            if record is not None:
                notation = ox.Literal(record.alpha_3)
                triples.append(ox.Triple(country, ox.NamedNode(f"{SKOS}notation"), notation))
                for name in (record.name, getattr(record, "official_name", None)):
                    if name and name.lower() not in seen:
                        seen.add(name.lower())
                        triples += _label(country, code, name, "alt", [ISO_SOURCE], None)
            for label, kind, note in self.curated.get(code, ()):
                if kind != "pref" and label.lower() not in seen:
                    seen.add(label.lower())
                    triples += _label(country, code, label, kind, [], note or None)
            for printed, sources in sorted(self.printed.get(code, {}).items()):
                if printed.lower() not in seen:
                    seen.add(printed.lower())
                    triples += _label(country, code, printed, "hidden", sorted(sources), None)
        return triples


def _label(
    country: ox.NamedNode, code: str, text: str, kind: str, sources: list[str], note: str | None
) -> list[ox.Triple]:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    label = ox.NamedNode(f"{RESOURCE}label/country-{code}-{digest}")
    literal = ox.Literal(text, language="en")
    triples = [
        ox.Triple(country, ox.NamedNode(f"{SKOS}{kind}Label"), literal),
        ox.Triple(country, ox.NamedNode(f"{SKOSXL}{kind}Label"), label),
        ox.Triple(label, ox.NamedNode(RDF_TYPE), ox.NamedNode(f"{SKOSXL}Label")),
        ox.Triple(label, ox.NamedNode(f"{SKOSXL}literalForm"), literal),
    ]
    triples += [
        ox.Triple(label, ox.NamedNode(f"{DCTERMS}source"), ox.NamedNode(source))
        for source in sources
    ]
    if note:
        triples.append(
            ox.Triple(label, ox.NamedNode(f"{SKOS}note"), ox.Literal(note, language="en"))
        )
    if not sources and not note:
        triples.append(
            ox.Triple(
                label,
                ox.NamedNode(f"{SKOS}note"),
                ox.Literal(
                    "A name in common use, kept in graph/aliases/country-labels.tsv.", language="en"
                ),
            )
        )
    return triples
