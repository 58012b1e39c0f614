"""Derivation rules: CONSTRUCT queries in `construct-*.rq` files that add the short direct
triples (`agency:dod imet:administers programme:imet`) from the claim nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from imet_kg.errors import ImetKgError
from imet_kg.namespaces import derived_graph
from imet_kg.store.graph import KnowledgeGraph

MAX_ROUNDS = 10


@dataclass(frozen=True)
class Rule:
    name: str
    path: Path
    sparql: str


@dataclass
class RuleReport:
    """How many new triples each rule added, over how many rounds to reach a fixed point."""

    added: dict[str, int] = field(default_factory=dict)
    rounds: int = 0

    @property
    def total(self) -> int:
        return sum(self.added.values())


def load_rules(directory: Path) -> list[Rule]:
    """The derivation rules: every construct-*.rq file of `directory`, in name order."""
    return [
        Rule(path.stem, path, path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("construct-*.rq"))
    ]


def apply_rules(graph: KnowledgeGraph, rules: list[Rule]) -> RuleReport:
    """Run every rule until none adds a triple; each rule writes to its own named graph."""
    report = RuleReport(added={rule.name: 0 for rule in rules})
    for round_number in range(1, MAX_ROUNDS + 1):
        report.rounds = round_number
        added_this_round = 0
        for rule in rules:
            produced = graph.construct(rule.sparql, origin=str(rule.path))
            new = [triple for triple in set(produced) if not graph.contains(triple)]
            if new:
                graph.add(new, derived_graph(rule.name))
                report.added[rule.name] += len(new)
                added_this_round += len(new)
        if added_this_round == 0:
            return report
    raise ImetKgError(f"the derivation rules did not reach a fixed point in {MAX_ROUNDS} rounds")
