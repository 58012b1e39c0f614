"""What every graph a query runs against offers: the embedded `KnowledgeGraph` and a remote
SPARQL store (`imet_kg.remote.RemoteGraph`) alike. A protocol for type checkers; the query
path imports it only for them, since `typing` costs a fresh process milliseconds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pyoxigraph as ox

    from imet_kg.store.graph import Answer, QueryResult, Substitutions


class QueryableGraph(Protocol):
    """What the query, projection and resolution code needs of a graph: the embedded
    KnowledgeGraph, or a remote SPARQL store."""

    def query(
        self,
        sparql: str,
        *,
        origin: str = ...,
        substitutions: Substitutions | None = ...,
        limit: int | None = ...,
    ) -> Answer: ...

    def select(
        self, sparql: str, *, origin: str = ..., substitutions: Substitutions | None = ...
    ) -> QueryResult: ...

    def contains_subject(self, node: ox.NamedNode) -> bool: ...

    def label(self, node: ox.NamedNode) -> str | None: ...
