"""Summary figures of the graph: triples per named graph, entities by class, claims by source."""

from __future__ import annotations

from dataclasses import dataclass

from imet_kg.layout import Layout
from imet_kg.namespaces import GRAPH, prefixes
from imet_kg.sparql import internal_query
from imet_kg.store.graph import KnowledgeGraph
from imet_kg.terms import term_text


@dataclass(frozen=True)
class GraphStats:
    triples: int
    graphs: tuple[tuple[str, int], ...]
    entities_by_class: tuple[tuple[str, int], ...]
    claims: int
    single_source_claims: int
    claims_by_source: tuple[tuple[str, int], ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "triples": self.triples,
            "graphs": dict(self.graphs),
            "entities_by_class": dict(self.entities_by_class),
            "claims": self.claims,
            "single_source_claims": self.single_source_claims,
            "claims_by_source": dict(self.claims_by_source),
        }


def compute_stats(graph: KnowledgeGraph, layout: Layout) -> GraphStats:
    """Triples per named graph, entities by class and claims by source."""
    names = prefixes(layout.context_file)
    by_class = graph.select(internal_query("entities-by-class"))
    by_source = graph.select(internal_query("claims-by-source"))
    counts = graph.select(internal_query("claim-count")).dicts()[0]
    return GraphStats(
        triples=len(graph),
        graphs=tuple(
            (name.removeprefix(GRAPH), size) for name, size in graph.graph_sizes().items()
        ),
        entities_by_class=tuple(
            (term_text(row["class"], names), _integer(row["count"])) for row in by_class.dicts()
        ),
        claims=_integer(counts["claims"]),
        single_source_claims=_integer(counts["singleSource"]),
        claims_by_source=tuple(
            (term_text(row["file"], names), _integer(row["count"])) for row in by_source.dicts()
        ),
    )


def _integer(term: object) -> int:
    value = getattr(term, "value", None)
    return int(value) if value is not None else 0
