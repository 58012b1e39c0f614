"""What each row of the training-records file is (a line item, a reported total line, or
proposed training), by the ordered rules of graph/fmtr/row-kinds.tsv: data, not code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import ImetKgError
from imet_kg.namespaces import DCTERMS, ONTOLOGY, RDF_TYPE, RESOURCE, SKOS
from imet_kg.sources.countries import read_table

KINDS = ("line-item", "reported-total", "proposed")
ROW_KIND = f"{RESOURCE}row-kind/"
RULE = f"{RESOURCE}rule/fmtr-"


@dataclass(frozen=True)
class RowRule:
    name: str
    kind: str
    report_fy: str
    training_fy: str
    empty: tuple[str, ...]
    description: str

    @property
    def iri(self) -> str:
        return RULE + self.name

    @property
    def kind_iri(self) -> str:
        return ROW_KIND + self.kind

    def matches(self, row: dict[str, str]) -> bool:
        return (
            self.report_fy in ("*", row["report_fy"].strip())
            and self.training_fy in ("*", row["training_fy"].strip())
            and all(not row[column].strip() for column in self.empty)
        )


class RowClassifier:
    def __init__(self, table: Path, columns: tuple[str, ...]) -> None:
        rows = read_table(table, ("rule", "kind", "report_fy", "training_fy", "empty"))
        self.rules = [_rule(table, number, row, columns) for number, row in enumerate(rows, 2)]
        last = self.rules[-1] if self.rules else None
        if last is None or last.empty or (last.report_fy, last.training_fy) != ("*", "*"):
            raise ImetKgError(f"{table}: the last rule must match every row (*, *, -)")

    def classify(self, row: dict[str, str]) -> RowRule:
        for rule in self.rules:
            if rule.matches(row):
                return rule
        raise AssertionError("the last rule matches every row")


def _rule(table: Path, number: int, row: dict[str, str], columns: tuple[str, ...]) -> RowRule:
    kind = row["kind"].strip()
    if kind not in KINDS:
        raise ImetKgError(f"{table}: row {number}: kind {kind!r} is not one of {KINDS}")
    empty = tuple(c.strip() for c in row["empty"].split(",")) if row["empty"].strip() != "-" else ()
    unknown = [column for column in empty if column not in columns]
    if unknown:
        raise ImetKgError(f"{table}: row {number}: no column {unknown[0]!r} in the records")
    return RowRule(
        row["rule"].strip(),
        kind,
        row["report_fy"].strip(),
        row["training_fy"].strip(),
        empty,
        (row.get("description") or "").strip(),
    )


def rule_triples(rules: Iterable[RowRule], source: str) -> list[ox.Triple]:
    """The rules that classified rows, as resources: a label, what they say, the kind they
    give, and the source whose caveats they follow."""
    triples = []
    for rule in sorted(rules, key=lambda r: r.name):
        node = ox.NamedNode(rule.iri)
        triples += [
            ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(f"{ONTOLOGY}ClassificationRule")),
            ox.Triple(
                node,
                ox.NamedNode(f"{SKOS}prefLabel"),
                ox.Literal(f"row rule {rule.name}", language="en"),
            ),
            ox.Triple(node, ox.NamedNode(f"{ONTOLOGY}rowKind"), ox.NamedNode(rule.kind_iri)),
            ox.Triple(node, ox.NamedNode(f"{DCTERMS}source"), ox.NamedNode(source)),
        ]
        if rule.description:
            triples.append(
                ox.Triple(
                    node,
                    ox.NamedNode(f"{SKOS}definition"),
                    ox.Literal(rule.description, language="en"),
                )
            )
    return triples
