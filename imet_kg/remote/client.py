"""A SPARQL 1.1 store elsewhere: push the graph to it through the Graph Store Protocol, and
ask it the same queries as the embedded store through the SPARQL Protocol."""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox

from imet_kg.errors import SparqlError
from imet_kg.layout import Layout
from imet_kg.media import GRAPH, find
from imet_kg.namespaces import GRAPH as GRAPH_NAMESPACE
from imet_kg.remote.protocol import RemoteError, Reply, Transport, ask
from imet_kg.remote.values import split_prologue, with_values
from imet_kg.sparql import internal_query
from imet_kg.store.graph import Answer, KnowledgeGraph, QueryResult
from imet_kg.terms import OxTerm

NTRIPLES = find(GRAPH, "nt").media_type
# What a graph answer may come as, N-Triples first: read by the type the server declares.
GRAPH_ACCEPT = f"{NTRIPLES}, text/turtle;q=0.9, application/rdf+xml;q=0.5"
RESULTS_JSON = "application/sparql-results+json"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
# Row limits servers apply by default without saying so in every answer (Virtuoso's
# ResultSetMaxRows): an answer of exactly so many rows is counted again on the server.
KNOWN_CAPS = frozenset({10_000})


class RemoteGraph:
    """The embedded graph's query interface over a SPARQL 1.1 query endpoint. The default
    graph is taken to be the union of the named graphs (Oxigraph's --union-default-graph,
    Fuseki's unionDefaultGraph, Virtuoso's default). An answer the server cut short is
    refused, never returned short."""

    def __init__(self, endpoint: str, transport: Transport | None = None) -> None:
        self.endpoint = endpoint
        self.transport = transport or Transport()

    def _ask(self, sparql: str, accept: str, into: Path | None = None) -> Reply:
        return ask(self.endpoint, sparql, accept, self.transport, into)

    def download(self, store: ox.Store, scratch: Path) -> None:
        """Copy every named graph of the project in the remote store (those named under its
        graph namespace: a server holds graphs of its own, such as Virtuoso's system graphs)
        into `store`, each through one CONSTRUCT streamed to a file in `scratch`."""
        listed = self.select(internal_query("named-graphs"))
        for (name,) in listed.rows:
            if not isinstance(name, ox.NamedNode) or not name.value.startswith(GRAPH_NAMESPACE):
                continue
            body = scratch / "graph.nt"
            sparql = with_values(internal_query("graph-triples"), {"_graph": name})
            reply = self._ask(sparql, GRAPH_ACCEPT, into=body)
            if reply.cap() is not None:
                raise self._cut(reply.cap(), f"graph {name.value}")
            store.bulk_load(path=body, format=_graph_format(reply), to_graph=name)
            body.unlink()

    def query(
        self,
        sparql: str,
        *,
        origin: str = "query",
        substitutions: Mapping[str, OxTerm] | None = None,
        limit: int | None = None,
    ) -> Answer:
        """Any query form, as the embedded graph answers it; `limit` applies once the whole
        answer has arrived (the endpoint sets its own limits)."""
        text = with_values(sparql, substitutions or {})
        form = _form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            reply = self._ask(text, GRAPH_ACCEPT)
            if reply.cap() is not None:
                raise self._cut(reply.cap(), origin)
            parsed = ox.parse(reply.body, format=_graph_format(reply))
            return [quad.triple for quad in itertools.islice(parsed, limit)]
        reply = self._ask(text, RESULTS_JSON)
        document = json.loads(reply.body)
        if "boolean" in document:
            return bool(document["boolean"])
        variables = tuple(document["head"]["vars"])
        bindings = document["results"]["bindings"]
        if form == "ASK" and variables == ("__ASK_RETVAL",):
            # Virtuoso answers ASK in JSON as a one-row table of 1 or 0
            return bool(bindings) and bindings[0]["__ASK_RETVAL"]["value"] not in ("0", "false")
        # As many rows as the server says it allows, or as a common server limit: counted
        # again by the server, and refused if the count is more.
        cap = reply.cap()
        at_cap = (cap is not None and len(bindings) >= cap) or len(bindings) in KNOWN_CAPS
        if at_cap and self._count(text) > len(bindings):
            raise self._cut(len(bindings), origin)
        rows = tuple(
            tuple(_term(binding.get(name)) for name in variables) for binding in bindings[:limit]
        )
        return QueryResult(variables, rows)

    def _count(self, select: str) -> int:
        """How many rows the server finds for `select` when it counts them itself."""
        prologue, body = split_prologue(select)
        counted = f"{prologue}\nSELECT (COUNT(*) AS ?rows) WHERE {{ {{ {body} }} }}"
        document = json.loads(self._ask(counted, RESULTS_JSON).body)
        [row] = document["results"]["bindings"]
        return int(row["rows"]["value"])

    def _cut(self, rows: int | None, what: str) -> RemoteError:
        return RemoteError(
            f"{self.endpoint} cut the answer to {what} at {rows} rows, its own limit: the "
            "answer would be short, so it is refused. Raise the server's limit (Virtuoso: "
            "ResultSetMaxRows in the [SPARQL] section of its configuration) or narrow the "
            "query with its parameters."
        )

    def select(
        self,
        sparql: str,
        *,
        origin: str = "query",
        substitutions: Mapping[str, OxTerm] | None = None,
    ) -> QueryResult:
        answer = self.query(sparql, origin=origin, substitutions=substitutions)
        if not isinstance(answer, QueryResult):
            raise SparqlError(origin, "expected a SELECT query")
        return answer

    def contains_subject(self, node: ox.NamedNode) -> bool:
        return self.query(internal_query("is-subject"), substitutions={"_entity": node}) is True

    def label(self, node: ox.NamedNode) -> str | None:
        return None


def _form(sparql: str) -> str:
    from imet_kg.sparql.tokens import tokens

    for token in tokens(sparql):
        word = token.text.upper()
        if token.kind == "name" and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return word
    return "SELECT"


def _graph_format(reply: Reply) -> ox.RdfFormat:
    """The RDF format of a graph answer, by the media type the server declared."""
    found = ox.RdfFormat.from_media_type(reply.content_type)
    if found is None:
        raise RemoteError(f"the endpoint answered a graph query as {reply.content_type}")
    return found


def _term(binding: Mapping[str, str] | None) -> OxTerm | None:
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        try:
            return ox.BlankNode(value)
        except ValueError:  # a label RDF does not allow (Virtuoso's nodeID://b1), made one
            return ox.BlankNode(f"b{value.encode('utf-8').hex()}")
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        datatype = binding["datatype"]
        if datatype == XSD_BOOLEAN and value in ("1", "0"):
            value = "true" if value == "1" else "false"  # the canonical form of the same value
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def export_remote(
    remote: RemoteGraph, export_format: str, output: Path, layout: Layout
) -> tuple[int, Path]:
    """Copy the remote store's named graphs into a scratch store and export that as the local
    store is exported; the quads written and the file."""
    from imet_kg.store.formats import export

    with tempfile.TemporaryDirectory(prefix="imet-kg-export-") as scratch:
        store = ox.Store(str(Path(scratch) / "store"))
        remote.download(store, Path(scratch))
        path = export(KnowledgeGraph.from_store(store, layout), export_format, output, layout)
        quads = len(store)
        del store
    return quads, path
