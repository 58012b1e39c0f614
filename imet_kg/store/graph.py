"""The knowledge graph: a pyoxigraph store whose named graphs remember the file each triple
came from, queried over their union."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import RdfSyntaxError, SparqlError
from imet_kg.namespaces import GRAPH, RDFS, SKOS
from imet_kg.sparql import internal_query
from imet_kg.sparql.text import refuse_nesting_in
from imet_kg.sparql.tokens import declares_dataset
from imet_kg.terms import OxTerm
from imet_kg.tuples import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from imet_kg.layout import Layout

_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
_ERROR_POSITION = re.compile(r"^error at (\d+):(\d+): ?")
Substitutions = Mapping[str, OxTerm]
_PREF_LABEL = ox.NamedNode(f"{SKOS}prefLabel")
_RDFS_LABEL = ox.NamedNode(f"{RDFS}label")


class QueryResult(NamedTuple):
    """The rows of a SELECT query; each row maps variable names to terms (None when unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[OxTerm | None, ...], ...]

    def dicts(self) -> list[dict[str, OxTerm | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[OxTerm | None]:
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def without_parameters(self) -> QueryResult:
        """The result without the `?_name` columns that parameters are bound to."""
        keep = [i for i, name in enumerate(self.variables) if not name.startswith("_")]
        return QueryResult(
            tuple(self.variables[i] for i in keep),
            tuple(tuple(row[i] for i in keep) for row in self.rows),
        )


# What a query answers: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).
Answer = QueryResult | bool | list[ox.Triple]


def parse_file(path: Path) -> list[ox.Triple]:
    """The triples of a Turtle or N-Triples file; a syntax error names file, line and column."""
    rdf_format = _FORMATS.get(path.suffix)
    if rdf_format is None:
        raise RdfSyntaxError(path, None, None, f"unknown RDF file type {path.suffix!r}")
    try:
        return [quad.triple for quad in ox.parse(path=str(path), format=rdf_format)]
    except SyntaxError as error:
        raise RdfSyntaxError(path, error.lineno, error.offset, _first_line(error)) from None
    except OSError as error:
        raise RdfSyntaxError(path, None, None, error.strerror or str(error)) from None


def _first_line(error: SyntaxError) -> str:
    return str(error.msg).splitlines()[0]


class KnowledgeGraph:
    """Triples in named graphs (one per source file or rule) with SPARQL over their union."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.origins: dict[str, Path] = {}
        # The directory of a persistent store, for processes that open it themselves.
        self.location: Path | None = None
        # Distinct triples, when the store's manifest recorded them as it was written.
        self.size: int | None = None

    @classmethod
    def from_store(cls, store: ox.Store, layout: Layout) -> KnowledgeGraph:
        """A graph over an existing store; curated graphs map back to their files by name."""
        graph = cls()
        graph.store = store
        curated = layout.curated_by_stem()  # the folders listed once, not once a graph
        for name in graph.graphs():
            if name.startswith(f"{GRAPH}curated/"):
                stem = name.rsplit("/", 1)[1]
                graph.origins[name] = curated.get(stem, layout.graph_dir / f"{stem}.ttl")
            elif name.startswith(f"{GRAPH}ontology/"):
                graph.origins[name] = layout.ontology_dir / f"{name.rsplit('/', 1)[1]}.ttl"
        return graph

    def load_file(self, path: Path, graph: str) -> int:
        """Parse a file into the named graph; returns the number of triples read."""
        triples = parse_file(path)
        self.add(triples, graph)
        self.origins[graph] = path
        return len(triples)

    def add(self, triples: Iterable[ox.Triple], graph: str) -> None:
        name = ox.NamedNode(graph)
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)

    def contains(self, triple: ox.Triple) -> bool:
        matches = self.store.quads_for_pattern(triple.subject, triple.predicate, triple.object)
        return next(iter(matches), None) is not None

    def graphs(self) -> list[str]:
        return sorted(graph.value for graph in self.store.named_graphs())

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, in graph order."""
        return {
            str(row[0].value): int(row[1].value)  # type: ignore[union-attr]
            for row in self.select(internal_query("graph-sizes")).rows
        }

    def triples(self) -> list[ox.Triple]:
        """The union of all named graphs, each triple once, in a stable order."""
        unique = {quad.triple for quad in self.store}
        return sorted(unique, key=str)

    def distinct_triples(self) -> Iterable[ox.Triple]:
        """The union of all named graphs, each triple once, in store order: for large graphs,
        where sorting would cost more than it gives."""
        answer = self.store.query(internal_query("all-triples"), use_default_graph_as_union=True)
        assert isinstance(answer, ox.QueryTriples)
        return answer

    def quads(self) -> list[ox.Quad]:
        return sorted(self.store, key=str)

    def __len__(self) -> int:
        """Distinct triples over every named graph (a triple stated in two files counts once);
        a read-only store's count as its manifest recorded it."""
        if self.size is not None:
            return self.size
        [(count,)] = self.select(internal_query("triple-count")).rows
        assert count is not None
        return int(count.value)

    def files_defining(self, subject: str) -> list[Path]:
        """The files in which the IRI appears as a subject."""
        node = ox.NamedNode(subject)
        graphs = {quad.graph_name for quad in self.store.quads_for_pattern(node, None, None)}
        return sorted(
            self.origins[g.value]
            for g in graphs
            if isinstance(g, ox.NamedNode) and g.value in self.origins
        )

    def label(self, node: ox.NamedNode) -> str | None:
        """The English preferred label, else any rdfs:label, else None."""
        for predicate in (_PREF_LABEL, _RDFS_LABEL):
            for quad in self.store.quads_for_pattern(node, predicate, None):
                if isinstance(quad.object, ox.Literal):
                    return quad.object.value
        return None

    def contains_subject(self, node: ox.NamedNode) -> bool:
        return next(iter(self.store.quads_for_pattern(node, None, None)), None) is not None

    def query(
        self,
        sparql: str,
        *,
        origin: str = "query",
        substitutions: Substitutions | None = None,
        limit: int | None = None,
    ) -> Answer:
        """Any query form: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE;
        at most `limit` rows or triples, read lazily, so that the rest is never computed."""
        answer = self._run(sparql, origin, substitutions)
        if isinstance(answer, ox.QuerySolutions):
            return _result(answer, limit)
        if isinstance(answer, ox.QueryBoolean):
            return bool(answer)
        return list(itertools.islice(answer, limit))

    def stream(
        self,
        sparql: str,
        *,
        origin: str = "query",
        substitutions: Substitutions | None = None,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
    ) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
        """The query's answer as pyoxigraph evaluates it, lazily, for callers that bound it;
        the protocol's default and named graphs, when given, replace the union dataset."""
        return self._run(
            sparql,
            origin,
            substitutions,
            default_graphs=[ox.NamedNode(g) for g in default_graphs],
            named_graphs=[ox.NamedNode(g) for g in named_graphs],
        )

    def select(
        self, sparql: str, *, origin: str = "query", substitutions: Substitutions | None = None
    ) -> QueryResult:
        solutions = self._run(sparql, origin, substitutions)
        if not isinstance(solutions, ox.QuerySolutions):
            raise SparqlError(origin, "expected a SELECT query")
        return _result(solutions)

    def construct(self, sparql: str, *, origin: str = "query") -> list[ox.Triple]:
        triples = self._run(sparql, origin, None)
        if not isinstance(triples, ox.QueryTriples):
            raise SparqlError(origin, "expected a CONSTRUCT or DESCRIBE query")
        return list(triples)

    def ask(self, sparql: str, *, origin: str = "query") -> bool:
        answer = self._run(sparql, origin, None)
        if not isinstance(answer, ox.QueryBoolean):
            raise SparqlError(origin, "expected an ASK query")
        return bool(answer)

    def _run(
        self,
        sparql: str,
        origin: str,
        substitutions: Substitutions | None,
        *,
        default_graphs: list[ox.NamedNode] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
    ) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
        refuse_nesting_in(sparql, origin)
        bound: dict[ox.Variable, OxTerm | ox.Triple] = {
            ox.Variable(name): term for name, term in (substitutions or {}).items()
        }
        try:
            if default_graphs or named_graphs:
                return self.store.query(
                    sparql,
                    default_graph=list(default_graphs or []),
                    named_graphs=list(named_graphs) if named_graphs else None,
                    substitutions=bound or None,
                )
            if declares_dataset(sparql):
                # The query's FROM and FROM NAMED make its dataset, as SPARQL says.
                return self.store.query(sparql, substitutions=bound or None)
            return self.store.query(
                sparql, use_default_graph_as_union=True, substitutions=bound or None
            )
        except SyntaxError as error:
            raise sparql_error(origin, str(error)) from None
        except (OSError, ValueError) as error:
            raise SparqlError(origin, str(error)) from None


def _result(solutions: ox.QuerySolutions, limit: int | None = None) -> QueryResult:
    variables = tuple(variable.value for variable in solutions.variables)
    rows = tuple(
        tuple(solution)
        for solution in itertools.islice(solutions, limit)  # in variable order
    )
    return QueryResult(variables, rows)


def sparql_error(origin: str, message: str) -> SparqlError:
    """A parser message ('error at 3:8: expected ...') as an error with line and column."""
    match = _ERROR_POSITION.match(message)
    detail = message[match.end() :] if match else message
    detail = " ".join(detail.split())
    if len(detail) > 200:
        detail = detail[:200] + "…"
    if match:
        return SparqlError(origin, detail, int(match.group(1)), int(match.group(2)))
    return SparqlError(origin, detail)
